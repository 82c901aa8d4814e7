import { describe, expect, it } from 'vitest';
import { createSimulation } from './simulation';
import { STRATEGIES, type ScenarioInput } from './scenario';

/**
 * The page's sliders reach 1,000,000 users, polls every 0.5–60 s, 0–60 messages a minute and rooms
 * of 2–1,000 (src/view/ui/LeftRail.tsx). At every corner the engine's stores must stay within a
 * fixed budget, since a rewind checkpoint copies all of them: 64 MiB for a million users
 * (a million users need ~10–20 MB of per-user arrays alone; the rest is the room log's and the
 * queues' budgets).
 */
const BUDGET_BYTES = 64 * 1024 * 1024;
const USERS = 1_000_000;

function corners(): ScenarioInput[] {
  const out: ScenarioInput[] = [];
  for (const strategy of STRATEGIES)
    for (const pollIntervalS of strategy === 'polling' ? [0.5, 60] : [10])
      for (const messagesPerUserPerMin of [0, 60])
        for (const roomSize of [2, 1000])
          out.push({ strategy, users: USERS, pollIntervalS, messagesPerUserPerMin, roomSize });
  return out;
}

describe('memory at the sliders’ extremes', () => {
  it('every corner starts within the budget', () => {
    for (const s of corners()) {
      const bytes = createSimulation(s).memoryBytes();
      expect(bytes, JSON.stringify(s)).toBeLessThanOrEqual(BUDGET_BYTES);
    }
  });

  it('polling at 1M users, 60 s interval, 60 messages/min, rooms of 2 stays within it as it runs', () => {
    // The scenario that peaked at 686 MB RSS when the room log was sized rooms × backlog.
    const sim = createSimulation({
      strategy: 'polling',
      users: USERS,
      pollIntervalS: 60,
      messagesPerUserPerMin: 60,
      roomSize: 2,
    });
    sim.runUntil(1_500_000);
    expect(sim.memoryBytes()).toBeLessThanOrEqual(BUDGET_BYTES);
    const t = sim.result().totals;
    // Reads answered so far deliver with exact counts, timed or counted as unsampled.
    expect(t.dbReads).toBeGreaterThan(0);
  });

  it('long polling at 1M users, 60 messages/min, rooms of 2 stays within it as it runs (timers moved on)', () => {
    const sim = createSimulation({
      strategy: 'long-polling',
      users: USERS,
      messagesPerUserPerMin: 60,
      roomSize: 2,
    });
    sim.runUntil(1_500_000);
    expect(sim.result().totals.deliveries).toBeGreaterThan(0);
    expect(sim.memoryBytes()).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('polling every 0.5 s at 60 messages/min (most queries refused) stays within it as it runs', () => {
    const sim = createSimulation({
      strategy: 'polling',
      users: USERS,
      pollIntervalS: 0.5,
      messagesPerUserPerMin: 60,
      roomSize: 2,
    });
    sim.runUntil(1_000_000);
    expect(sim.result().totals.dbRejected).toBeGreaterThan(0);
    expect(sim.memoryBytes()).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
