import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './simMain';

/** A stream that keeps what is written to it. */
class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function runInProcess(argv: string[]): { code: number; out: string; err: string } {
  const out = new Sink();
  const err = new Sink();
  const code = main(argv, out, err);
  return { code, out: out.text, err: err.text };
}

const dir = mkdtempSync(join(tmpdir(), 'hopscope-sim-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The Result contract of DESIGN.md, field by field. */
const TOTALS = [
  'messagesSent',
  'expectedDeliveries',
  'deliveries',
  'lostDeliveries',
  'pendingDeliveries',
  'duplicateDeliveries',
  'dbReads',
  'dbWrites',
  'dbRejected',
  'polls',
  'emptyPolls',
  'connects',
  'reconnects',
];
const SERIES = [
  'tS',
  'dbReads',
  'dbWrites',
  'polls',
  'deliveries',
  'reconnects',
  'latencyP50Ms',
  'latencyP99Ms',
];

type Json = Record<string, unknown>;
function expectResultContract(r: Json, durationS: number): void {
  expect(Object.keys(r)).toEqual(
    expect.arrayContaining(['scenario', 'totals', 'latencyMs', 'servers', 'timeline', 'series', 'engine']),
  );
  const totals = r.totals as Record<string, number>;
  for (const k of TOTALS) expect(typeof totals[k], `totals.${k}`).toBe('number');
  expect(totals.expectedDeliveries).toBe(
    totals.deliveries! + totals.lostDeliveries! + totals.pendingDeliveries!,
  );
  const latency = r.latencyMs as Record<string, number>;
  for (const k of ['mean', 'p50', 'p95', 'p99', 'max'])
    expect(typeof latency[k], `latencyMs.${k}`).toBe('number');
  const servers = r.servers as Json[];
  expect(servers.length).toBeGreaterThan(0);
  for (const s of servers) expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'connections']));
  for (const t of r.timeline as Json[]) {
    expect(Object.keys(t)).toEqual(
      expect.arrayContaining(['atS', 'action', 'server', 'usersMoved', 'reconnects']),
    );
  }
  const series = r.series as Json[];
  // One row per simulated second, tS = 0 … durationS − 1.
  expect(series.map((row) => row.tS)).toEqual([...Array(durationS).keys()]);
  for (const row of series) expect(Object.keys(row)).toEqual(expect.arrayContaining(SERIES));
  const engine = r.engine as Record<string, number>;
  expect(engine.events).toBeGreaterThan(0);
  expect(engine.wallMs).toBeGreaterThan(0);
}

describe('sim command (in process)', () => {
  const badJson = file('bad.json', '{"users": 10,');
  const unknownField = file('unknown.json', '{"users": 10, "colour": "blue"}');
  const good = file('good.json', '{"strategy": "modulo-hashing", "users": 100, "servers": 2}');

  it.each([
    ['an unknown flag', ['--colour', 'blue'], /^hopscope sim: --colour: unknown flag/],
    ['an unknown strategy', ['--strategy', 'smoke-signals'], /^hopscope sim: strategy: /],
    ['negative users', ['--users', '-5'], /^hopscope sim: users: Too small: expected number to be >=1$/],
    ['a number with junk', ['--users', '12abc'], /^hopscope sim: users: expected a number, got "12abc"$/],
    ['malformed JSON', ['--scenario', badJson], /^hopscope sim: scenario: .*bad\.json is not valid JSON/],
    [
      'a missing file',
      ['--scenario', join(dir, 'nope.json')],
      /^hopscope sim: scenario: cannot read .*nope\.json: no such file$/,
    ],
    ['an unknown field in the file', ['--scenario', unknownField], /^hopscope sim: colour: unknown field$/],
    ['a bad --at', ['--at', '60:explode'], /^hopscope sim: at: unknown action "explode"/],
    ['a bad --at form', ['--at', 'sixty'], /^hopscope sim: at: "sixty" is not SECONDS:ACTION/],
  ])('rejects %s with exit 2, one line naming the field, nothing on stdout', (_what, argv, message) => {
    const r = runInProcess(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trimEnd()).toMatch(message);
    expect(r.err.trimEnd()).not.toContain('\n');
  });

  it('runs a small scenario from a file with flag overrides and --at, answering every Result field', () => {
    const r = runInProcess(['--scenario', good, '--users', '200', '--duration', '4', '--at', '2:add-server']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).not.toContain('\n');
    const result = JSON.parse(r.out) as Json;
    expectResultContract(result, 4);
    expect(result.scenario).toMatchObject({
      strategy: 'modulo-hashing',
      users: 200,
      servers: 2,
      durationS: 4,
    });
    expect(result.timeline).toEqual([expect.objectContaining({ atS: 2, action: 'add-server' })]);
  });

  const STRATEGIES = ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub', 'long-polling'];
  const ACTIONS = ['add-server', 'remove-server', 'crash-server:1'];
  it.each(STRATEGIES.flatMap((st) => ACTIONS.map((a) => [st, a])))(
    'answers the whole Result contract for %s with --at 2:%s',
    (strategy, action) => {
      const r = runInProcess([
        '--strategy',
        strategy!,
        '--users',
        '300',
        '--duration',
        '6',
        '--at',
        `2:${action}`,
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as Json;
      expectResultContract(result, 6);
      const [kind, server] = action!.split(':');
      expect(result.timeline).toEqual([expect.objectContaining({ atS: 2, action: kind })]);
      if (server !== undefined) expect((result.timeline as Json[])[0]!.server).toBe(Number(server));
    },
  );

  it('prints usage for --help and exits 0', () => {
    const r = runInProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: npm run --silent sim');
    expect(r.err).toBe('');
  });
});

/** Spawns the real entry point the way `npm run sim` does (tsx), collecting its streams. */
function spawnSim(argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/sim.ts', ...argv], {
      cwd: process.cwd(),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('sim command (as a process)', () => {
  // Spawned together: each process pays the tsx start-up once, and they overlap.
  const runs = Promise.all([
    spawnSim(['--users', '-5']),
    spawnSim(['--scenario', join(dir, 'missing.json')]),
    spawnSim(['--strategy', 'carrier-pigeon']),
    spawnSim(['--users', '100', '--duration', '5']),
  ]);

  it('exits 2 on bad input with one stderr line, no stack trace, nothing on stdout', async () => {
    const [negative, missing, strategy] = await runs;
    for (const [r, field] of [
      [negative!, 'users'],
      [missing!, 'scenario'],
      [strategy!, 'strategy'],
    ] as const) {
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.startsWith(`hopscope sim: ${field}: `)).toBe(true);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });

  it('prints exactly one Result JSON for a small run (users 100, duration 5)', async () => {
    const [, , , ok] = await runs;
    expect(ok!.err).toBe('');
    expect(ok!.code).toBe(0);
    expect(ok!.out.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(ok!.out) as Json;
    expectResultContract(result, 5);
    expect(result.scenario).toMatchObject({ strategy: 'polling', users: 100, durationS: 5 });
  });
});
