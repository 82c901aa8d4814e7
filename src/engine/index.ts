/** The engine's one public face. */
export * from './scenario';
export * from './types';
export { Simulation, createSimulation } from './simulation';
export { settleTimeS, type SettledReport, type SettledViolation } from './settled';
export { Rng } from './core/rng';
export { HashRing } from './model/hashRing';
export { hashInt, hashPair } from './core/hash';
export { acceptedTimeline, randomTimeline } from './testing/timelines';
