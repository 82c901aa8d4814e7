import type { Scenario } from '../engine';

/** Seconds of delivery latency behind the tiles and legends (the engine's recent window). */
export const LATENCY_WINDOW_S = 5;

/**
 * Simulated second from which a run's figures describe its steady state: every polling client
 * has polled once (one poll interval, its jitter included), and then one whole detection window
 * has passed, so the recent-latency window and the failure detector both hold only steady
 * seconds. Before it the page says "warming up" and compare verdicts wait.
 */
export function warmUpS(
  s: Pick<Scenario, 'strategy' | 'pollIntervalS' | 'pollJitterS' | 'failureDetectionS'>,
): number {
  const firstRound = s.strategy === 'polling' ? s.pollIntervalS + s.pollJitterS : 0;
  return firstRound + Math.max(LATENCY_WINDOW_S, s.failureDetectionS);
}

/** The warm-up of several runs side by side (compare mode): the slowest one's. */
export function warmUpAllS(runs: Parameters<typeof warmUpS>[0][]): number {
  return runs.reduce((m, s) => Math.max(m, warmUpS(s)), 0);
}
