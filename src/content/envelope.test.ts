/**
 * Every back-of-the-envelope figure, for every preset, against an engine run of the same scenario
 * at steady state: the card must predict what the charts and tiles will show (issue 9, item 4).
 * Tolerances are statistical: a count of k Poisson events is good to about 1/√k, so a figure may
 * miss by 4/√k (plus a few per cent for the model's second-order effects); no figure is skipped.
 */
import { describe, expect, it } from 'vitest';
import { envelope, serversHoldingOthers, type EnvelopeFigure, type EnvelopeId } from './envelope';
import { PRESETS } from './presets';
import { normalizeScenario, type Scenario, type Totals } from '../engine';
import { SimHarness } from '../engine/testing/harness';

interface Measured {
  /** The engine's value for each figure id, with the count of events behind it (for the tolerance). */
  value: Partial<Record<EnvelopeId, { v: number; events: number }>>;
  parts: Record<string, number>;
}

function steadyWindow(s: Scenario): { fromS: number; toS: number } {
  const firstAction = s.timeline.length ? Math.min(...s.timeline.map((e) => e.atS)) : Infinity;
  const fromS = Math.max(5, s.strategy === 'polling' ? 2 * s.pollIntervalS : 0);
  // Long enough for a few hundred messages where the preset is slow (capped for test time).
  const writesPerS = (s.users * s.messagesPerUserPerMin) / 60;
  const wantS = Math.min(600, Math.max(20, 400 / Math.max(writesPerS, 1e-9)));
  const budget = s.users >= 500_000 ? 15 : wantS;
  return { fromS, toS: Math.min(firstAction, fromS + budget) };
}

function measure(s: Scenario): Measured {
  const h = new SimHarness(s);
  const { fromS, toS } = steadyWindow(s);
  h.runTo(fromS);
  const t0: Totals = { ...h.sim.live().totals };
  let dbUtil = 0;
  let brokerUtil = 0;
  let perServer = 0;
  let samples = 0;
  for (let t = fromS + 1; t <= toS; t++) {
    // +1 µs: the second's row closes at the whole second.
    h.sim.runUntil(t * 1e6 + 1);
    const live = h.sim.live();
    dbUtil += live.db.utilization;
    brokerUtil += live.broker.utilization;
    const up = live.servers.filter((x) => x.state === 'up');
    perServer += up.reduce((a, x) => a + x.connections, 0) / Math.max(1, up.length);
    samples++;
  }
  const t1 = h.sim.live().totals;
  type Count = { [K in keyof Totals]: Totals[K] extends number ? K : never }[keyof Totals];
  const d = (k: Count) => t1[k] - t0[k];
  const spanS = samples;
  const rate = (k: Count) => ({ v: d(k) / spanS, events: d(k) });
  const value: Measured['value'] = {
    'db-reads': rate('dbReads'),
    'db-writes': rate('dbWrites'),
    'db-load': { v: dbUtil / samples, events: d('dbReads') + d('dbWrites') },
    'empty-polls': { v: d('emptyPolls') / Math.max(1, d('polls')), events: d('polls') },
    'per-server': { v: perServer / samples, events: Infinity },
    'broker-routed': {
      v: (d('brokerPublishes') + d('brokerDeliveries')) / spanS,
      events: d('brokerPublishes'),
    },
    // A message's recipients arrive together: the randomness is in the count of messages.
    pushes: { v: d('deliveries') / spanS, events: d('dbWrites') },
  };
  // Delivery latency as the chart draws it: each steady second's median (the whole run's median
  // would be biased low by messages whose long waits have not ended yet).
  const rows = h.rows(fromS, toS).filter((x) => x.deliveries > 0);
  value.wait = {
    v: rows.reduce((a, x) => a + x.latencyP50Ms, 0) / Math.max(1, rows.length),
    events: rows.length,
  };
  // Adding a server: the preset's own scale-out if it has one, else one now.
  const planned = s.timeline.find((e) => e.action === 'add-server');
  let report;
  if (planned) {
    h.runTo(planned.atS + 1);
    report = h.sim.live().timeline.find((a) => a.action === 'add-server');
  } else if (s.strategy.endsWith('hashing')) report = h.sim.act('add-server');
  if (report) value.moved = { v: report.usersMoved / s.users, events: s.users };
  return {
    value,
    parts: {
      publishes: d('brokerPublishes') / spanS,
      copies: d('brokerDeliveries') / spanS,
      // Loads as the engine measures them: busy time over capacity, averaged over the seconds.
      dbLoad: dbUtil / samples,
      brokerLoad: brokerUtil / samples,
    },
  };
}

function tolerance(f: EnvelopeFigure, events: number, s: Scenario): number {
  const poisson = Number.isFinite(events) ? 4 / Math.sqrt(Math.max(1, events)) : 0;
  // A server's share of a consistent-hash ring varies by about 1/√vnodes.
  if (f.id === 'moved' && s.strategy === 'consistent-hashing') return 3 / Math.sqrt(s.vnodes);
  // Polling: with few users the median is a median of few poll phases.
  if (f.id === 'wait') return 0.03 + 2 / Math.sqrt(s.users);
  return 0.03 + poisson;
}

/** Shares (0..1) are compared absolutely: 0.7 % predicted and none seen in 1,000 polls agree. */
function error(f: EnvelopeFigure, got: number): number {
  if (f.id === 'empty-polls' || f.id === 'db-load') return Math.abs(got - f.value) / Math.max(f.value, 0.2);
  return Math.abs(got - f.value) / Math.max(1e-9, Math.abs(f.value));
}

describe('back of the envelope agrees with the engine at steady state', () => {
  for (const p of PRESETS) {
    it(`${p.title}: every figure`, () => {
      const s = normalizeScenario(p.scenario);
      const figures = envelope(s, s.servers);
      const m = measure(s);
      expect(figures.length).toBeGreaterThan(0);
      for (const f of figures) {
        const got = m.value[f.id];
        expect(got, `${p.id}: no engine measurement for "${f.label}"`).toBeDefined();
        const tol = tolerance(f, got!.events, s);
        const err = error(f, got!.v);
        expect(
          err,
          `${p.id} "${f.label}": envelope ${f.value.toPrecision(4)} vs engine ${got!.v.toPrecision(4)} (tolerance ${(tol * 100).toFixed(1)} %)`,
        ).toBeLessThanOrEqual(tol);
        for (const [k, v] of Object.entries(f.parts ?? {})) {
          const mv = m.parts[k]!;
          // Loads compare like shares (absolutely, below 20 %).
          const e = Math.abs(mv - v) / Math.max(k.endsWith('Load') ? 0.2 : 1e-9, v);
          expect(
            e,
            `${p.id} "${f.label}" part ${k}: ${v.toPrecision(4)} vs engine ${mv.toPrecision(4)}`,
          ).toBeLessThanOrEqual(tolerance(f, got!.events, s));
        }
      }
    }, 60_000);
  }
});

describe('servers holding the other members of a room', () => {
  it('is R − 1 when every member has its own server', () => {
    expect(serversHoldingOthers(8, 5, false)).toBe(4);
  });
  it('is every server once each holds two members', () => {
    expect(serversHoldingOthers(6, 20, false)).toBe(6);
  });
  it('loses the sender’s server when it holds no other member', () => {
    // 6 servers, room of 9: 3 servers hold two, 3 hold one → 6 − 3/9.
    expect(serversHoldingOthers(6, 9, false)).toBeCloseTo(6 - 3 / 9, 12);
  });
  it('follows the occupancy formula for random placement', () => {
    expect(serversHoldingOthers(6, 20, true)).toBeCloseTo(6 * (1 - (5 / 6) ** 19), 12);
  });
});
