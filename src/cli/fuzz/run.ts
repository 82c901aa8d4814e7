/** One fuzzed scenario, run three ways (observed, fresh, from a checkpoint), then checked. */
import { performance } from 'node:perf_hooks';
import { createSimulation } from '../../engine/simulation';
import type { Scenario } from '../../engine/scenario';
import { FUZZ_CHECKS, type FuzzCheck, type RunEvidence } from './checks';

export interface RunOutcome {
  endUs: number;
  /** The wall guard stopped the run before the scenario's end. */
  truncated: boolean;
  wallMs: number;
  events: number;
  /** `check: message` for each failed check (or `threw: …`). */
  failures: string[];
}

const SAMPLES = 8;
/** Events between wall-clock looks. */
const CHUNK_EVENTS = 100_000;

/**
 * Runs `scenario` to its duration (or until `maxRunMs` of wall time, at a sample boundary), re-runs
 * it fresh and from a half-way checkpoint to the same instant, and applies every check.
 */
export function runScenario(
  scenario: Scenario,
  maxRunMs: number,
  checks: FuzzCheck[] = FUZZ_CHECKS,
): RunOutcome {
  const t0 = performance.now();
  const fullUs = Math.round(scenario.durationS * 1e6) + 1;
  let endUs = fullUs;
  let truncated = false;
  let events = 0;
  try {
    const sim = createSimulation(scenario);
    const samples: RunEvidence['samples'] = [];
    const overTime = () => performance.now() - t0 > maxRunMs;
    sampling: for (let k = 1; k <= SAMPLES; k++) {
      const atUs = Math.round((fullUs * k) / SAMPLES);
      for (;;) {
        const ran = sim.runUntil(atUs, CHUNK_EVENTS);
        if (ran < CHUNK_EVENTS && sim.nowUs >= atUs) break;
        if (overTime()) {
          // Stop here, but finish the current instant so a re-run to the same bound matches.
          endUs = sim.nowUs + 1;
          sim.runUntil(endUs);
          truncated = true;
          break sampling;
        }
      }
      if (k === SAMPLES) break;
      samples.push({ atUs, totals: sim.result().totals });
      if (overTime()) {
        endUs = atUs;
        truncated = true;
        samples.pop();
        break;
      }
    }
    const result = sim.result();
    events = result.engine.events;
    const twin = createSimulation(scenario);
    twin.runUntil(Math.floor(endUs / 2));
    const copy = twin.checkpoint();
    twin.runUntil(endUs);
    copy.runUntil(endUs);
    const evidence: RunEvidence = {
      scenario,
      endUs,
      result,
      samples,
      rerun: twin.result(),
      fromCheckpoint: copy.result(),
      memoryBytes: sim.memoryBytes(),
      sim,
    };
    const failures: string[] = [];
    for (const c of checks) {
      let msg: string | null;
      try {
        msg = c.check(evidence);
      } catch (e) {
        msg = `check threw: ${(e as Error).message}`;
      }
      if (msg !== null) failures.push(`${c.name}: ${msg}`);
    }
    return { endUs, truncated, wallMs: performance.now() - t0, events, failures };
  } catch (e) {
    const first = String((e as Error)?.stack ?? e)
      .split('\n')
      .slice(0, 3)
      .map((l) => l.trim())
      .join(' ← ');
    return { endUs, truncated, wallMs: performance.now() - t0, events, failures: [`threw: ${first}`] };
  }
}
