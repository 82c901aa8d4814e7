/**
 * The `bench` command (entry point: bench.ts). Runs each scenario of benchScenarios.ts in a fresh child process, so `peakRssMb` (the child's
 * `process.resourceUsage().maxRSS`) is that scenario's own and one run's garbage or JIT state does
 * not leak into the next. The child is the bench itself bundled by esbuild and run by plain
 * `node`: under the tsx loader every process carries ~40 MB of transpiler, which is not HopScope's
 * memory. Without esbuild it falls back to `node --import tsx`, and says so in `environment`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_SCENARIOS, type BenchScenario } from './benchScenarios';

const PROG = 'hopscope bench';
const MB = 1024 * 1024;
/** A scenario that runs longer than this is stopped and reported as failed. */
const CHILD_TIMEOUT_MS = 15 * 60_000;

/** One row of `{ "results": [...] }`; the first eight fields are the DESIGN.md contract. */
export interface BenchResult {
  name: string;
  users: number;
  simSeconds: number;
  wallMs: number;
  events: number;
  eventsPerS: number;
  realTimeFactor: number;
  peakRssMb: number;
  /** RSS when the scenario started (runtime + modules), for telling engine memory from Node's. */
  baseRssMb: number;
  note?: string;
  [extra: string]: number | string | undefined;
}

export interface BenchArgs {
  json: boolean;
  help: boolean;
  list: boolean;
  only: string[];
  /** Internal: run one scenario in this process and print its row as JSON. */
  child?: string;
  /** Run children under the tsx loader even when esbuild is available. */
  tsx: boolean;
}

export class BenchArgError extends Error {}

export function parseBenchArgs(argv: readonly string[], names: readonly string[]): BenchArgs {
  const out: BenchArgs = { json: false, help: false, list: false, only: [], tsx: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new BenchArgError(`${flag}: missing value`);
      return v;
    };
    switch (flag) {
      case '--json':
        out.json = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--list':
        out.list = true;
        break;
      case '--tsx':
        out.tsx = true;
        break;
      case '--only':
        for (const n of value().split(',')) {
          if (!names.includes(n))
            throw new BenchArgError(`--only: unknown scenario "${n}" (one of ${names.join(', ')})`);
          out.only.push(n);
        }
        break;
      case '--child':
        out.child = value();
        if (!names.includes(out.child)) throw new BenchArgError(`--child: unknown scenario "${out.child}"`);
        break;
      default:
        throw new BenchArgError(`${flag}: unknown flag (see --help)`);
    }
  }
  return out;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Runs one scenario here and now; the figures of one row. */
export function measure(s: BenchScenario): BenchResult {
  const baseRssMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const r = s.run();
  const elapsedMs = performance.now() - t0;
  const wallMs = r.wallMs ?? elapsedMs;
  // maxRSS is in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    name: s.name,
    users: s.users,
    simSeconds: round(r.simSeconds, 3),
    wallMs: round(wallMs, 1),
    events: r.events,
    eventsPerS: Math.round(r.events / (wallMs / 1000)),
    realTimeFactor: round(r.simSeconds / (wallMs / 1000), 2),
    peakRssMb: round(peakRssMb, 1),
    baseRssMb: round(baseRssMb, 1),
    ...(s.note ? { note: s.note } : {}),
    ...r.extra,
  };
}

interface ChildCommand {
  args: (name: string) => string[];
  runtime: string;
  cleanup: () => void;
}

/** Bundles this file for plain `node`; falls back to the tsx loader. */
async function childCommand(self: string, forceTsx: boolean): Promise<ChildCommand> {
  const viaTsx: ChildCommand = {
    args: (name) => ['--import', 'tsx', self, '--child', name],
    runtime: `node ${process.version} --import tsx`,
    cleanup: () => {},
  };
  if (forceTsx) return viaTsx;
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return viaTsx;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-bench-'));
  const outfile = join(dir, 'bench.mjs');
  try {
    await esbuild.build({
      entryPoints: [self],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['esbuild'],
      logLevel: 'silent',
      // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
  } catch {
    // A bundling problem should not stop the bench; the tsx loader runs the same code.
    rmSync(dir, { recursive: true, force: true });
    return viaTsx;
  }
  return {
    args: (name) => [outfile, '--child', name],
    runtime: `node ${process.version} (esbuild bundle)`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

type ChildOutcome = { ok: true; row: BenchResult } | { ok: false; failure: { name: string; error: string } };

function runChild(cmd: ChildCommand, name: string): ChildOutcome {
  const r = spawnSync(process.execPath, cmd.args(name), {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 16 * MB,
  });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status === 0 && last.startsWith('{')) return { ok: true, row: JSON.parse(last) as BenchResult };
  const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.status}`);
  const stderr = (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
  return { ok: false, failure: { name, error: `${why}${stderr ? `: ${stderr}` : ''}` } };
}

/**
 * Bytes of peak RSS per extra user, from two sizes of the same strategy: the fixed base (runtime,
 * code, buffers) cancels out.
 */
export function memoryPerUser(
  results: BenchResult[],
  scenarios: BenchScenario[],
): { strategy: string; bytesPerUser: number; from: string }[] {
  const out: { strategy: string; bytesPerUser: number; from: string }[] = [];
  const byStrategy = new Map<string, BenchResult[]>();
  for (const r of results) {
    const strategy = scenarios.find((s) => s.name === r.name)?.strategy;
    if (strategy) byStrategy.set(strategy, [...(byStrategy.get(strategy) ?? []), r]);
  }
  for (const [strategy, rows] of byStrategy) {
    if (rows.length < 2) continue;
    const sorted = [...rows].sort((x, y) => x.users - y.users);
    const small = sorted[0]!;
    const big = sorted[sorted.length - 1]!;
    if (big.users === small.users) continue;
    const bytes = ((big.peakRssMb - small.peakRssMb) * MB) / (big.users - small.users);
    out.push({ strategy, bytesPerUser: Math.round(bytes), from: `${small.name} → ${big.name}` });
  }
  return out;
}

function table(results: BenchResult[]): string {
  const cols: [string, (r: BenchResult) => string][] = [
    ['name', (r) => r.name],
    ['users', (r) => r.users.toLocaleString('en-US')],
    ['sim s', (r) => String(r.simSeconds)],
    ['wall ms', (r) => r.wallMs.toFixed(0)],
    ['events', (r) => r.events.toLocaleString('en-US')],
    ['M events/s', (r) => (r.eventsPerS / 1e6).toFixed(2)],
    ['× real time', (r) => r.realTimeFactor.toFixed(1)],
    ['peak RSS MB', (r) => r.peakRssMb.toFixed(0)],
  ];
  const cells = [cols.map((c) => c[0]), ...results.map((r) => cols.map((c) => c[1](r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

const USAGE = `Usage: npm run --silent bench -- [--json] [--only NAME[,NAME]] [--list]

Runs each benchmark scenario in a fresh Node process and reports events/s, real-time factor
(simulated s per wall s) and peak RSS. --json prints { "results": [...] } on stdout.

Scenarios:
${BENCH_SCENARIOS.map((s) => `  ${s.name.padEnd(24)}${s.note ?? ''}`).join('\n')}`;

/** Runs the command; `entry` is bench.ts's own path, which the children re-run with `--child`. */
export async function main(argv: readonly string[], entry: string): Promise<number> {
  const names = BENCH_SCENARIOS.map((s) => s.name);
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv, names);
  } catch (e) {
    if (!(e instanceof BenchArgError)) throw e;
    process.stderr.write(`${PROG}: ${e.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.list) {
    process.stdout.write(`${names.join('\n')}\n`);
    return 0;
  }
  if (args.child) {
    process.stdout.write(`${JSON.stringify(measure(BENCH_SCENARIOS.find((s) => s.name === args.child)!))}\n`);
    return 0;
  }

  const chosen =
    args.only.length > 0 ? BENCH_SCENARIOS.filter((s) => args.only.includes(s.name)) : BENCH_SCENARIOS;
  const cmd = await childCommand(entry, args.tsx);
  const results: BenchResult[] = [];
  const failures: { name: string; error: string }[] = [];
  try {
    for (const s of chosen) {
      process.stderr.write(`${PROG}: ${s.name}…\n`);
      const r = runChild(cmd, s.name);
      if (r.ok) results.push(r.row);
      else {
        failures.push(r.failure);
        process.stderr.write(`${PROG}: ${s.name} failed: ${r.failure.error}\n`);
      }
    }
  } finally {
    cmd.cleanup();
  }
  const environment = { runtime: cmd.runtime, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
  const memory = memoryPerUser(results, BENCH_SCENARIOS);
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ results, memory, environment, ...(failures.length ? { failures } : {}) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${table(results)}\n\n`);
    for (const r of results) if (r.note) process.stdout.write(`${r.name}: ${r.note}\n`);
    const ref = results.find((r) => r.name === 'reference-poll-db');
    if (ref)
      process.stdout.write(
        `\nreference-poll-db mean response ${ref.meanResponseMs} ms (M/M/c predicts ${ref.expectedMeanResponseMs} ms)\n`,
      );
    for (const m of memory)
      process.stdout.write(`memory per user, ${m.strategy}: ${m.bytesPerUser} B (${m.from})\n`);
    process.stdout.write(`${environment.runtime}, ${environment.cores} × ${environment.cpu}\n`);
    for (const f of failures) process.stdout.write(`FAILED ${f.name}: ${f.error}\n`);
  }
  return failures.length > 0 ? 1 : 0;
}
