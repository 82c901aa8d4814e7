import { describe, expect, it } from 'vitest';
import { BenchArgError, measure, memoryPerUser, parseBenchArgs, type BenchResult } from './benchMain';
import { BENCH_SCENARIOS, dbConcurrencyFor, type BenchScenario } from './benchScenarios';

const NAMES = BENCH_SCENARIOS.map((s) => s.name);

describe('bench arguments', () => {
  it('parses --json, --only (comma list or repeated) and --list', () => {
    expect(
      parseBenchArgs(['--json', '--only', 'kernel-micro,polling-1m', '--only=reference-poll-db'], NAMES),
    ).toMatchObject({
      json: true,
      only: ['kernel-micro', 'polling-1m', 'reference-poll-db'],
    });
    expect(parseBenchArgs(['--list'], NAMES).list).toBe(true);
  });

  it('rejects unknown flags and scenario names', () => {
    expect(() => parseBenchArgs(['--fast'], NAMES)).toThrow(BenchArgError);
    expect(() => parseBenchArgs(['--only', 'nope'], NAMES)).toThrow(/--only: unknown scenario "nope"/);
    expect(() => parseBenchArgs(['--only'], NAMES)).toThrow(/missing value/);
  });
});

describe('bench scenarios', () => {
  it('include the scenarios DESIGN.md and issue 2 ask for', () => {
    expect(NAMES).toEqual(
      expect.arrayContaining([
        'kernel-micro',
        'reference-poll-db',
        'polling-1m',
        'modulo-hashing-100k',
        'consistent-hashing-100k',
        'pubsub-100k',
      ]),
    );
    expect(BENCH_SCENARIOS.find((s) => s.name === 'polling-1m')?.users).toBe(1_000_000);
  });

  it('feed the memory-per-user slope only from the plain rows of each strategy (100k and 1M users)', () => {
    const slopeRows = BENCH_SCENARIOS.filter((s) => s.strategy).map((s) => s.name);
    expect(slopeRows.sort()).toEqual(
      [
        'consistent-hashing-100k',
        'consistent-hashing-1m',
        'long-polling-1m',
        'modulo-hashing-100k',
        'modulo-hashing-1m',
        'polling-100k',
        'polling-1m',
        'pubsub-100k',
        'pubsub-1m',
      ].sort(),
    );
  });

  it('size the polling DB for the requested utilisation', () => {
    // 1M users / 10 s + 1M / 60 s writes = 116,667 queries/s × 1 ms = 116.7 busy connections.
    expect(dbConcurrencyFor(1_000_000, 10, 1, 1, 0.75)).toBe(156);
  });
});

describe('bench measurement', () => {
  it('reports every contract field, with eventsPerS and realTimeFactor derived from wallMs', () => {
    const fake: BenchScenario = {
      name: 'fake',
      users: 5,
      run: () => ({ simSeconds: 10, events: 2_000, wallMs: 500, extra: { check: 1 } }),
    };
    const r = measure(fake);
    expect(r).toMatchObject({
      name: 'fake',
      users: 5,
      simSeconds: 10,
      wallMs: 500,
      events: 2000,
      eventsPerS: 4000,
      realTimeFactor: 20,
      check: 1,
    });
    expect(r.peakRssMb).toBeGreaterThan(0);
  });

  it('estimates memory per user from two sizes of one strategy', () => {
    const row = (name: string, users: number, peakRssMb: number) =>
      ({ name, users, peakRssMb }) as BenchResult;
    const scenarios = [
      { name: 'a-small', users: 100_000, strategy: 'pubsub' },
      { name: 'a-big', users: 1_100_000, strategy: 'pubsub' },
    ] as BenchScenario[];
    const m = memoryPerUser([row('a-small', 100_000, 100), row('a-big', 1_100_000, 150)], scenarios);
    expect(m).toEqual([
      {
        strategy: 'pubsub',
        bytesPerUser: Math.round((50 * 1024 * 1024) / 1_000_000),
        from: 'a-small → a-big',
      },
    ]);
  });
});
