import { describe, expect, it } from 'vitest';
import { SimHarness, erlangC, expectNear } from '../testing/harness';
import { createSimulation } from '../simulation';
import { MAX_POLLS_IN_FLIGHT } from './polling';

describe('polling', () => {
  it('reads the DB users/interval times per second', () => {
    const users = 20_000;
    const T = 5;
    const h = new SimHarness({
      strategy: 'polling',
      users,
      pollIntervalS: T,
      durationS: 20,
      messagesPerUserPerMin: 0,
    }).runTo(20);
    const rows = h.rows(T, 20);
    const mean = rows.reduce((s, r) => s + r.dbReads, 0) / rows.length;
    expectNear(mean, users / T, 0.02, 'DB reads/s');
    expect(h.result.totals.polls).toBeGreaterThan(0);
  });

  it('comes back empty with probability e^(−λT), λ = (roomSize − 1)·rate', () => {
    const T = 10;
    const roomSize = 5;
    const perMin = 1;
    const h = new SimHarness({
      strategy: 'polling',
      users: 10_000,
      roomSize,
      pollIntervalS: T,
      messagesPerUserPerMin: perMin,
      durationS: 80,
    }).runTo(80);
    // Skip the first interval: a user's first poll looks back less than T.
    const rows = h.rows(T + 1, 80);
    const empty = rows.reduce((s, r) => s + r.emptyPolls, 0);
    const reads = rows.reduce((s, r) => s + r.dbReads, 0);
    const lambda = ((roomSize - 1) * perMin) / 60;
    expect(Math.abs(empty / reads - Math.exp(-lambda * T))).toBeLessThan(0.01);
  });

  it('delivers after half an interval on average, plus the return path', () => {
    const T = 4;
    const h = new SimHarness({
      strategy: 'polling',
      users: 5_000,
      pollIntervalS: T,
      durationS: 240,
      messagesPerUserPerMin: 2,
    }).runTo(240);
    const s = h.result.scenario;
    const returnPathMs = s.networkRttMs / 2 + s.serverProcessingMs + s.clientRttMs / 2;
    expectNear(h.result.latencyMs.mean, (T * 1000) / 2 + returnPathMs, 0.02, 'mean latency ms');
    // Nobody waits longer than one interval plus the return path (and DB time).
    expect(h.result.latencyMs.max).toBeLessThan(T * 1000 + returnPathMs + 50);
    h.expectConservation();
  });

  it('saturates the DB when polls/s exceed its capacity: reads cap, queue fills, latency grows', () => {
    const base = {
      strategy: 'polling' as const,
      pollIntervalS: 5,
      durationS: 10,
      dbConcurrency: 16,
      dbQueryMs: 1,
      messagesPerUserPerMin: 1,
    };
    const capacity = 16 / 0.001; // 16,000 queries/s
    const light = new SimHarness({ ...base, users: 20_000 }).runTo(10); // 4,000 polls/s
    const heavy = new SimHarness({ ...base, users: 200_000 }).runTo(10); // 40,000 polls/s
    const rows = heavy.rows(6, 10);
    const readsPerS = rows.reduce((s, r) => s + r.dbReads + r.dbWrites, 0) / rows.length;
    expectNear(readsPerS, capacity, 0.03, 'saturated DB throughput');
    expect(heavy.result.totals.dbRejected).toBeGreaterThan(0);
    expect(heavy.sim.dbStats().meanWaitUs).toBeGreaterThan(100 * light.sim.dbStats().meanWaitUs + 1000);
    expect(heavy.sim.dbStats().utilization).toBeGreaterThan(0.95);
  });

  it('queues at the DB like M/M/c (Erlang C waiting time, utilisation, Little’s law)', () => {
    const c = 4;
    const serviceMs = 1;
    const lambdaPerS = 2_800; // ρ = 0.7
    const T = 10;
    const h = new SimHarness({
      strategy: 'polling',
      users: lambdaPerS * T,
      pollIntervalS: T,
      dbConcurrency: c,
      dbQueryMs: serviceMs,
      messagesPerUserPerMin: 0,
      durationS: 60,
    }).runTo(60);
    const st = h.sim.dbStats();
    const a = (lambdaPerS * serviceMs) / 1000;
    const wqMs = erlangC(c, a) / (c / serviceMs - lambdaPerS / 1000);
    expectNear(st.utilization, a / c, 0.02, 'utilisation');
    expectNear(st.meanWaitUs / 1000, wqMs, 0.1, 'mean wait in queue (Erlang C)');
    // Little: mean queue length = λ · Wq.
    expectNear(st.meanQueue, (lambdaPerS * st.meanWaitUs) / 1e6, 0.05, 'Little’s law');
  });

  describe('with the room log over its byte budget (every 5th room timed)', () => {
    // 2,500 rooms of 2 want 5 slots of 7 bytes each (87.5 KB); 17.5 KB keeps 500 of them.
    const T = 4;
    const perMin = 2;
    const users = 5_000;
    const h = new SimHarness(
      { strategy: 'polling', users, pollIntervalS: T, durationS: 240, messagesPerUserPerMin: perMin },
      { roomLogBytes: 17_500 },
    ).runTo(240);
    const s = h.result.scenario;
    const t = h.result.totals;

    it('still reads users/T per second and comes back empty with probability e^(−λT)', () => {
      const rows = h.rows(T + 1, 240);
      const reads = rows.reduce((a, r) => a + r.dbReads, 0);
      const empty = rows.reduce((a, r) => a + r.emptyPolls, 0);
      expectNear(reads / rows.length, users / T, 0.02, 'DB reads/s');
      const lambda = perMin / 60; // one other member
      expect(Math.abs(empty / reads - Math.exp(-lambda * T))).toBeLessThan(0.01);
    });

    it('times a sample of the deliveries: mean T/2 + return path, the rest counted unsampled', () => {
      const returnPathMs = s.networkRttMs / 2 + s.serverProcessingMs + s.clientRttMs / 2;
      expectNear(h.result.latencyMs.mean, (T * 1000) / 2 + returnPathMs, 0.03, 'mean latency ms');
      expectNear(t.latencyUnsampled / t.deliveries, 4 / 5, 0.03, 'unsampled share');
      expect(t.latencyUnrecorded).toBe(0);
      h.expectConservation();
    });
  });
});

describe('a client keeps at most six polls open (fuzz seed 1429)', () => {
  it('an interval far below the round trip gives six polls per round trip, not one per interval', () => {
    // 100 users poll every 1 ms; a poll takes 500 ms of processing each way plus a 1 ms DB read
    // (no network delay, no jitter): a round trip of 1,001 ms. Each of a client's six slots
    // sends again at the first tick after its response: one poll per 1,001.5 ms on average.
    const users = 100;
    const durationS = 20;
    const scenario = {
      strategy: 'polling',
      users,
      pollIntervalS: 0.001,
      serverProcessingMs: 500,
      dbQueryMs: 1,
      networkRttMs: 0,
      clientRttMs: 0,
      networkJitter: 0,
      messagesPerUserPerMin: 0,
      // No traced users: the trace buffer (drained by the page) would grow with the polls.
      tracedUsers: 0,
      durationS,
    } as const;
    const sim = createSimulation(scenario).run();
    const t = sim.result().totals;
    expectNear(t.polls, (users * MAX_POLLS_IN_FLIGHT * durationS) / 1.0015, 0.01, 'polls');
    // Open polls are bounded per user: memory as with an interval longer than the round trip
    // (a thousand open polls a user, 33 bytes each, would add 3.3 MB).
    const slow = createSimulation({ ...scenario, pollIntervalS: 2 }).run();
    expect(sim.memoryBytes() - slow.memoryBytes()).toBeLessThan(64 * 1024);
  });
});
