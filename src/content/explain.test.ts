import { describe, expect, it } from 'vitest';
import { explain, type ExplainContext, type MetricId } from './explain';
import { createSimulation, type ScenarioInput, type SeriesRow } from '../engine';

/** Runs a scenario and returns what the page would show next to each explanation. */
function run(
  input: ScenarioInput,
  untilS: number,
  act?: { atS: number; kind: 'add-server' | 'crash-server' },
) {
  const sim = createSimulation(input);
  let ctx: ExplainContext = { servers: sim.scenario.servers };
  if (act) {
    sim.runUntil(act.atS * 1e6);
    const before = sim.live().servers.filter((s) => s.state === 'up').length;
    const report = sim.act(act.kind);
    sim.runUntil(untilS * 1e6);
    ctx = {
      servers: sim.live().servers.filter((s) => s.state === 'up').length,
      lastAction: { ...sim.live().timeline[0]!, ...{ serversBefore: before }, action: report.action },
    };
  } else sim.runUntil(untilS * 1e6 + 1);
  return { sim, ctx, result: sim.result() };
}

const mean = (rows: SeriesRow[], f: (r: SeriesRow) => number) =>
  rows.reduce((s, r) => s + f(r), 0) / rows.length;
const within = (measured: number, expected: number | null, rel: number) => {
  expect(expected).not.toBeNull();
  expect(
    Math.abs(measured - expected!) / Math.abs(expected!),
    `measured ${measured} vs explained ${expected}`,
  ).toBeLessThanOrEqual(rel);
};
const ex = (m: MetricId, r: ReturnType<typeof run>) => explain(m, r.sim.scenario, r.ctx);

describe('explanations agree with what the engine measures', () => {
  it('DB reads/s = users ÷ interval, and the saturated cap', () => {
    const light = run({ users: 20_000, pollIntervalS: 5, messagesPerUserPerMin: 1 }, 20);
    within(
      mean(light.result.series.slice(6), (r) => r.dbReads),
      ex('db-reads', light).expected,
      0.02,
    );
    expect(ex('db-reads', light).lines[0]).toContain('20,000 users ÷ 5 s = 4,000 polls/s');
    const heavy = run({ users: 200_000, pollIntervalS: 5, messagesPerUserPerMin: 1 }, 10);
    within(
      mean(heavy.result.series.slice(6), (r) => r.dbReads),
      ex('db-reads', heavy).expected,
      0.04,
    );
    expect(ex('db-reads', heavy).lines.join(' ')).toContain('saturated');
  });

  it('DB writes/s = users × rate ÷ 60', () => {
    const r = run({ strategy: 'pubsub', users: 30_000, messagesPerUserPerMin: 4 }, 20);
    within(
      mean(r.result.series.slice(2), (x) => x.dbWrites),
      ex('db-writes', r).expected,
      0.05,
    );
  });

  it('empty polls = e^(−λT)', () => {
    const r = run({ users: 10_000, roomSize: 4, pollIntervalS: 10, messagesPerUserPerMin: 2 }, 70);
    const rows = r.result.series.slice(11);
    const share = mean(rows, (x) => x.emptyPolls) / mean(rows, (x) => x.dbReads);
    expect(Math.abs(share - ex('empty-polls', r).expected!)).toBeLessThan(0.015);
  });

  it('polling latency percentiles = q × interval + the return path', () => {
    const r = run({ users: 5_000, pollIntervalS: 4, messagesPerUserPerMin: 3 }, 120);
    within(r.result.latencyMs.p50, ex('latency-p50', r).expected, 0.04);
    within(r.result.latencyMs.p99, ex('latency-p99', r).expected, 0.03);
  });

  for (const strategy of ['modulo-hashing', 'consistent-hashing', 'pubsub'] as const) {
    it(`${strategy} latency = the sum of its hops`, () => {
      const r = run({ strategy, users: 5_000, messagesPerUserPerMin: 3, networkJitter: 0 }, 20);
      within(r.result.latencyMs.p50, ex('latency-p50', r).expected, 0.01);
      within(r.result.latencyMs.p99, ex('latency-p99', r).expected, 0.02);
      // With jitter there is no exact figure to claim.
      const j = run({ strategy, users: 5_000, messagesPerUserPerMin: 3 }, 20);
      expect(ex('latency-p99', j).expected).toBeNull();
    });
  }

  it('reconnects after a scale-out: N/(N+1) modulo, 1/(N+1) ring, none with pub/sub', () => {
    const m = run({ strategy: 'modulo-hashing', users: 20_000 }, 30, { atS: 5, kind: 'add-server' });
    within(m.result.timeline[0]!.reconnects, ex('reconnects', m).expected, 0.03);
    const c = run({ strategy: 'consistent-hashing', users: 20_000 }, 30, { atS: 5, kind: 'add-server' });
    within(c.result.timeline[0]!.reconnects, ex('reconnects', c).expected, 0.3);
    const p = run({ strategy: 'pubsub', users: 20_000 }, 30, { atS: 5, kind: 'add-server' });
    expect(p.result.timeline[0]!.reconnects).toBe(0);
    expect(ex('reconnects', p).expected).toBe(0);
  });

  it('open connections: Little’s law for polling, one per user for push', () => {
    const r = run({ users: 50_000, pollIntervalS: 5, messagesPerUserPerMin: 0 }, 20);
    within(
      mean(r.result.series.slice(6), (x) => x.connections),
      ex('connections', r).expected,
      0.1,
    );
    const p = run({ strategy: 'pubsub', users: 7_000 }, 5);
    within(p.sim.live().connections, ex('connections', p).expected, 0);
  });

  it('broker messages/s = publishes × fan-out (topic per user)', () => {
    const r = run({ strategy: 'pubsub', users: 20_000, roomSize: 3, messagesPerUserPerMin: 3 }, 20);
    within(
      mean(r.result.series.slice(2), (x) => x.brokerMessages),
      ex('broker', r).expected,
      0.05,
    );
  });
});
