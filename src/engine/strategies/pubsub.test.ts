import { describe, expect, it } from 'vitest';
import { SimHarness, erlangC, expectNear } from '../testing/harness';
import { createSimulation } from '../simulation';

const base = {
  strategy: 'pubsub' as const,
  users: 20_000,
  servers: 4,
  messagesPerUserPerMin: 6,
  durationS: 30,
};

describe('pub/sub', () => {
  it('reads nothing from the DB on the delivery path', () => {
    const h = new SimHarness(base).runTo(30);
    expect(h.result.totals.dbReads).toBe(0);
    expect(h.result.totals.polls).toBe(0);
    expect(h.result.totals.dbWrites).toBe(h.result.totals.messagesSent);
  });

  it('delivers in a few network hops, whatever the poll interval', () => {
    const run = (pollIntervalS: number) =>
      new SimHarness({ ...base, pollIntervalS, networkJitter: 0 }).runTo(30).result;
    const a = run(1);
    const b = run(60);
    const s = a.scenario;
    // End to end, from the sender's send: client → server, processing, server → chat → DB; the
    // DB query (exponential service, M/M/c wait); then DB → chat → broker, broker routing,
    // broker → server, server processing, server → client.
    const writeMs = s.clientRttMs / 2 + s.serverProcessingMs + 2 * (s.networkRttMs / 2);
    const lambdaPerMs = (s.users * s.messagesPerUserPerMin) / 60 / 1000;
    const offered = lambdaPerMs * s.dbQueryMs;
    const waitMs = (erlangC(s.dbConcurrency, offered) * s.dbQueryMs) / (s.dbConcurrency - offered);
    const pushMs =
      3 * (s.networkRttMs / 2) + 1000 / s.brokerCapacityPerS + s.serverProcessingMs + s.clientRttMs / 2;
    const fixedMs = writeMs + pushMs;
    expectNear(a.latencyMs.mean, fixedMs + s.dbQueryMs + waitMs, 0.02, 'mean latency');
    // With constant hops the spread is the DB's: p99 of an exponential is ln 100 × its mean.
    expectNear(a.latencyMs.p99, fixedMs + Math.log(100) * s.dbQueryMs, 0.03, 'p99 latency');
    expect(b.latencyMs).toEqual(a.latencyMs);
  });

  it('moves nobody when a server is added', () => {
    const h = new SimHarness(base).runTo(10).act('add-server').runTo(30);
    expect(h.result.timeline[0]!.usersMoved).toBe(0);
    expect(h.result.totals.reconnects).toBe(0);
    h.expectConservation();
  });

  it('keeps servers balanced with least-connections when a crashed server’s users come back', () => {
    const h = new SimHarness({ ...base, servers: 5 }).runTo(5).act('crash-server', 1).runTo(30);
    const up = h.result.servers.filter((s) => s.id !== 1).map((s) => s.connections);
    const mean = base.users / 4;
    expect(Math.max(...up) - Math.min(...up)).toBeLessThanOrEqual(Math.ceil(mean * 0.01));
    expect(h.result.timeline[0]!.usersMoved).toBe(base.users / 5);
    h.expectConservation();
  });

  it('charges the broker publishes × fan-out', () => {
    const h = new SimHarness({ ...base, topic: 'user', roomSize: 4 }).runTo(30);
    const t = h.result.totals;
    // Topic per user: one publish per recipient; the difference is still on its way to the broker.
    const notYetPublished = t.messagesSent * 3 - t.brokerPublishes;
    expect(notYetPublished).toBeGreaterThanOrEqual(0);
    expect(notYetPublished).toBeLessThanOrEqual(t.pendingDeliveries);
    // Each publish fans out to the one server subscribed for that user.
    expect(t.brokerDeliveries).toBeGreaterThanOrEqual(t.deliveries);
    expect(t.brokerDeliveries - t.deliveries).toBeLessThanOrEqual(t.pendingDeliveries);
    // Topic per room: one publish per message, fanned out to each server holding a member.
    const room = new SimHarness({ ...base, topic: 'room', roomSize: 4 }).runTo(30).result.totals;
    expect(room.brokerPublishes).toBeLessThanOrEqual(room.messagesSent);
    expect(room.brokerPublishes).toBeGreaterThan(room.messagesSent * 0.99);
    const fanout = room.brokerDeliveries / room.brokerPublishes;
    expect(fanout).toBeGreaterThan(1);
    expect(fanout).toBeLessThanOrEqual(3);
  });

  it('overloads the broker when publishes × fan-out exceed its capacity', () => {
    // A DB big enough that the broker, not the DB, is the bottleneck.
    const h = new SimHarness({
      ...base,
      users: 100_000,
      messagesPerUserPerMin: 60,
      dbConcurrency: 1000,
      brokerCapacityPerS: 50_000,
      brokerMaxQueue: 20_000,
    }).runTo(10);
    const t = h.result.totals;
    expect(t.brokerDropped).toBeGreaterThan(0);
    expect(t.lostDeliveries).toBeGreaterThan(0);
    // Routed per second ≈ capacity.
    const rows = h.rows(3, 10);
    const routed = rows.reduce((s, r) => s + r.deliveries, 0) / rows.length;
    expectNear(routed, 50_000, 0.05, 'broker throughput');
    h.expectConservation();
  });
});

describe('pub/sub broker failures', () => {
  it('loses what is published while the broker is down, and recovers', () => {
    const h = new SimHarness({ ...base, durationS: 30 }).runTo(5);
    const before = h.result.totals.lostDeliveries;
    expect(before).toBe(0);
    h.act('crash-broker').runTo(8);
    const down = h.result.totals;
    // Everything committed during the 3 s outage is lost: ≈ writes/s × 3 s.
    const writesPerS = (base.users * base.messagesPerUserPerMin) / 60;
    expectNear(down.lostDeliveries, writesPerS * 3, 0.1, 'lost during outage');
    h.act('recover-broker').runTo(15);
    const rows = h.rows(10, 15);
    expect(rows.every((r) => r.lostDeliveries === 0 && r.deliveries > 0)).toBe(true);
    expect(h.result.timeline.map((r) => r.action)).toEqual(['crash-broker', 'recover-broker']);
    h.expectConservation();
  });

  it('with a sharded broker, one shard down loses only its share of topics', () => {
    const shards = 4;
    const h = new SimHarness({ ...base, brokerShards: shards }).runTo(5).act('crash-broker', 2).runTo(15);
    const rows = h.rows(6, 15);
    const lost = rows.reduce((s, r) => s + r.lostDeliveries, 0);
    const delivered = rows.reduce((s, r) => s + r.deliveries, 0);
    expectNear(lost / (lost + delivered), 1 / shards, 0.15, 'share lost with one of four shards down');
    h.expectConservation();
  });
});

describe('pub/sub warm start', () => {
  // In id order the least-connections LB deals servers round-robin (user u on u mod N): an evenly
  // spaced sample whose stride is a multiple of N then sat on one server. Each sampled user's
  // server should be uniform over the N servers: every count within 4σ of n ÷ N (binomial).
  it.each([
    [10_000, 4, 3000],
    [100_000, 4, 200],
    [100_000, 6, 3000],
    [200_000, 8, 3000],
  ])(
    '%i users on %i servers, %i traced: the drawn sample spreads over the servers like everyone',
    (users, servers, tracedUsers) => {
      const sim = createSimulation({ strategy: 'pubsub', users, servers, tracedUsers, durationS: 1 });
      sim.runUntil(1);
      const sample = sim.sampleView();
      const n = sample.users.length;
      expect(n).toBeGreaterThan(150);
      const inSample = new Array<number>(servers).fill(0);
      for (const srv of sample.connectedTo) inSample[srv]!++;
      const p = 1 / servers;
      const sigma = Math.sqrt(n * p * (1 - p));
      for (const c of inSample) expect(Math.abs(c - n * p)).toBeLessThan(4 * sigma);
      // And everyone is as evenly spread as least-connections makes them: within one of users ÷ N.
      const all = sim.live().servers.map((x) => x.connections);
      expect(all.reduce((a, b) => a + b, 0)).toBe(users);
      expect(Math.max(...all) - Math.min(...all)).toBeLessThanOrEqual(1);
    },
  );
});
