/**
 * `npm run fuzz -- --runs N --seed S [--max-wall-s W] [--events-per-run E] [--max-run-s R] [--json] [--base-only]`
 * (`--base-only`: leave the MECHANISMS.md fields at their defaults)
 *
 * Run i fuzzes the scenario generated from seed S + i, so any failure reproduces alone with
 * `--runs 1 --seed <its seed>`. Prints one line per failure and a summary line; exits 1 when a
 * run failed, 2 on bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { randomScenario, timeBox } from './generate';
import { runScenario } from './run';

export interface FuzzOptions {
  runs: number;
  seed: number;
  maxWallS: number;
  eventsPerRun: number;
  maxRunS: number;
  json: boolean;
  /** Draw the MECHANISMS.md fields too (off: `--base-only`). */
  mechanisms: boolean;
  /** Seeds not run: open engine bugs, each named where it is passed (`--skip 37,55`). */
  skip: number[];
  verbose: boolean;
  failuresFile: string | null;
}

export interface FuzzFailure {
  seed: number;
  failures: string[];
  scenario: unknown;
}

export interface FuzzSummary {
  runs: number;
  failed: number;
  truncated: number;
  wallS: number;
  events: number;
  firstSeed: number;
  /** Runs stopped because --max-wall-s ran out (not counted as failures). */
  stoppedEarly: boolean;
  failures: FuzzFailure[];
}

const USAGE =
  'usage: npm run fuzz -- [--runs N] [--seed S] [--max-wall-s W] [--events-per-run E] [--max-run-s R] [--json] [--verbose] [--failures FILE] [--base-only] [--skip S1,S2]';

export function parseFuzzArgs(argv: readonly string[]): FuzzOptions {
  const o: FuzzOptions = {
    runs: 100,
    seed: 1,
    maxWallS: Infinity,
    eventsPerRun: 300_000,
    maxRunS: 1.5,
    json: false,
    mechanisms: true,
    skip: [],
    verbose: false,
    failuresFile: null,
  };
  const num = (flag: string, v: string | undefined, int: boolean, min: number): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min || (int && !Number.isInteger(n)))
      throw new Error(`${flag}: expected ${int ? 'an integer' : 'a number'} ≥ ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--runs':
        o.runs = num(a, argv[++i], true, 1);
        break;
      case '--seed':
        o.seed = num(a, argv[++i], true, 0);
        break;
      case '--max-wall-s':
        o.maxWallS = num(a, argv[++i], false, 1);
        break;
      case '--events-per-run':
        o.eventsPerRun = num(a, argv[++i], true, 1000);
        break;
      case '--max-run-s':
        o.maxRunS = num(a, argv[++i], false, 0.1);
        break;
      case '--failures':
        o.failuresFile = argv[++i] ?? null;
        if (!o.failuresFile) throw new Error('--failures: expected a file name');
        break;
      case '--json':
        o.json = true;
        break;
      case '--base-only':
        o.mechanisms = false;
        break;
      case '--skip': {
        const v = argv[++i] ?? '';
        o.skip = v.split(',').map((x) => num(a, x, true, 0));
        break;
      }
      case '--verbose':
        o.verbose = true;
        break;
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  return o;
}

export function fuzz(o: FuzzOptions, log: (line: string) => void): FuzzSummary {
  const t0 = performance.now();
  const s: FuzzSummary = {
    runs: 0,
    failed: 0,
    truncated: 0,
    wallS: 0,
    events: 0,
    firstSeed: o.seed,
    stoppedEarly: false,
    failures: [],
  };
  for (let i = 0; i < o.runs; i++) {
    if ((performance.now() - t0) / 1000 >= o.maxWallS) {
      s.stoppedEarly = true;
      break;
    }
    const seed = o.seed + i;
    if (o.skip.includes(seed)) {
      log(`skip seed ${seed} (an open bug, named where --skip is passed)`);
      continue;
    }
    let scenario;
    try {
      scenario = timeBox(randomScenario(seed, o.mechanisms), o.eventsPerRun);
    } catch (e) {
      // The generator promises valid scenarios: a refused one is a failure of the fuzz itself.
      s.runs++;
      s.failed++;
      const failure = {
        seed,
        failures: [`generator: ${(e as Error).message}`],
        scenario: randomScenario(seed, o.mechanisms),
      };
      s.failures.push(failure);
      log(`FAIL seed ${seed}: ${failure.failures[0]}`);
      continue;
    }
    const out = runScenario(scenario, o.maxRunS * 1000);
    s.runs++;
    s.events += out.events;
    if (out.truncated) s.truncated++;
    if (o.verbose)
      log(
        `seed ${seed}: ${scenario.strategy} ${scenario.users}u ${scenario.timeline.length} actions ` +
          `${(out.endUs / 1e6).toFixed(2)} s${out.truncated ? ' (truncated)' : ''}, ${out.events} events, ${out.wallMs.toFixed(0)} ms`,
      );
    if (out.failures.length) {
      s.failed++;
      s.failures.push({ seed, failures: out.failures, scenario });
      for (const f of out.failures) log(`FAIL seed ${seed}: ${f}`);
    }
  }
  s.wallS = (performance.now() - t0) / 1000;
  return s;
}

export function summaryLine(s: FuzzSummary): string {
  const last = s.firstSeed + Math.max(0, s.runs - 1);
  return (
    `fuzz: ${s.runs} runs, ${s.failed} failed, ${s.truncated} stopped by the per-run wall guard, ` +
    `${(s.events / 1e6).toFixed(1)}M events, ${s.wallS.toFixed(1)} s wall (seeds ${s.firstSeed}–${last})` +
    (s.stoppedEarly ? ' [--max-wall-s reached]' : '')
  );
}

/** The command: returns the exit status. */
export function main(argv: readonly string[], out: (l: string) => void, err: (l: string) => void): number {
  let o: FuzzOptions;
  try {
    o = parseFuzzArgs(argv);
  } catch (e) {
    err(`hopscope fuzz: ${(e as Error).message}`);
    return 2;
  }
  const s = fuzz(o, o.json ? err : out);
  if (o.failuresFile) writeFileSync(o.failuresFile, `${JSON.stringify(s.failures, null, 1)}\n`);
  if (s.failed) {
    const seeds = s.failures.map((f) => f.seed);
    (o.json ? err : out)(
      `failing seeds: ${seeds.join(' ')} (reproduce one: npm run fuzz -- --runs 1 --seed N)`,
    );
  }
  if (o.json)
    out(JSON.stringify({ ...s, failures: s.failures.map((f) => ({ seed: f.seed, failures: f.failures })) }));
  else out(summaryLine(s));
  return s.failed ? 1 : 0;
}
