import { describe, expect, it } from 'vitest';
import { createSimulation } from '../simulation';
import { normalizeScenario, type ScenarioInput } from '../scenario';
import { AcceptQueues } from './accept';

// A server killed with 10,000 clients: every one knows in the same instant (the kernel resets its
// sockets) and reconnects by its policy through a least-connections LB to the 4 others.
const storm = (reconnect: ScenarioInput['reconnect']) => {
  const sim = createSimulation({
    strategy: 'pubsub',
    users: 50_000,
    servers: 5,
    messagesPerUserPerMin: 0,
    drain: 'kill',
    reconnect,
    durationS: 30,
    timeline: [{ atS: 5, action: 'remove-server', server: 4 }],
  });
  sim.runUntil(5e6 + 200_000);
  const series = sim.live().liveness!.reconnectSeries;
  sim.run();
  return { r: sim.result(), series };
};

describe('reconnect storms', () => {
  it('a herd (immediate) fills every accept queue to the backlog; jitter smears it out', () => {
    const herd = storm('immediate');
    const jitter = storm('exponential-jitter');
    // 10,000 at once over 4 servers: 2,500 each, against a backlog of 511 → full queues, and the
    // rest dropped (TCP retries them after 1 s, then 3 s).
    expect(herd.r.totals.connectQueueMax).toBe(511);
    expect(herd.r.totals.connectDropped).toBeGreaterThanOrEqual(4 * (2_500 - 511));
    // Jitter: backo2 spreads the first attempt over base · [0.5, 1.5] = 1 s: 2,500/s per server
    // against 5,000/s of accept capacity (ρ = 0.5): a queue of a few dozen at its peak (21–28
    // over seeds 1–6), never near the backlog.
    expect(jitter.r.totals.connectDropped).toBe(0);
    expect(jitter.r.totals.connectQueueMax).toBeLessThan(511 / 10);
    // Both end with everyone connected, and nobody over the 4 servers left out.
    for (const x of [herd, jitter]) expect(x.r.servers.reduce((n, s) => n + s.connections, 0)).toBe(50_000);
  });

  it('shows the herd as a spike and jitter as a smear in the 100 ms reconnect series', () => {
    const herd = storm('immediate').series;
    const jitter = storm('exponential-jitter').series;
    expect(herd.binMs).toBe(100);
    // The herd's attempts all start in the bin of the kill (5.0–5.1 s).
    const bin = Math.round((5 - herd.startS) * 10);
    expect(herd.counts[bin]).toBe(10_000);
    // Jitter, first attempts only by 5.2 s: uniform-ish over [0.5, 1.5] s, so none yet.
    expect(Math.max(...jitter.counts)).toBe(0);
  });

  it('with jitter the attempts are spread over [0.5, 1.5] s: no 100 ms bin holds much over a tenth', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 50_000,
      servers: 5,
      messagesPerUserPerMin: 0,
      drain: 'kill',
      durationS: 30,
      timeline: [{ atS: 5, action: 'remove-server', server: 4 }],
    });
    sim.runUntil(7e6);
    const s = sim.live().liveness!.reconnectSeries;
    const total = s.counts.reduce((a, b) => a + b, 0);
    expect(total).toBe(10_000);
    // backo2's deviation floor(r·0.5·ms) with sign from floor(r·10) odd/even: 10 % of the draws
    // land in each 100 ms of [0.5, 1.5] s, ±3 sd of a binomial(10,000, 0.1) = ±90.
    for (const c of s.counts) expect(c).toBeLessThanOrEqual(1_000 + 90);
  });
});

describe('graceful drain', () => {
  it('lame duck, defaults, 11,000 clients: nothing accepted after it starts, first close at +10 s, all closed by +120 s', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 44_000,
      servers: 4,
      messagesPerUserPerMin: 0,
      durationS: 150,
      timeline: [{ atS: 10, action: 'remove-server', server: 3 }],
    });
    sim.runUntil(10e6);
    const start = sim.live().servers[3]!.connections;
    expect(start).toBe(11_000);
    let last = start;
    for (let t = 10.1; t < 150; t += 0.1) {
      sim.runUntil(Math.round(t * 1e6));
      const held = sim.live().servers[3]!.connections;
      expect(held, `S3 at ${t.toFixed(1)} s`).toBeLessThanOrEqual(last); // never accepts again
      if (t < 19.95) expect(held, `S3 at ${t.toFixed(1)} s`).toBe(11_000); // the grace
      if (t > 20.15 && t < 21) expect(held).toBeLessThan(11_000); // closes begin at +10 s
      if (t > 130.05) expect(held).toBe(0); // all closed by +120 s
      last = held;
    }
    // Evenly: 11,000 over the 110 s between +10 and +120 s is 100 a second.
    const rows = sim.result().series.filter((r) => r.tS >= 30 && r.tS < 120);
    for (const r of rows) expect(Math.abs(r.reconnects - 100)).toBeLessThanOrEqual(1);
    expect(sim.live().servers[3]!.state).toBe('removed');
    expect(sim.settledCheck().ok).toBe(true);
  });

  it('grace period kills what is left at terminationGraceS', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 44_000,
      servers: 4,
      messagesPerUserPerMin: 0,
      drain: 'grace-period',
      durationS: 60,
      timeline: [{ atS: 10, action: 'remove-server', server: 3 }],
    });
    sim.runUntil(39.9e6);
    // Closing 11,000 over 120 s from the start: by +29.9 s about a quarter are gone.
    const held = sim.live().servers[3]!.connections;
    expect(Math.abs(held - 11_000 * (1 - 29.9 / 120))).toBeLessThanOrEqual(100);
    sim.runUntil(40.05e6);
    expect(sim.live().servers[3]!.connections).toBe(0);
  });

  it('a rolling deploy restarts every server one at a time, each empty when it comes back, and settles', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 8_000,
      servers: 4,
      drainGraceS: 1,
      drainCloseS: 3,
      durationS: 60,
      timeline: [{ atS: 2, action: 'deploy' }],
    });
    let maxLeaving = 0;
    const seen = new Set<number>();
    for (let t = 2; t < 60; t += 0.1) {
      sim.runUntil(Math.round(t * 1e6));
      const l = sim.live().liveness!.leaving;
      maxLeaving = Math.max(maxLeaving, l.length);
      for (const x of l) seen.add(x.server);
    }
    expect(maxLeaving).toBe(1);
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(sim.result().timeline[0]!.usersMoved).toBeGreaterThanOrEqual(8_000);
    expect(sim.settledCheck().ok, JSON.stringify(sim.settledCheck().violations)).toBe(true);
  });

  it('restart-server brings a crashed server back empty; the LB fills it again', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 8_000,
      servers: 4,
      heartbeatIntervalS: 2,
      heartbeatTimeoutS: 2,
      durationS: 40,
      timeline: [
        { atS: 2, action: 'crash-server', server: 1 },
        { atS: 10, action: 'restart-server' },
      ],
    });
    sim.runUntil(10e6 + 1);
    expect(sim.live().servers[1]!.state).toBe('up');
    expect(sim.live().servers[1]!.connections).toBe(0);
    sim.run();
    expect(sim.settledCheck().ok).toBe(true);
  });

  it('refuses to restart a server that is not down', () => {
    expect(() =>
      createSimulation({ strategy: 'pubsub', timeline: [{ atS: 2, action: 'restart-server', server: 1 }] }),
    ).toThrow(/S1 is not down/);
  });
});

describe('overlapping deploys, crashes and restarts', () => {
  for (const strategy of ['pubsub', 'consistent-hashing', 'modulo-hashing', 'polling'] as const) {
    it(`${strategy}: a double-clicked deploy, a crash and a removal mid-deploy, and a restart all settle`, () => {
      const sim = createSimulation({
        strategy,
        users: 6_000,
        servers: 4,
        drainGraceS: 0.5,
        drainCloseS: 1.5,
        heartbeatIntervalS: 1,
        heartbeatTimeoutS: 1,
        drainS: 1,
        durationS: 120,
      });
      sim.runUntil(2e6);
      sim.act('deploy');
      sim.act('deploy'); // the second waits for the first
      sim.runUntil(2.6e6);
      // Crash the server draining now (S0, or S1 for polling, whose servers hold no clients and
      // so restart at the end of the grace), then remove the next one when its turn comes.
      const leaving = sim.live().liveness!.leaving.map((l) => l.server);
      expect(leaving).toEqual([strategy === 'polling' ? 1 : 0]);
      const first = leaving[0]!;
      sim.act('crash-server', first);
      sim.runUntil(3.2e6);
      sim.act('remove-server', first + 1);
      sim.runUntil(10e6);
      sim.act('restart-server', first);
      expect(() => sim.act('restart-server', first)).toThrow(/is not down/);
      sim.run();
      const check = sim.settledCheck();
      expect(check.ok, JSON.stringify(check.violations)).toBe(true);
      expect(sim.live().liveness!.deploy).toBeNull();
      const t = sim.result().totals;
      expect(t.deliveries + t.lostDeliveries + t.pendingDeliveries).toBe(t.expectedDeliveries);
    });
  }
});

describe('a listen backlog of 0 (fuzz seed 2061)', () => {
  it('an idle server takes an attempt up at once; a busy one drops it', () => {
    const q = new AcceptQueues(normalizeScenario({ acceptPerS: 100, listenBacklog: 0 }));
    expect(q.admit(0, 1_000)).toBe(1_000);
    expect(q.lastQueued).toBe(0);
    // Busy for 10 ms (100 a second): nothing may wait.
    expect(q.admit(0, 5_000)).toBe(-1);
    expect(q.admit(0, 11_000)).toBe(11_000);
  });

  it('clients moved by a removal all get back in, one SYN retry at a time', () => {
    // Seed 2061's shape: 56 users, a server added then one removed, backlog 0. Every retry that
    // found the server handshaking another was dropped, and before the fix so was every other.
    const sim = createSimulation({
      strategy: 'consistent-hashing',
      users: 56,
      servers: 2,
      listenBacklog: 0,
      acceptPerS: 163,
      messagesPerUserPerMin: 0,
      durationS: 120,
      timeline: [
        { atS: 0, action: 'add-server' },
        { atS: 1.54, action: 'remove-server' },
      ],
    }).run();
    expect(sim.settledCheck().violations).toEqual([]);
    expect(sim.result().totals.connectQueueMax).toBe(0);
  });
});
