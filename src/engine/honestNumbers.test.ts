import { describe, expect, it } from 'vitest';
import { createSimulation } from './index';
import { expectNear, SimHarness } from './testing/harness';

describe('offered load is exact at every rate the schema allows', () => {
  // Hops and processing at 0 and a DB that never queues: every send is committed at once, so
  // messages committed by T are the sends offered in [0, T] (Poisson: sd √(rate·T)).
  const instant = {
    clientRttMs: 0,
    networkRttMs: 0,
    serverProcessingMs: 0,
    dbQueryMs: 0.001,
    dbConcurrency: 100_000,
  };
  for (const [users, perMin, T] of [
    [1_000_000, 60, 0.4],
    [2_000_000, 600, 0.03],
  ] as const) {
    it(`${users.toLocaleString('en')} users × ${perMin}/min offer ${((users * perMin) / 60).toLocaleString('en')} sends/s`, () => {
      const ratePerS = (users * perMin) / 60;
      const sim = createSimulation({
        strategy: 'modulo-hashing',
        users,
        messagesPerUserPerMin: perMin,
        tracedUsers: 0,
        ...instant,
      });
      sim.runUntil(Math.round(T * 1e6));
      const t = sim.result().totals;
      const expected = ratePerS * T;
      // 5 standard deviations of a Poisson count; whole-µs gaps were 4 % (1 M/s) or far more high.
      expect(Math.abs(t.messagesSent + t.sendsFailed - expected)).toBeLessThan(5 * Math.sqrt(expected) + 2);
    });
  }
});

describe('overload shows in latency and in failed sends', () => {
  it('a DB offered twice its capacity queues to its limit, and what it turns away is counted as failed sends', () => {
    const s = {
      strategy: 'pubsub' as const,
      users: 100_000,
      messagesPerUserPerMin: 20, // 33,333 sends/s
      dbConcurrency: 16,
      dbQueryMs: 1, // 16,000 queries/s
      dbMaxQueue: 8_000,
      networkJitter: 0,
      durationS: 10,
    };
    const h = new SimHarness(s).runTo(10);
    const t = h.result.totals;
    const offered = (s.users * s.messagesPerUserPerMin) / 60;
    const capacity = (s.dbConcurrency * 1000) / s.dbQueryMs;
    // Served at capacity, the rest turned away (less the queue still held at the end).
    expectNear(t.dbWrites, capacity * 10, 0.03, 'writes served');
    expectNear(t.sendsFailed, (offered - capacity) * 10 - s.dbMaxQueue, 0.04, 'failed sends');
    expect(t.sendsFailed).toBe(t.dbRejected);
    expect(h.sim.live().totals.sendsFailed).toBe(t.sendsFailed);
    // Latency is end to end: a full queue of 8,000 at 16,000/s waits 0.5 s, and it shows.
    const waitMs = (s.dbMaxQueue / capacity) * 1000;
    const late = h.rows(5, 10);
    for (const r of late) expect(r.latencyP50Ms, `p50 at ${r.tS} s`).toBeGreaterThan(waitMs * 0.9);
    expect(h.result.latencyMs.p99).toBeGreaterThan(waitMs);
    h.expectConservation();
  });

  it('a full broker turns publishes away: each message counted once as a failed send', () => {
    const h = new SimHarness({
      strategy: 'pubsub',
      users: 30_000,
      roomSize: 3,
      messagesPerUserPerMin: 20, // 10,000 messages/s, 20,000 publishes/s
      brokerCapacityPerS: 10_000,
      brokerMaxQueue: 1_000,
      durationS: 6,
    }).runTo(6);
    const t = h.result.totals;
    expect(t.brokerDropped).toBeGreaterThan(10_000);
    // A message is two publishes here: one or both may be dropped, one failed send either way.
    expect(t.sendsFailed).toBeLessThanOrEqual(t.brokerDropped);
    expect(t.sendsFailed).toBeGreaterThanOrEqual(t.brokerDropped / 2);
    expect(t.dbRejected).toBe(0);
    h.expectConservation();
  });
});

describe('the broker reports real topics and subscriptions', () => {
  it('room topics: one topic per room, one subscription per (room, server) with a member there', () => {
    // 200 users, all traced and all in the drawing sample: the sample names each user's server.
    const users = 200;
    const roomSize = 5;
    const servers = 4;
    const sim = createSimulation({
      strategy: 'pubsub',
      topic: 'room',
      users,
      roomSize,
      servers,
      tracedUsers: users,
    });
    sim.runUntil(2e6);
    const sample = sim.sampleView();
    expect(Array.from(sample.users)).toEqual(Array.from({ length: users }, (_, u) => u));
    const rooms = users / roomSize;
    let expected = 0;
    for (let r = 0; r < rooms; r++) {
      const on = new Set<number>();
      for (let u = r * roomSize; u < (r + 1) * roomSize; u++) on.add(sample.connectedTo[u]!);
      expected += on.size;
    }
    const b = sim.live().broker;
    expect(b.topics).toBe(rooms);
    expect(b.subscriptions).toBe(expected);
    expect(b.subscriptions).not.toBe(sim.live().connections);
  });

  it('user topics: subscriptions drop with a crashed server’s users once the broker notices, and come back', () => {
    const users = 4_000;
    const sim = createSimulation({
      strategy: 'pubsub',
      users,
      servers: 4,
      failureDetectionS: 1,
      heartbeatIntervalS: 0,
      heartbeatTimeoutS: 1,
    });
    sim.runUntil(2e6);
    expect(sim.live().broker).toMatchObject({ topics: users, subscriptions: users });
    const report = sim.act('crash-server', 1);
    sim.runUntil(3.5e6); // detected at 3 s; reconnects back off up to 1 s
    const b = sim.live().broker;
    expect(b.subscriptions).toBeLessThan(users);
    expect(b.subscriptions).toBeGreaterThanOrEqual(users - report.usersMoved);
    sim.runUntil(10e6);
    expect(sim.live().broker).toMatchObject({ topics: users, subscriptions: users });
  });
});

describe('network jitter', () => {
  // A DB that answers at once, so the spread is the network's: two client hops (20 ms each on
  // average) and a few datacenter hops.
  const s = {
    strategy: 'modulo-hashing' as const,
    users: 20_000,
    messagesPerUserPerMin: 6,
    dbQueryMs: 0.001,
    dbConcurrency: 1_000,
    durationS: 20,
  };
  it('keeps the mean delivery latency, and gives push strategies a tail (p99 > p50)', () => {
    const flat = new SimHarness({ ...s, networkJitter: 0 }).runTo(20).result.latencyMs;
    const jit = new SimHarness({ ...s, networkJitter: 0.2 }).runTo(20).result.latencyMs;
    expectNear(jit.mean, flat.mean, 0.01, 'mean latency with jitter');
    // Constant hops: every delivery takes the same time.
    expect(flat.p99 - flat.p50).toBeLessThan(0.05 * flat.p50);
    // Two client hops of 20 ms with CV 0.2: sd ≈ 20 × 0.2 × √2 ≈ 5.7 ms; p99 is > 2 sd above p50.
    const sdMs = 20 * 0.2 * Math.SQRT2;
    expect(jit.p99 - jit.p50).toBeGreaterThan(2 * sdMs);
    expect(jit.p99 - jit.p50).toBeLessThan(4.5 * sdMs);
  });

  // One recipient's messages ride one connection (TCP keeps its order), so jitter alone must
  // never show a gap or an out-of-order message: only loss, migration or replay may.
  for (const [strategy, topic, networkJitter] of [
    ['pubsub', 'user', 0.2],
    ['pubsub', 'room', 0.2],
    ['pubsub', 'user', 1],
    ['modulo-hashing', 'user', 0.2],
    ['consistent-hashing', 'user', 1],
  ] as const)
    it(`jitter alone reorders nothing: ${strategy}, ${topic} topics, jitter ${networkJitter}`, () => {
      const r = new SimHarness({
        strategy,
        topic,
        networkJitter,
        users: 5_000,
        roomSize: 10,
        messagesPerUserPerMin: 30,
        sequenceNumbers: true,
        durationS: 5,
      }).runTo(5).result;
      expect(r.totals.deliveries).toBeGreaterThan(10_000);
      expect(r.totals.lostDeliveries).toBe(0);
      expect(r.totals.gapsDetected).toBe(0);
      expect(r.totals.orderViolations).toBe(0);
      // The spread is still there: ordering only holds a message behind an earlier one.
      expect(r.latencyMs.p99).toBeGreaterThan(r.latencyMs.p50 * 1.1);
    });

  it('keeps every delivery accounted for through a ring migration (copies overtake one another)', () => {
    const h = new SimHarness({
      strategy: 'consistent-hashing',
      users: 6_000,
      roomSize: 6,
      messagesPerUserPerMin: 30,
      networkJitter: 1,
      drainS: 2,
      durationS: 20,
    });
    for (let t = 1; t <= 20; t++) {
      if (t === 5) h.act('add-server');
      if (t === 8) h.act('crash-server', 1);
      if (t === 10) h.act('remove-server', 0);
      h.runTo(t).expectConservation();
    }
    expect(h.result.totals.duplicateDeliveries).toBeGreaterThan(0);
  });
});
