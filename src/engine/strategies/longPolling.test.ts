import { describe, expect, it } from 'vitest';
import { SimHarness, expectConservedThroughout, expectNear } from '../testing/harness';
import { createSimulation } from '../simulation';
import { normalizeScenario, ScenarioError, settleTimeS } from '../index';

/** Counters between two instants of one run. */
function windowTotals(h: SimHarness, fromS: number, toS: number) {
  h.runTo(fromS);
  const a = { ...h.result.totals };
  h.runTo(toS);
  const b = h.result.totals;
  return {
    polls: b.polls - a.polls,
    emptyPolls: b.emptyPolls - a.emptyPolls,
    dbReads: b.dbReads - a.dbReads,
  };
}

describe('long polling (RFC 6202; MECHANISMS.md)', () => {
  it('asks λ/(1 − e^(−λτ)) times per user per second; e^(−λτ) of holds end by timeout (λ = 1/min, τ = 30 s)', () => {
    const users = 4_000;
    const lambda = 1 / 60; // one other member sending 1/min: news reaches each user at 1/min
    const tau = 30;
    const h = new SimHarness({
      strategy: 'long-polling',
      users,
      roomSize: 2,
      messagesPerUserPerMin: 1,
      holdTimeoutS: tau,
      // A tiny round trip, as the formula assumes.
      clientRttMs: 1,
      networkRttMs: 0.2,
      durationS: 900,
    });
    const fromS = 120;
    const toS = 900;
    const w = windowTotals(h, fromS, toS);
    const perUserPerS = w.polls / (users * (toS - fromS));
    const rate = lambda / (1 - Math.exp(-lambda * tau));
    expect(rate).toBeCloseTo(0.0424, 4);
    expectNear(perUserPerS, rate, 0.02, 'requests per user per second');
    // ~132,000 requests: the timeout share's standard error is about 0.0013.
    expect(Math.abs(w.emptyPolls / w.polls - Math.exp(-lambda * tau))).toBeLessThan(0.01);
    // Every request reads the DB once (nothing refused here).
    expectNear(w.dbReads, w.polls, 0.01, 'DB reads per request');
    h.expectConservation();
  });

  it('a shorter hold asks more often: τ = 5 s → e^(−λτ) ≈ 0.92 end empty', () => {
    const users = 3_000;
    const lambda = 1 / 60;
    const tau = 5;
    const h = new SimHarness({
      strategy: 'long-polling',
      users,
      roomSize: 2,
      messagesPerUserPerMin: 1,
      holdTimeoutS: tau,
      clientRttMs: 1,
      networkRttMs: 0.2,
      durationS: 300,
    });
    const w = windowTotals(h, 30, 300);
    expectNear(w.polls / (users * 270), lambda / (1 - Math.exp(-lambda * tau)), 0.02, 'requests/user/s');
    expect(Math.abs(w.emptyPolls / w.polls - Math.exp(-lambda * tau))).toBeLessThan(0.01);
  });

  it('the hold starts when a request parks: with τ far below the DB round trip, one read per request, one request per trip', () => {
    // Fuzz seed 6225: τ = 1 ms against a 3.85 s round trip to the DB. The hold was timed from
    // registration, so each request was answered empty before its read came back and every
    // client left a read behind per millisecond (600 in flight each, 287 MB at 0.5 s).
    const users = 2_000;
    const rttS = 0.4;
    const h = new SimHarness({
      strategy: 'long-polling',
      users,
      servers: 2,
      messagesPerUserPerMin: 0.01,
      holdTimeoutS: 0.001,
      networkRttMs: rttS * 1000,
      clientRttMs: 10,
      networkJitter: 0,
      durationS: 12,
    });
    const w = windowTotals(h, 2, 12);
    // A request's cycle: client → server (half the client RTT + processing), server → DB (half
    // the DC RTT), the query, the hold τ, then the empty answer (processing + half the client
    // RTT). The model parks the request when the read completes (the way back to the server is
    // not timed). Before the fix the cycle was the client round trip plus τ: 90 a second.
    const s = h.result.scenario;
    const cycleS = 0.01 + rttS / 2 + s.dbQueryMs / 1000 + 0.001 + (2 * s.serverProcessingMs) / 1000;
    expectNear(w.polls / users / 10, 1 / cycleS, 0.05, 'requests per user per second');
    // Every request reads the DB once (no read is left behind by an early empty answer).
    expectNear(w.dbReads, w.polls, 0.01, 'DB reads per request');
    expectNear(w.emptyPolls, w.polls, 0.01, 'requests ended empty by the hold');
  });

  it('delivers within a few hops (no poll interval to wait for): p50 about the news path, far below τ', () => {
    const h = new SimHarness({
      strategy: 'long-polling',
      users: 5_000,
      roomSize: 4,
      messagesPerUserPerMin: 2,
      durationS: 120,
    }).runTo(120);
    const s = h.result.scenario;
    // End to end: the send (client → server → DB, one query), then DB → chat → broker → server →
    // client (3 DC hops, the server's processing, half a client RTT).
    const sendMs = s.clientRttMs / 2 + s.serverProcessingMs + s.networkRttMs / 2 + s.dbQueryMs;
    const newsPathMs = sendMs + (3 * s.networkRttMs) / 2 + s.serverProcessingMs + s.clientRttMs / 2;
    expectNear(h.result.latencyMs.p50, newsPathMs, 0.1, 'p50 ms');
    // A message that lands while the client re-requests waits one more round trip, not a hold.
    expect(h.result.latencyMs.p99).toBeLessThan(newsPathMs + 2 * s.clientRttMs + 50);
    expect(h.result.totals.lostDeliveries).toBe(0);
    h.expectConservation();
  });

  it('held requests are the servers’ connections; parked ones show per server', () => {
    const sim = createSimulation({ strategy: 'long-polling', users: 2_000, servers: 4, durationS: 20 });
    sim.runUntil(10e6);
    const live = sim.live();
    const held = live.servers.reduce((n, s) => n + s.connections, 0);
    const parked = live.servers.reduce((n, s) => n + (s.parked ?? 0), 0);
    // At 1 message a minute almost every request is parked; least-connections spreads them.
    expect(parked).toBeGreaterThan(1_900);
    expect(held).toBeGreaterThanOrEqual(parked);
    expect(held).toBeLessThanOrEqual(2_000);
    expect(live.connections).toBe(held);
    for (const s of live.servers) expect(Math.abs(s.connections - 500)).toBeLessThan(60);
  });

  it('caps apply: a server at maxConnectionsPerServer refuses, and clients retry elsewhere', () => {
    const sim = createSimulation({
      strategy: 'long-polling',
      users: 2_000,
      servers: 4,
      maxConnectionsPerServer: 400,
      durationS: 30,
    });
    sim.runUntil(30e6);
    const live = sim.live();
    for (const s of live.servers) expect(s.connections).toBeLessThanOrEqual(400);
    expect(live.totals.connectionsRejected).toBeGreaterThan(0);
  });

  it('a crash strands its held requests until the LB notices; then they ask elsewhere and nothing is lost', () => {
    const h = new SimHarness({
      strategy: 'long-polling',
      users: 6_000,
      roomSize: 3,
      messagesPerUserPerMin: 6,
      failureDetectionS: 3,
      durationS: 60,
    }).runTo(10);
    const before = h.sim.live().servers[3]!.connections;
    expect(before).toBeGreaterThan(1_000);
    h.act('crash-server', 3).runTo(10.5);
    expect(h.sim.live().servers[3]!.connections).toBe(0);
    // Not yet detected: its requests are still waiting.
    expect(h.sim.settledCheck().ok).toBe(false);
    h.runTo(14);
    const live = h.sim.live();
    const held = live.servers.reduce((n, s) => n + s.connections, 0);
    expect(held).toBeGreaterThan(5_800);
    expect(h.sim.settledCheck().violations).toEqual([]);
    h.runTo(60).expectConservation();
    expect(h.result.totals.lostDeliveries).toBe(0);
  });

  it('conserves and settles through crash, restart, add, remove and deploy', () => {
    const scenario = {
      strategy: 'long-polling' as const,
      users: 2_000,
      roomSize: 5,
      messagesPerUserPerMin: 6,
      holdTimeoutS: 10,
      drain: 'kill' as const,
      durationS: 0,
      timeline: [
        { atS: 5, action: 'crash-server' as const, server: 1 },
        { atS: 7, action: 'add-server' as const },
        { atS: 9, action: 'remove-server' as const, server: 0 },
        { atS: 12, action: 'restart-server' as const, server: 1 },
        { atS: 14, action: 'deploy' as const },
        { atS: 15, action: 'crash-broker' as const },
        { atS: 18, action: 'recover-broker' as const },
      ],
    };
    const s = normalizeScenario({ ...scenario, durationS: 1 });
    const end = Math.ceil(14 + settleTimeS(s, 4));
    const r = expectConservedThroughout({ ...scenario, durationS: end }, 15, 'long polling timeline');
    expect(r.totals.lostDeliveries).toBe(0);
    const sim = createSimulation({ ...scenario, durationS: end });
    sim.run();
    expect(sim.settledCheck().violations).toEqual([]);
  });

  it('is deterministic: same scenario and seed, same result', () => {
    const sc = {
      strategy: 'long-polling' as const,
      users: 3_000,
      durationS: 20,
      seed: 7,
      messagesPerUserPerMin: 3,
    };
    const a = createSimulation(sc).run().result();
    const b = createSimulation(sc).run().result();
    expect({ ...a.totals }).toEqual({ ...b.totals });
    expect(a.latencyMs).toEqual(b.latencyMs);
  });

  it('validates holdTimeoutS', () => {
    expect(normalizeScenario({ strategy: 'long-polling' }).holdTimeoutS).toBe(30);
    expect(() => normalizeScenario({ strategy: 'long-polling', holdTimeoutS: 0 })).toThrow(ScenarioError);
    expect(() => normalizeScenario({ strategy: 'long-polling', holdTimeoutS: -3 })).toThrow(/holdTimeoutS/);
  });
});
