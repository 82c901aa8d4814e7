import { describe, expect, it } from 'vitest';
import { normalizeScenario, createSimulation } from '../engine';
import { LATENCY_WINDOW_S, warmUpAllS, warmUpS } from './warmup';

describe('warm-up', () => {
  it('is one poll interval then one detection window for polling', () => {
    const s = normalizeScenario({ strategy: 'polling', pollIntervalS: 60, failureDetectionS: 3 });
    expect(warmUpS(s)).toBe(60 + LATENCY_WINDOW_S);
  });
  it('takes the longer of the latency window and the failure detector', () => {
    expect(warmUpS(normalizeScenario({ strategy: 'pubsub', failureDetectionS: 8 }))).toBe(8);
    expect(warmUpS(normalizeScenario({ strategy: 'pubsub', failureDetectionS: 1 }))).toBe(LATENCY_WINDOW_S);
  });
  it('counts poll jitter in the first round', () => {
    expect(warmUpS(normalizeScenario({ strategy: 'polling', pollIntervalS: 10, pollJitterS: 2 }))).toBe(
      12 + LATENCY_WINDOW_S,
    );
  });
  it('waits for the slowest run in compare mode', () => {
    const runs = ['polling', 'pubsub'].map((strategy) =>
      normalizeScenario({ strategy: strategy as 'polling', pollIntervalS: 30 }),
    );
    expect(warmUpAllS(runs)).toBe(30 + LATENCY_WINDOW_S);
  });
  it('matches the engine’s recent-latency window', () => {
    const sim = createSimulation({ strategy: 'pubsub', users: 100 });
    sim.runUntil(20e6);
    expect(sim.live().recentLatency.windowS).toBe(LATENCY_WINDOW_S);
  });
});
