import type { Scenario } from '../bridge/engine';

/**
 * The scenario's headline fields, in reading order: written even at their defaults (in links and
 * in scenario files), so what is shared states the workload it shows.
 */
export const HEADLINE_FIELDS: readonly (keyof Scenario)[] = [
  'strategy',
  'users',
  'servers',
  'pollIntervalS',
  'messagesPerUserPerMin',
  'roomSize',
  'vnodes',
  'seed',
];
