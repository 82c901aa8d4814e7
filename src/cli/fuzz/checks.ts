/**
 * The invariants every fuzzed run must keep, as one list of named checks. Each returns null when
 * it holds, or one line saying what broke. Add a check by appending to FUZZ_CHECKS (the engine's
 * "settled invariants" plug in here: they get the finished simulation in `sim`).
 */
import { KAFKA_LOG_BUDGET_BYTES } from '../../engine/mechanisms/kafka';
import { ROOM_LOG_BUDGET_BYTES } from '../../engine/model/roomLog';
import { settleTimeS } from '../../engine/settled';
import type { Simulation } from '../../engine/simulation';
import type { Scenario } from '../../engine/scenario';
import type { Result, Totals } from '../../engine/types';
import { ORACLE_CHECKS } from './oracle';

export interface RunEvidence {
  scenario: Scenario;
  /** Simulated µs the run reached (the scenario's end, or earlier when the wall guard stopped it). */
  endUs: number;
  /** The run, read at `endUs`. */
  result: Result;
  /** The same run read at intermediate instants. */
  samples: { atUs: number; totals: Totals }[];
  /** A fresh run of the same scenario to `endUs`. */
  rerun: Result;
  /** A deep copy of the re-run taken half-way (rewind's checkpoint), run on to `endUs`. */
  fromCheckpoint: Result;
  /** Engine bytes at the end (`Simulation.memoryBytes()`). */
  memoryBytes: number;
  /** The finished simulation, for checks that look at the world itself. */
  sim: Simulation;
}

export interface FuzzCheck {
  name: string;
  check(e: RunEvidence): string | null;
}

/** First path where two plain values differ (NaN equals NaN), or null. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${path || '(root)'}: ${String(a)} ≠ ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (Array.isArray(a) && ka.length !== kb.length) return `${path}.length: ${ka.length} ≠ ${kb.length}`;
  for (const k of new Set([...ka, ...kb])) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d) return d;
  }
  return null;
}

/** Every number in a value, with its path. */
function* numbers(v: unknown, path = ''): Generator<[string, number]> {
  if (typeof v === 'number') yield [path, v];
  else if (ArrayBuffer.isView(v)) {
    const arr = v as unknown as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) yield [`${path}[${i}]`, Number(arr[i])];
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) yield* numbers(x, path ? `${path}.${k}` : k);
}

const withoutWall = (r: Result): Result => ({ ...r, engine: { ...r.engine, wallMs: 0 } });

/**
 * Bytes the copies on their way may take (Little's law): copies a second, times the seconds one
 * spends travelling (the mean trip, or the whole run if shorter), at 33 bytes a kernel event and
 * twice that for a lane's doubling. Push strategies only (a polling client keeps at most six polls
 * open, inside the per-user allowance). It does not grow with the run's length: a world whose
 * trip is 10 s long at 17 million copies a second (fuzz seed 1127) holds that many in flight.
 */
export function inFlightAllowanceBytes(s: Scenario): number {
  if (s.strategy === 'polling') return 0;
  const sendsPerS = Math.min(
    (s.users * s.messagesPerUserPerMin) / 60,
    (s.dbConcurrency * 1000) / s.dbQueryMs,
  );
  const copiesPerS = sendsPerS * Math.max(0, s.roomSize - 1);
  const tripS = (2 * s.networkRttMs + s.clientRttMs + 2 * s.serverProcessingMs) / 1000;
  return copiesPerS * Math.min(s.durationS, tripS) * 66;
}

/**
 * Bytes a world may hold: a per-user allowance (measured use is 12–75 B a user at 100K users),
 * the bounded queues at their limits, the ring's points, the copies in flight, the logs' own byte
 * budgets (fuzz seed 2844: a 30 MB recovery log beside a 13 MB Kafka log), and a fixed allowance. Above it, some buffer grows without the bound DESIGN.md promises.
 */
export function memoryBudgetBytes(s: Scenario): number {
  const serversEver = s.servers + s.timeline.filter((e) => e.action === 'add-server').length;
  // Stores with byte budgets of their own: the room log (polling's, or the recovery log of
  // sequence numbers with recovery) and the Kafka-like log (its 64 bytes a user are in the 256).
  const roomLog =
    s.strategy === 'polling' || (s.sequenceNumbers && s.recovery !== 'none') ? ROOM_LOG_BUDGET_BYTES : 0;
  const kafkaLog = s.strategy === 'pubsub' && s.broker === 'kafka' ? KAFKA_LOG_BUDGET_BYTES : 0;
  return (
    s.users * 256 +
    (s.dbMaxQueue + s.brokerMaxQueue * s.brokerShards) * 64 +
    serversEver * s.vnodes * 16 +
    inFlightAllowanceBytes(s) +
    roomLog +
    kafkaLog +
    32 * 1024 * 1024
  );
}

export const FUZZ_CHECKS: FuzzCheck[] = [
  {
    name: 'finite',
    check: ({ result }) => {
      for (const [path, v] of numbers({ ...result, scenario: undefined }))
        if (!Number.isFinite(v)) return `${path} = ${v}`;
      return null;
    },
  },
  {
    name: 'counts non-negative',
    check: ({ result }) => {
      for (const [k, v] of Object.entries(result.totals)) if (v < 0) return `totals.${k} = ${v}`;
      for (const row of result.series)
        for (const [k, v] of Object.entries(row))
          if (typeof v === 'number' && v < 0) return `series[${row.tS}].${k} = ${v}`;
      return null;
    },
  },
  {
    name: 'conservation',
    check: ({ samples, result, endUs }) => {
      for (const { atUs, totals: t } of [...samples, { atUs: endUs, totals: result.totals }]) {
        const sum = t.deliveries + t.lostDeliveries + t.pendingDeliveries;
        if (sum !== t.expectedDeliveries)
          return `at ${atUs / 1e6} s: delivered ${t.deliveries} + lost ${t.lostDeliveries} + pending ${t.pendingDeliveries} = ${sum} ≠ expected ${t.expectedDeliveries}`;
      }
      return null;
    },
  },
  {
    name: 'totals never go back',
    check: ({ samples, result, endUs }) => {
      const seq = [...samples, { atUs: endUs, totals: result.totals }];
      const cumulative: (keyof Totals)[] = [
        'messagesSent',
        'expectedDeliveries',
        'deliveries',
        'lostDeliveries',
        'dbReads',
        'dbWrites',
        'polls',
        'connects',
        'reconnects',
      ];
      for (let i = 1; i < seq.length; i++)
        for (const k of cumulative)
          if (seq[i]!.totals[k] < seq[i - 1]!.totals[k])
            return `${k} fell from ${seq[i - 1]!.totals[k]} to ${seq[i]!.totals[k]} at ${seq[i]!.atUs / 1e6} s`;
      return null;
    },
  },
  {
    name: 'latency percentiles ordered',
    check: ({ result }) => {
      const l = result.latencyMs;
      if (!(l.p50 <= l.p95 && l.p95 <= l.p99)) return `p50 ${l.p50}, p95 ${l.p95}, p99 ${l.p99}`;
      // HdrHistogram reports a bucket's upper end: p99 may exceed the exact max by 0.1 %.
      if (l.p99 > l.max * 1.001 + 1e-3) return `p99 ${l.p99} > max ${l.max}`;
      return null;
    },
  },
  {
    name: 'one series row per simulated second',
    check: ({ result, endUs }) => {
      const want = Math.floor(endUs / 1e6);
      const got = result.series.map((r) => r.tS);
      if (got.length !== want) return `${got.length} rows for ${endUs / 1e6} s`;
      const bad = got.findIndex((t, i) => t !== i);
      return bad < 0 ? null : `row ${bad} has tS ${got[bad]}`;
    },
  },
  {
    name: 'determinism',
    check: ({ result, rerun }) => firstDifference(withoutWall(result), withoutWall(rerun)),
  },
  {
    name: 'checkpoint replays exactly',
    check: ({ result, fromCheckpoint }) => firstDifference(withoutWall(result), withoutWall(fromCheckpoint)),
  },
  {
    // The engine's settled invariants (every up server a member, every connected user on its
    // owner, nobody retrying forever, nothing left draining), once the last server action has had
    // time to finish; runs that end sooner have nothing to check.
    name: 'settled after the last action',
    check: ({ sim, scenario, endUs }) => {
      const changes = scenario.timeline.filter(
        (e) => e.action !== 'crash-broker' && e.action !== 'recover-broker',
      );
      const lastS = changes.reduce((m, e) => Math.max(m, e.atS), 0);
      if (endUs / 1e6 < lastS + settleTimeS(scenario, changes.length)) return null;
      const r = sim.settledCheck();
      return r.ok ? null : r.violations.map((v) => `${v.invariant}: ${v.message}`).join('; ');
    },
  },
  {
    name: 'memory under budget',
    check: ({ memoryBytes, scenario }) => {
      const budget = memoryBudgetBytes(scenario);
      return memoryBytes <= budget
        ? null
        : `${(memoryBytes / 1e6).toFixed(1)} MB > budget ${(budget / 1e6).toFixed(1)} MB`;
    },
  },
  // The delivery-guarantee accounting, from the scenario's switches and the committed messages.
  ...ORACLE_CHECKS,
];
