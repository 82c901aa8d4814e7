import { describe, expect, it } from 'vitest';
import { REFERENCE_POLL_DB, runReferencePollDb } from './referencePollDb';

/** Erlang C: probability that an arrival to an M/M/c queue with offered load `a` (= λS) waits. */
function erlangC(c: number, a: number): number {
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top);
}

/** Mean waiting time in queue of M/M/c with arrival rate λ and mean service S (same units as S). */
function mmcWait(c: number, lambda: number, s: number): number {
  const a = lambda * s;
  return (erlangC(c, a) * s) / (c - a);
}

/** The whiteboard answer: 2 network legs + both pools' service and Erlang C waits. */
function expectedMeanResponseMs(
  clients: number,
  periodS: number,
  rho: number,
  cSrv: number,
  cDb: number,
): number {
  const lambdaPerMs = clients / (periodS * 1000);
  const sSrv = (rho * cSrv) / lambdaPerMs;
  const sDb = (rho * cDb) / lambdaPerMs;
  const networkMs = 2 * (1 + 1); // each way: 1 ms + Exp(mean 1 ms)
  return networkMs + sSrv + mmcWait(cSrv, lambdaPerMs, sSrv) + sDb + mmcWait(cDb, lambdaPerMs, sDb);
}

describe('reference-poll-db', () => {
  it('its definition predicts a mean response of about 5.77 ms (as DESIGN.md says)', () => {
    const o = REFERENCE_POLL_DB;
    const ms = expectedMeanResponseMs(o.clients, o.periodS, o.utilisation, o.serverWorkers, o.dbConnections);
    expect(ms).toBeCloseTo(5.773, 3);
  });

  it('matches M/M/c (Erlang C) waiting in both pools plus network and service, within sampling error', () => {
    // Same arrival rate (10,000/s) as the reference on a tenth of the clients; 100,000 requests.
    const r = runReferencePollDb({ clients: 10_000, periodS: 1, maxEvents: 500_000, seed: 3 });
    const expected = expectedMeanResponseMs(10_000, 1, 0.7, 16, 8);
    // Across seeds this run's mean has a standard deviation of ≈ 0.01 ms; allow 4 of them.
    expect(Math.abs(r.meanResponseMs - expected)).toBeLessThan(0.04);
    expect(r.serverUtilisation).toBeCloseTo(0.7, 1);
    expect(r.dbUtilisation).toBeCloseTo(0.7, 1);
    expect(r.events).toBe(500_000);
    // Five events per request, so about a fifth of the events are completed responses.
    expect(r.responses / r.events).toBeCloseTo(0.2, 2);
  });

  it('polls every client exactly once per period', () => {
    // Polls recur forever, so the run stops on the event budget: with the pools nearly idle,
    // 10 clients × P = 1 s.
    const bounded = runReferencePollDb({
      clients: 10,
      periodS: 1,
      utilisation: 0.01,
      maxEvents: 250,
      seed: 1,
    });
    // 250 events = 50 requests = 5 periods of 10 clients.
    expect(bounded.responses).toBeGreaterThanOrEqual(45);
    expect(bounded.simSeconds).toBeGreaterThan(4);
    expect(bounded.simSeconds).toBeLessThan(6);
  });

  it('is deterministic for a seed', () => {
    const a = runReferencePollDb({ clients: 1000, periodS: 0.1, maxEvents: 50_000, seed: 9 });
    const b = runReferencePollDb({ clients: 1000, periodS: 0.1, maxEvents: 50_000, seed: 9 });
    expect(a).toEqual(b);
  });
});
