import { performance } from 'node:perf_hooks';
import { createSimulation, type Result, type Scenario } from '../engine';

/**
 * One headless run: build the world, run it to `durationS`, read the Result. The wall clock covers
 * construction too (placing a million users is part of the cost of a run), but not JSON output.
 */
export function runHeadless(scenario: Scenario): Result {
  const t0 = performance.now();
  const sim = createSimulation(scenario);
  // The engine's own definition of "run to durationS" (it owns the end-of-run boundary).
  sim.run();
  return sim.result(performance.now() - t0);
}
