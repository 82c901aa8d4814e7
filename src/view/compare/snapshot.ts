/** The newest compare-mode figures, for exports and key handling outside the compare component. */
import type { ActionKind, SeriesRow, Strategy } from '../../bridge/engine';
import type { CompareRow } from '../../content/compare';

export interface CompareSnapshot {
  rows: CompareRow[];
  verdicts: Map<Strategy, string>;
  lanes: { strategy: Strategy; series: SeriesRow[] }[];
}

export const compareSnapshot: { current: CompareSnapshot | null } = { current: null };

/** Keys compare mode answers while it is shown (Space, +, −); set by the compare view. */
export const compareKeys: { current: ((key: string) => boolean) | null } = { current: null };

/**
 * Acts on all four compare lanes at their current simulated time (set by the compare view, so the
 * left panel's buttons reach the lanes); returns false when compare mode is not running.
 */
export const compareActions: { current: ((kind: ActionKind, server?: number) => boolean) | null } = {
  current: null,
};

/** Servers up in the compare lanes (lane one; all four take the same actions), for the Servers field. */
let laneServers: number | null = null;
const laneListeners = new Set<() => void>();
export function setCompareServers(n: number | null): void {
  if (n === laneServers) return;
  laneServers = n;
  for (const l of laneListeners) l();
}
export function getCompareServers(): number | null {
  return laneServers;
}
export function subscribeCompareServers(cb: () => void): () => void {
  laneListeners.add(cb);
  return () => laneListeners.delete(cb);
}
