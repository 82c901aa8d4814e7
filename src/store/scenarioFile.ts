/**
 * Scenario files for the page's "Open scenario…" and "Save scenario…": the same JSON the command
 * line reads (`npm run sim -- --scenario FILE.json`), validated the same way, with the same
 * one-line message naming the field (e.g. `users: Too small: expected number to be >=1`).
 */
import { DEFAULT_SCENARIO, normalizeScenario, type Scenario } from '../bridge/engine';
import { HEADLINE_FIELDS } from './headline';

/** Files larger than this are not scenarios (a 1,000-action timeline is ~60 KB of JSON). */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Parses and validates a scenario file's text; throws an Error whose message is one line. */
export function readScenarioText(name: string, text: string): Scenario {
  if (text.length > MAX_SCENARIO_FILE_BYTES)
    throw new Error(`scenario: ${name} is ${Math.round(text.length / 1024)} KB, more than a scenario can be`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(oneLine(`scenario: ${name} is not valid JSON (${(e as Error).message})`), { cause: e });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`scenario: ${name} must hold a JSON object`);
  // Throws ScenarioError, whose message is "field: why" (users < 2 fails as roomSize > users).
  return normalizeScenario(parsed);
}

/** Fields a saved file always states, so it reads as the workload it is. */
const HEADLINE: (keyof Scenario)[] = [...HEADLINE_FIELDS, 'durationS'];

/** The scenario as a small, readable JSON file: headline fields, then whatever differs from the defaults. */
export function scenarioFileText(s: Scenario): string {
  const out: Record<string, unknown> = {};
  for (const f of HEADLINE) out[f] = s[f];
  for (const f of Object.keys(DEFAULT_SCENARIO) as (keyof Scenario)[]) {
    if (f in out || f === 'timeline') continue;
    if (s[f] !== DEFAULT_SCENARIO[f]) out[f] = s[f];
  }
  out.timeline = s.timeline;
  return `${JSON.stringify(out, null, 2)}\n`;
}
