/**
 * The `sim` command as a function of (argv, stdout, stderr) → exit status, so tests can drive it
 * without a process. Prints exactly one Result JSON on `out`. Bad input returns 2 with one line on
 * `err` naming the field and nothing on `out`, so scripts can pipe the output straight into `jq`.
 */
import { readFileSync } from 'node:fs';
import { ActionRefusedError, DEFAULT_SCENARIO, ScenarioError } from '../engine';
import { buildScenario, CliError, oneLine, parseSimArgs, simUsage } from './args';
import { runHeadless } from './headless';

const PROG = 'hopscope sim';
/** Exit status for bad input (as distinct from 1, a failure of the simulator itself). */
export const EXIT_USAGE = 2;

function readScenarioFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    throw new CliError('scenario', `scenario: cannot read ${path}: ${why}`);
  }
}

/** Runs the command; returns the exit status. Writes only through the two streams given. */
export function main(
  argv: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  try {
    const args = parseSimArgs(argv);
    if (args.help) {
      out.write(`${simUsage(DEFAULT_SCENARIO)}\n`);
      return 0;
    }
    const text = args.scenarioFile !== undefined ? readScenarioFile(args.scenarioFile) : undefined;
    const scenario = buildScenario(args, text);
    const result = runHeadless(scenario);
    out.write(`${JSON.stringify(result, null, args.pretty ? 2 : undefined)}\n`);
    return 0;
  } catch (e) {
    // The engine may still refuse a scenario the schema let through (a semantic check, or an
    // action on a server that is already down or gone).
    if (e instanceof CliError || e instanceof ScenarioError || e instanceof ActionRefusedError) {
      err.write(`${PROG}: ${oneLine(e.message)}\n`);
      return EXIT_USAGE;
    }
    // A bug, not bad input: still one line unless asked for the stack.
    const detail = process.env.HOPSCOPE_DEBUG
      ? String((e as Error).stack)
      : oneLine(String((e as Error)?.message ?? e));
    err.write(`${PROG}: internal error: ${detail}\n`);
    return 1;
  }
}
