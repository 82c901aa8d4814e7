/**
 * What the page may use of the engine on the main thread: its scenario schema and constants, and
 * its types. Never the simulation itself — that runs only in the worker — so the page's bundle
 * stays free of the engine's model code.
 */
export {
  ACTIONS,
  DEFAULT_SCENARIO,
  LIMITS,
  STRATEGIES,
  ScenarioError,
  normalizeScenario,
  scenarioSchema,
} from '../engine/scenario';
export type { ActionKind, Scenario, ScenarioInput, Strategy, TimelineEntry } from '../engine/scenario';
export { MsgKind, NodeId, TRACE_STRIDE } from '../engine/types';
export { SERIES_FIELDS as SERIES_METRICS } from '../engine/metrics/series';
export { pickSlowServers } from '../engine/mechanisms/slowConsumers';
export type * from '../engine/types';
