import { describe, expect, it } from 'vitest';
import { SimHarness } from './testing/harness';
import { createSimulation } from './simulation';
import { ACTIONS, STRATEGIES, type ScenarioInput, type TimelineEntry } from './scenario';
import { Rng } from './core/rng';
import { acceptedTimeline } from './testing/timelines';

const strip = (r: ReturnType<ReturnType<typeof createSimulation>['result']>) => ({
  ...r,
  engine: { ...r.engine, wallMs: 0 },
});

describe('conservation: expected = delivered + lost + pending', () => {
  for (const strategy of STRATEGIES) {
    it(`holds for ${strategy} with no actions, and expected = sent × (roomSize − 1)`, () => {
      const h = new SimHarness({
        strategy,
        users: 6_000,
        roomSize: 3,
        messagesPerUserPerMin: 4,
        durationS: 20,
      }).runTo(20);
      h.expectConservation();
      const t = h.result.totals;
      expect(t.expectedDeliveries).toBe(t.messagesSent * 2);
      expect(t.messagesSent).toBeGreaterThan(1000);
    });

    for (const action of ['add-server', 'remove-server', 'crash-server'] as const) {
      it(`holds for ${strategy} through ${action}`, () => {
        const h = new SimHarness({
          strategy,
          users: 6_000,
          roomSize: 4,
          messagesPerUserPerMin: 6,
          durationS: 30,
        })
          .runTo(8)
          .act(action)
          .runTo(12);
        h.expectConservation();
        h.runTo(30).expectConservation();
        const rep = h.result.timeline[0]!;
        expect(rep.action).toBe(action);
        expect(rep.server).toBeGreaterThanOrEqual(0);
      });
    }

    it(`holds for ${strategy} through a broker crash and recovery (a no-op without a broker)`, () => {
      const h = new SimHarness({
        strategy,
        users: 6_000,
        roomSize: 4,
        messagesPerUserPerMin: 6,
        durationS: 30,
      })
        .runTo(8)
        .act('crash-broker')
        .runTo(10);
      h.expectConservation();
      h.act('recover-broker').runTo(20).expectConservation();
      const servers = h.result.timeline.map((r) => r.server);
      expect(servers).toEqual(strategy === 'pubsub' ? [0, 0] : [-1, -1]);
      if (strategy !== 'pubsub') expect(h.result.totals.lostDeliveries).toBe(0);
    });
  }

  it('holds under random timelines for every strategy (seeded fuzz)', () => {
    for (let seed = 1; seed <= 24; seed++) {
      const rng = new Rng(seed, 'timeline-fuzz');
      const strategy = STRATEGIES[seed % STRATEGIES.length]!;
      const raw: TimelineEntry[] = [];
      for (let i = 0; i < 1 + rng.int(5); i++) {
        raw.push({ atS: 1 + rng.int(14), action: ACTIONS[rng.int(ACTIONS.length)]! });
      }
      const servers = 2 + rng.int(4);
      const timeline = acceptedTimeline(strategy, servers, raw);
      const scenario: ScenarioInput = {
        strategy,
        seed,
        users: 1_000 + rng.int(4_000),
        servers,
        roomSize: 2 + rng.int(6),
        messagesPerUserPerMin: 1 + rng.int(20),
        topic: rng.next() < 0.5 ? 'user' : 'room',
        drainS: rng.int(4),
        timeline,
        durationS: 20,
      };
      const sim = createSimulation(scenario);
      for (const tS of [5, 10, 15, 20]) {
        sim.runUntil(tS * 1e6);
        const t = sim.result().totals;
        expect(
          t.deliveries + t.lostDeliveries + t.pendingDeliveries,
          `seed ${seed} (${strategy}) at ${tS}s`,
        ).toBe(t.expectedDeliveries);
      }
    }
  });
});

describe('determinism', () => {
  const scenario: ScenarioInput = {
    strategy: 'consistent-hashing',
    users: 5_000,
    messagesPerUserPerMin: 5,
    durationS: 15,
    timeline: [
      { atS: 4, action: 'add-server' },
      { atS: 10, action: 'crash-server' },
    ],
  };

  it('gives the same result for the same scenario and seed', () => {
    const a = createSimulation(scenario).run().result();
    const b = createSimulation(scenario).run().result();
    expect(strip(a)).toEqual(strip(b));
  });

  it('gives a different result for a different seed', () => {
    const a = createSimulation(scenario).run().result();
    const b = createSimulation({ ...scenario, seed: 2 })
      .run()
      .result();
    expect(a.totals.messagesSent).not.toBe(b.totals.messagesSent);
  });

  it('does not depend on how the run is sliced (one call or many)', () => {
    const a = createSimulation(scenario).run().result();
    const sim = createSimulation(scenario);
    for (let t = 0; t <= 15e6; t += 123_457) sim.runUntil(t, 5_000);
    sim.run();
    expect(strip(sim.result())).toEqual(strip(a));
  });

  it('continues from a checkpoint exactly as the original does', () => {
    const a = createSimulation(scenario).run().result();
    const sim = createSimulation(scenario);
    sim.runUntil(5.5e6); // mid-migration
    const copy = sim.checkpoint();
    sim.run();
    copy.run();
    expect(strip(copy.result())).toEqual(strip(a));
    expect(strip(sim.result())).toEqual(strip(a));
  });

  it('is not disturbed by reading traces and live snapshots', () => {
    const a = createSimulation(scenario).run().result();
    const sim = createSimulation(scenario);
    for (let t = 0; t <= 15e6; t += 250_000) {
      sim.runUntil(t);
      sim.live();
      sim.drainTrace();
      sim.sampleView();
      sim.ringView();
    }
    sim.run();
    expect(strip(sim.result())).toEqual(strip(a));
  });
});

describe('result contract', () => {
  it('reports one series row per simulated second with the contract fields', () => {
    const r = createSimulation({ users: 500, durationS: 12 }).run().result();
    expect(r.series.map((x) => x.tS)).toEqual([...Array(12).keys()]);
    for (const f of [
      'tS',
      'dbReads',
      'dbWrites',
      'polls',
      'deliveries',
      'reconnects',
      'latencyP50Ms',
      'latencyP99Ms',
    ]) {
      expect(r.series[3]).toHaveProperty(f);
    }
    expect(Object.keys(r.latencyMs).sort()).toEqual(['max', 'mean', 'p50', 'p95', 'p99']);
  });

  it('traces sampled users hop by hop with send and receive times', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 1000,
      tracedUsers: 100,
      messagesPerUserPerMin: 30,
    });
    sim.runUntil(3e6);
    const tr = sim.drainTrace();
    expect(tr.length).toBeGreaterThan(0);
    expect(tr.length % 6).toBe(0);
    for (let i = 0; i < tr.length; i += 6) expect(tr[i + 4]!).toBeGreaterThanOrEqual(tr[i + 3]!);
    expect(sim.drainTrace().length).toBe(0);
  });
});

describe('action reports', () => {
  it('state the number of servers before and after each action', () => {
    const r = createSimulation({
      strategy: 'modulo-hashing',
      users: 2_000,
      servers: 4,
      durationS: 20,
      timeline: [
        { atS: 2, action: 'add-server' },
        { atS: 6, action: 'crash-server' },
        { atS: 12, action: 'remove-server' },
      ],
    })
      .run()
      .result();
    expect(r.timeline.map((a) => [a.serversBefore, a.serversAfter])).toEqual([
      [4, 5],
      [5, 4],
      [4, 3],
    ]);
  });

  it('draws the sample from the traced users', () => {
    const sim = createSimulation({ strategy: 'pubsub', users: 100_000, tracedUsers: 3000 });
    const traceStride = Math.ceil(100_000 / 3000);
    for (const u of sim.sampleView().users) expect(u % traceStride).toBe(0);
  });
});

describe('public face', () => {
  it('exposes neither the kernel nor its event handler', async () => {
    const engine = await import('./index');
    expect(engine).not.toHaveProperty('Kernel');
    const sim = engine.createSimulation({ users: 100 });
    expect('kernel' in sim).toBe(false);
    expect('handle' in sim).toBe(false);
    expect(typeof (sim as unknown as Record<string, unknown>).handle).toBe('undefined');
    sim.runUntil(2e6);
    expect(sim.events).toBeGreaterThan(0);
  });
});
