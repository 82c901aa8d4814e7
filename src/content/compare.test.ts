import { describe, expect, it } from 'vitest';
import { compareRow, verdicts, type CompareRow } from './compare';
import { STRATEGIES, createSimulation, type ScenarioInput } from '../engine';

/** One workload through all four architectures, with a scale-out at 5 s. */
function runAll(base: ScenarioInput): CompareRow[] {
  return STRATEGIES.map((strategy) => {
    const sim = createSimulation({ ...base, strategy });
    sim.runUntil(5e6);
    sim.act('add-server');
    sim.runUntil(20e6);
    return compareRow(sim.scenario, sim.live());
  });
}

describe('compare mode', () => {
  const rows = runAll({ users: 20_000, messagesPerUserPerMin: 6, pollIntervalS: 10 });
  const byStrategy = Object.fromEntries(rows.map((r) => [r.strategy, r]));
  const v = verdicts(rows);

  it('measures the trade-offs the subject predicts', () => {
    expect(byStrategy.polling!.latencyP50Ms).toBeGreaterThan(100 * byStrategy.pubsub!.latencyP50Ms);
    expect(byStrategy.polling!.dbReadsPerS).toBeGreaterThan(1000);
    expect(byStrategy['modulo-hashing']!.reconnectsLastScale).toBeGreaterThan(
      3 * byStrategy['consistent-hashing']!.reconnectsLastScale,
    );
    expect(byStrategy.pubsub!.reconnectsLastScale).toBe(0);
    expect(byStrategy.pubsub!.brokerMsgsPerS).toBeGreaterThan(0);
  });

  it('states verdicts that follow from the measured values', () => {
    expect(v.get('pubsub')).toMatch(/no churn when scaling/);
    expect(v.get('pubsub')).toMatch(/single point of failure/);
    expect(v.get('modulo-hashing')).toMatch(/reconnect storm/);
    expect(v.get('polling')).toMatch(/DB reads\/s just to find out/);
    expect(v.get('polling')).toMatch(/slowest/);
    expect(v.get('polling')).toMatch(/no extra infrastructure/);
    expect(v.get('consistent-hashing')).toMatch(/coordination service/);
    // "lowest latency" goes to whichever rows measured lowest — never to polling here.
    expect(v.get('polling')).not.toMatch(/lowest latency/);
  });

  it('does not claim churn results when nothing was scaled', () => {
    const quiet = STRATEGIES.map((strategy) => {
      const sim = createSimulation({ strategy, users: 2_000 });
      sim.runUntil(5e6);
      return compareRow(sim.scenario, sim.live());
    });
    for (const text of verdicts(quiet).values()) expect(text).not.toMatch(/churn|reconnect/);
  });
});
