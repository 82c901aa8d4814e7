import { describe, expect, it } from 'vitest';
import { hashInt } from './core/hash';
import { Rng } from './core/rng';
import { HashRing } from './model/hashRing';
import { main } from '../cli/simMain';
import {
  ActionRefusedError,
  createSimulation,
  normalizeScenario,
  ScenarioError,
  STRATEGIES,
  type Result,
  type ScenarioInput,
  type Simulation,
} from './index';
import { fuzzWorld, settledDurationS } from './testing/fuzzWorld';

const KEY_SEED = 0x5eed;

/** Users whose owner differs between two owner functions (computed from the hashes, not the model). */
function movedBetween(users: number, a: (h: number) => number, b: (h: number) => number): number {
  let n = 0;
  for (let u = 0; u < users; u++) {
    const h = hashInt(u, KEY_SEED);
    if (a(h) !== b(h)) n++;
  }
  return n;
}

function expectSettled(sim: Simulation, label: string): void {
  const s = sim.settledCheck();
  expect(s.violations, `${label}: ${s.violations.map((v) => v.message).join('; ')}`).toEqual([]);
  expect(s.ok).toBe(true);
}

function expectConserved(r: Result, label: string): void {
  const t = r.totals;
  expect(t.deliveries + t.lostDeliveries + t.pendingDeliveries, `${label}: delivered + lost + pending`).toBe(
    t.expectedDeliveries,
  );
  expect(t.pendingDeliveries, `${label}: pending`).toBeGreaterThanOrEqual(0);
}

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) =>
    ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = main(
    argv,
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  return { code, out, err };
}

describe('membership changes are serialized (issue 8 reproductions)', () => {
  it('modulo: two servers added at the same instant both get users; each report counts its own reshuffle', () => {
    const N = 10_000;
    const sim = createSimulation({
      strategy: 'modulo-hashing',
      users: N,
      servers: 4,
      durationS: 60,
      timeline: [
        { atS: 30, action: 'add-server' },
        { atS: 30, action: 'add-server' },
      ],
    }).run();
    const r = sim.result();
    const [first, second] = r.timeline;
    expect([first!.server, second!.server]).toEqual([4, 5]);
    // One change at a time: 4 → 5 members, then 5 → 6 (modulo: about N/(N+1) of users each).
    expect(first!.usersMoved).toBe(
      movedBetween(
        N,
        (h) => h % 4,
        (h) => h % 5,
      ),
    );
    expect(second!.usersMoved).toBe(
      movedBetween(
        N,
        (h) => h % 5,
        (h) => h % 6,
      ),
    );
    expect(first!.usersMoved / N).toBeCloseTo(4 / 5, 1);
    expect(second!.usersMoved / N).toBeCloseTo(5 / 6, 1);
    // Settled: every user on members[hash mod 6].
    for (const id of [4, 5]) {
      const owned = movedBetween(
        N,
        (h) => (h % 6 === id ? 1 : 0),
        () => 0,
      );
      expect(r.servers.find((s) => s.id === id)!.connections, `S${id}`).toBe(owned);
    }
    expectSettled(sim, 'modulo double add');
    expectConserved(r, 'modulo double add');
  });

  it('ring: a crash during the 50 ms announce phase of an add neither drops the add nor orphans anyone', () => {
    const N = 20_000;
    const sim = createSimulation({
      strategy: 'consistent-hashing',
      // Clients notice a crash after a fixed 3 s here (heartbeats are tested on their own).
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 3,
      users: N,
      servers: 4,
      durationS: 60,
      timeline: [
        { atS: 30, action: 'add-server' },
        { atS: 30.01, action: 'crash-server', server: 0 },
      ],
    }).run();
    const r = sim.result();
    const before = HashRing.build([0, 1, 2, 3], 100);
    const added = HashRing.build([0, 1, 2, 3, 4], 100);
    const after = HashRing.build([1, 2, 3, 4], 100);
    const [add, crash] = r.timeline;
    expect(add!.server).toBe(4);
    expect(add!.usersMoved).toBe(
      movedBetween(
        N,
        (h) => before.lookup(h),
        (h) => added.lookup(h),
      ),
    );
    // Detected at 33.01 s, during the add's drain (30.05–35.05 s): S0 leaves at once both the
    // view members route by then (the old ring) and the add's target.
    const withoutS0 = HashRing.build([1, 2, 3], 100);
    expect(crash!.usersMoved).toBe(
      movedBetween(
        N,
        (h) => before.lookup(h),
        (h) => withoutS0.lookup(h),
      ),
    );
    const s4 = r.servers.find((s) => s.id === 4)!;
    expect(s4.connections).toBe(
      movedBetween(
        N,
        (h) => (after.lookup(h) === 4 ? 1 : 0),
        () => 0,
      ),
    );
    expect(r.servers.reduce((n, s) => n + s.connections, 0)).toBe(N);
    expectSettled(sim, 'add then crash in the announce phase');
    expectConserved(r, 'add then crash in the announce phase');
  });

  it('ring: a server removed while another crashes mid-migration does not stay draining', () => {
    const sim = createSimulation({
      strategy: 'consistent-hashing',
      // Clients notice a crash after a fixed 3 s here (heartbeats are tested on their own).
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 3,
      users: 8_000,
      servers: 4,
      durationS: 40,
      timeline: [
        { atS: 10, action: 'add-server' },
        { atS: 10, action: 'remove-server', server: 2 },
        { atS: 10.01, action: 'crash-server', server: 1 },
      ],
    }).run();
    expect(sim.live().servers.map((s) => s.state)).toEqual(['up', 'crashed', 'removed', 'up', 'up']);
    expectSettled(sim, 'add + remove + crash');
  });

  it('ring: crashing the server being added, mid-drain, accounts for every delivery once', () => {
    // Its twins are lost while the old owners' copies are still on their way: a loss must not
    // be counted for a message that then arrives (conservation broke by the lost twins).
    const sim = createSimulation({
      strategy: 'consistent-hashing',
      // Clients notice a crash after a fixed 3 s here (heartbeats are tested on their own).
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 3,
      users: 3_000,
      servers: 3,
      roomSize: 3,
      messagesPerUserPerMin: 10,
      drainS: 1,
      failureDetectionS: 1.5,
      durationS: 20,
      timeline: [
        { atS: 2.022, action: 'add-server' },
        { atS: 2.074, action: 'crash-server', server: 3 },
      ],
    });
    for (let t = 2; t <= 20; t += 0.1) {
      sim.runUntil(Math.round(t * 1e6));
      expectConserved(sim.result(), `at ${t.toFixed(1)} s`);
    }
    expectSettled(sim, 'crash of the server being added');
  });

  it('ring: an add before a crash is detected ends with every user on a live owner', () => {
    const N = 20_000;
    const sim = createSimulation({
      strategy: 'consistent-hashing',
      // Clients notice a crash after a fixed 3 s here (heartbeats are tested on their own).
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 3,
      users: N,
      servers: 4,
      durationS: 60,
      timeline: [
        { atS: 30, action: 'crash-server', server: 1 },
        { atS: 30.5, action: 'add-server' },
      ],
    }).run();
    const r = sim.result();
    const final = HashRing.build([0, 2, 3, 4], 100);
    expect(r.servers.reduce((n, s) => n + s.connections, 0)).toBe(N);
    for (const id of [0, 2, 3, 4]) {
      const owned = movedBetween(
        N,
        (h) => (final.lookup(h) === id ? 1 : 0),
        () => 0,
      );
      expect(r.servers.find((s) => s.id === id)!.connections, `S${id}`).toBe(owned);
    }
    expectSettled(sim, 'crash then add');
    expectConserved(r, 'crash then add');
  });

  it('refuses to crash a server that is already down, naming it, and changes nothing', () => {
    const input: ScenarioInput = {
      strategy: 'consistent-hashing',
      // Clients notice a crash after a fixed 3 s here (heartbeats are tested on their own).
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 3,
      timeline: [
        { atS: 5, action: 'crash-server', server: 1 },
        { atS: 6, action: 'crash-server', server: 1 },
      ],
    };
    expect(() => normalizeScenario(input)).toThrow(ScenarioError);
    expect(() => normalizeScenario(input)).toThrow(/timeline\.1\.server: S1 is already down at 6 s/);

    const run = cli([
      '--strategy',
      'consistent-hashing',
      '--at',
      '5:crash-server:1',
      '--at',
      '6:crash-server:1',
    ]);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/S1 is already down/);

    for (const strategy of STRATEGIES) {
      const sim = createSimulation({ strategy, users: 2_000, servers: 4 });
      sim.runUntil(5e6);
      sim.act('crash-server', 1);
      const states = sim.live().servers.map((s) => s.state);
      const reports = sim.live().timeline.length;
      let err: unknown;
      try {
        sim.act('crash-server', 1);
      } catch (e) {
        err = e;
      }
      expect(err, strategy).toBeInstanceOf(ActionRefusedError);
      expect((err as Error).message).toBe('S1 is already down');
      expect((err as ActionRefusedError).server).toBe(1);
      expect(sim.live().servers.map((s) => s.state)).toEqual(states);
      expect(sim.live().timeline).toHaveLength(reports);
      expect(() => sim.act('remove-server', 1)).toThrow('S1 is already down');
    }
  });

  it('refuses removing a server twice, removing the last one up, and acting on a server that does not exist', () => {
    const sim = createSimulation({ strategy: 'modulo-hashing', users: 1_000, servers: 2 });
    sim.runUntil(1e6);
    sim.act('remove-server', 0);
    expect(() => sim.act('remove-server', 0)).toThrow('S0 is already being removed');
    expect(() => sim.act('remove-server', 1)).toThrow('cannot remove S1: it is the last server up');
    expect(() => sim.act('crash-server', 9)).toThrow('S9 does not exist');
    expect(() => sim.act('crash-server', 0)).toThrow('S0 is already being removed');
    sim.act('crash-server', 1);
    expect(() => sim.act('crash-server', 1)).toThrow('S1 is already down');
    expect(() => sim.act('remove-server')).toThrow('no server is up');
  });
});

describe('any timeline settles (seeded fuzz with settled invariants)', () => {
  /** Seeds that once failed, pinned (strategy, seed). */
  const PINNED: [string, number][] = [
    // An add and a crash of the added server at the same instant: the crash's drop found the
    // server absent from the view members route by and left the migration's dual-send view
    // routing 614 users to the dead server for good.
    ['consistent-hashing', 169],
  ];

  const runFuzz = (strategy: (typeof STRATEGIES)[number], seed: number) => {
    const rng = new Rng(seed, `membership-fuzz-${strategy}`);
    // The liveness settings draw from their own stream, so the timelines (and the pinned seeds)
    // are the ones they always were.
    const lr = new Rng(seed, `membership-fuzz-liveness-${strategy}`);
    const drain = (['lame-duck', 'grace-period', 'kill'] as const)[lr.int(3)]!;
    const { timeline, base: world } = fuzzWorld(rng, strategy, seed, { drain });
    const base: ScenarioInput = {
      ...world,
      drainS: rng.int(3),
      failureDetectionS: 0.5 + rng.int(3),
      heartbeatIntervalS: lr.int(3),
      heartbeatTimeoutS: 0.5 + lr.int(3),
      reconnect: (['immediate', 'exponential', 'exponential-jitter'] as const)[lr.int(3)]!,
      reconnectMaxMs: 500 + lr.int(1500),
      drain,
      drainGraceS: lr.int(2),
      drainCloseS: lr.int(3),
      terminationGraceS: 1 + lr.int(2),
      acceptPerS: [5000, 2000][lr.int(2)]!,
      listenBacklog: [511, 128][lr.int(2)]!,
      coordPropagationMs: [0, 20, 50][rng.int(3)]!,
      // Drawn last, so the draws above (and pinned seeds' timelines) stay as they were.
      networkJitter: [0, 0.2, 1][rng.int(3)]!,
    };
    const durationS = settledDurationS(base);
    const scenario = { ...base, durationS };
    const label = `${strategy} seed ${seed}: ${JSON.stringify(timeline)}`;
    const sim = createSimulation(scenario);
    for (let t = 2; t < durationS; t += 3) {
      sim.runUntil(t * 1e6);
      expectConserved(sim.result(), `${label} at ${t}s`);
    }
    sim.run();
    const r = sim.result();
    expectConserved(r, label);
    expectSettled(sim, label);
    expect(r.totals.connectQueueMax, `${label}: accept queue`).toBeLessThanOrEqual(
      normalizeScenario(base).listenBacklog,
    );
    return { scenario, r };
  };

  for (const strategy of STRATEGIES) {
    it(`${strategy}: every up server a member, every user on its owner, nobody draining or retrying`, () => {
      // Seeds 1–70 and 100–549 were run once (all pass after the fixes pinned below); ten stay here.
      for (let seed = 1; seed <= 10; seed++) runFuzz(strategy, seed);
      for (const [s, seed] of PINNED) if (s === strategy) runFuzz(strategy, seed);
      // One of these spun forever before retries had a floor of a round trip (an "immediate"
      // herd with no server to go to retried in zero simulated time).
      for (let seed = 11; seed <= 18; seed++) runFuzz(strategy, seed);
    });
  }

  it('is deterministic: the same timeline and seed give the same result', () => {
    for (const strategy of STRATEGIES) {
      const { scenario, r } = runFuzz(strategy, 3);
      const again = createSimulation(scenario).run().result();
      expect({ ...again, engine: null }).toEqual({ ...r, engine: null });
    }
  });
});
