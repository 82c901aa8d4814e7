/**
 * The bench's fixed set of scenarios. Each runs in its own child process (see bench.ts) so its peak
 * RSS is its own.
 */
import { normalizeScenario, type Result, type ScenarioInput, type Strategy } from '../engine';
import { createSimulation } from '../engine';
import { runHeadless } from './headless';
import { KERNEL_MICRO, runKernelMicro } from './kernelMicro';
import { REFERENCE_POLL_DB, runReferencePollDb } from './referencePollDb';

export interface BenchRun {
  simSeconds: number;
  events: number;
  /** Wall time of the measured part when the runner times it itself (else the child times run()). */
  wallMs?: number;
  /** Scenario-specific figures (correctness checks such as the reference's mean response). */
  extra?: Record<string, number | string>;
}

export interface BenchScenario {
  name: string;
  users: number;
  /**
   * Set only on the plain per-strategy rows (100k and 1M users, same settings): the memory-per-user
   * slope pairs them, and a row with mechanisms on would skew it.
   */
  strategy?: Strategy;
  note?: string;
  run(): BenchRun;
}

/** DB connections that keep the DB about `rho` busy under a polling scenario's reads and writes. */
export function dbConcurrencyFor(
  users: number,
  pollIntervalS: number,
  msgsPerMin: number,
  queryMs: number,
  rho: number,
): number {
  const queriesPerS = users / pollIntervalS + (users * msgsPerMin) / 60;
  return Math.ceil((queriesPerS * queryMs) / 1000 / rho);
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function modelRun(
  input: ScenarioInput,
  extra: (r: Result) => Record<string, number | string>,
): () => BenchRun {
  return () => {
    const s = normalizeScenario(input);
    const r = runHeadless(s);
    return {
      simSeconds: s.durationS,
      events: r.engine.events,
      wallMs: r.engine.wallMs,
      extra: {
        latencyMeanMs: round(r.latencyMs.mean),
        latencyP99Ms: round(r.latencyMs.p99),
        deliveries: r.totals.deliveries,
        lostDeliveries: r.totals.lostDeliveries,
        ...extra(r),
      },
    };
  };
}

function polling(name: string, users: number): BenchScenario {
  const pollIntervalS = 10;
  const dbQueryMs = 1;
  const dbConcurrency = dbConcurrencyFor(users, pollIntervalS, 1, dbQueryMs, 0.75);
  const busy = ((users / pollIntervalS + users / 60) * dbQueryMs) / 1000 / dbConcurrency;
  return {
    name,
    users,
    strategy: 'polling',
    note: `poll every ${pollIntervalS} s, 60 s; dbConcurrency ${dbConcurrency} × dbQueryMs ${dbQueryMs} → DB ≈ ${Math.round(busy * 100)}% busy`,
    run: modelRun(
      { strategy: 'polling', users, pollIntervalS, durationS: 60, dbQueryMs, dbConcurrency },
      (r) => ({
        dbReadsPerS: Math.round(r.totals.dbReads / r.scenario.durationS),
        expectedDbReadsPerS: users / pollIntervalS,
        dbRejected: r.totals.dbRejected,
        latencyUnsampled: r.totals.latencyUnsampled,
      }),
    ),
  };
}

function push(strategy: Strategy, users: number, addServerAtS: number | null): BenchScenario {
  const size = users >= 1e6 ? `${users / 1e6}m` : `${users / 1e3}k`;
  const timeline = addServerAtS === null ? [] : [{ atS: addServerAtS, action: 'add-server' as const }];
  return {
    name: `${strategy}-${size}`,
    users,
    strategy,
    note: `60 s${addServerAtS === null ? '' : `, add-server at ${addServerAtS} s`}`,
    run: modelRun({ strategy, users, durationS: 60, timeline }, (r) => ({
      usersMoved: r.timeline[0]?.usersMoved ?? 0,
      reconnects: r.totals.reconnects,
    })),
  };
}

/**
 * The heaviest world the page's sliders reach (src/view/ui/LeftRail.tsx): a million users polling
 * once a minute, 60 messages a minute each, rooms of two. Its room log once took rooms × backlog
 * slots (686 MB RSS after 20 s); this row is there to watch `peakRssMb` and the engine's own
 * `memoryBytes` (what a rewind checkpoint copies).
 */
function worstMemory(): BenchScenario {
  const input: ScenarioInput = {
    strategy: 'polling',
    users: 1_000_000,
    pollIntervalS: 60,
    messagesPerUserPerMin: 60,
    roomSize: 2,
    durationS: 20,
  };
  return {
    name: 'memory-worst-slider',
    users: 1_000_000,
    note: 'memory row: polling, 1M users, poll every 60 s, 60 messages/min, rooms of 2 (slider extremes), 20 s; wallMs includes setup',
    run: () => {
      const s = normalizeScenario(input);
      const sim = createSimulation(s);
      let peakBytes = sim.memoryBytes();
      for (let t = 1; t <= s.durationS; t++) {
        sim.runUntil(t * 1_000_000 + (t === s.durationS ? 1 : 0));
        peakBytes = Math.max(peakBytes, sim.memoryBytes());
      }
      const r = sim.result();
      return {
        simSeconds: s.durationS,
        events: r.engine.events,
        extra: {
          engineMemoryMb: round(peakBytes / 1024 / 1024, 1),
          deliveries: r.totals.deliveries,
          latencyUnsampled: r.totals.latencyUnsampled,
          latencyUnrecorded: r.totals.latencyUnrecorded,
          sendsFailed: r.totals.sendsFailed,
        },
      };
    },
  };
}

export const BENCH_SCENARIOS: BenchScenario[] = [
  {
    name: 'kernel-micro',
    users: 0,
    note: `schedule+pop only, ${KERNEL_MICRO.pending} pending: half in ${KERNEL_MICRO.laneDelaysUs.length} fixed-delay lanes, half in the heap (exp delays), half the events from each; wallMs is the loop only`,
    run: () => {
      const r = runKernelMicro();
      return {
        simSeconds: r.simSeconds,
        events: r.events,
        wallMs: r.loopMs,
        extra: { heapShare: round(r.heapShare) },
      };
    },
  },
  {
    name: 'kernel-micro-model-mix',
    users: 0,
    // Measured on the model (100k users, every strategy): ~100k pending almost all in lanes, a heap
    // of 5–15 events on average, and 30–40% of the events coming off the heap.
    note: 'as kernel-micro but shaped like the HopScope model: 100 of the 100000 pending events in the heap, 35% of the events from it',
    run: () => {
      const r = runKernelMicro({ laneShare: 0.999, heapEventShare: 0.35 });
      return {
        simSeconds: r.simSeconds,
        events: r.events,
        wallMs: r.loopMs,
        extra: { heapShare: round(r.heapShare) },
      };
    },
  },
  {
    name: 'reference-poll-db',
    users: REFERENCE_POLL_DB.clients,
    note: 'DESIGN.md reference: 100k clients, P = 10 s, 16 workers + 8 DB connections at 70%, 5M events; wallMs includes setup',
    run: () => {
      const r = runReferencePollDb();
      return {
        simSeconds: r.simSeconds,
        events: r.events,
        extra: {
          meanResponseMs: round(r.meanResponseMs, 4),
          expectedMeanResponseMs: 5.7734,
          responses: r.responses,
          serverUtilisation: round(r.serverUtilisation, 4),
          dbUtilisation: round(r.dbUtilisation, 4),
        },
      };
    },
  },
  polling('polling-100k', 100_000),
  polling('polling-1m', 1_000_000),
  push('modulo-hashing', 100_000, 30),
  push('consistent-hashing', 100_000, 30),
  push('pubsub', 100_000, 30),
  push('modulo-hashing', 1_000_000, 30),
  push('consistent-hashing', 1_000_000, 30),
  push('pubsub', 1_000_000, null),
  push('long-polling', 1_000_000, null),
  worstMemory(),
  {
    name: 'guarantees-1m',
    users: 1_000_000,
    note: '60 s, sequence numbers + DB recovery + idempotent, add-server at 30 s (every mover reconnects and reads the DB)',
    run: modelRun(
      {
        strategy: 'consistent-hashing',
        users: 1_000_000,
        durationS: 60,
        sequenceNumbers: true,
        recovery: 'db',
        idempotent: true,
        timeline: [{ atS: 30, action: 'add-server' }],
      },
      (r) => ({
        recoveryReads: r.totals.recoveryReads,
        recoveredDeliveries: r.totals.recoveredDeliveries,
        duplicatesDropped: r.totals.duplicatesDropped,
        duplicateDeliveries: r.totals.duplicateDeliveries,
        orderViolations: r.totals.orderViolations,
      }),
    ),
  },
  {
    name: 'kafka-1m',
    users: 1_000_000,
    note: '60 s, Kafka-like broker (12 partitions, commit after processing every 5 s), crash-server at 30 s (replay)',
    run: modelRun(
      {
        strategy: 'pubsub',
        broker: 'kafka',
        users: 1_000_000,
        durationS: 60,
        timeline: [{ atS: 30, action: 'crash-server' }],
      },
      (r) => ({
        redeliveries: r.totals.redeliveries,
        duplicateDeliveries: r.totals.duplicateDeliveries,
        consumerLagMax: r.totals.consumerLagMax,
      }),
    ),
  },
  {
    name: 'kafka-log-recovery-1m',
    users: 1_000_000,
    note: '60 s, Kafka-like broker, sequence numbers + recovery from the log + idempotent, crash-server at 10 s (clients back by heartbeats, reading the broker, not the DB)',
    run: modelRun(
      {
        strategy: 'pubsub',
        broker: 'kafka',
        users: 1_000_000,
        durationS: 60,
        sequenceNumbers: true,
        recovery: 'log',
        idempotent: true,
        timeline: [{ atS: 10, action: 'crash-server' }],
      },
      (r) => ({
        recoveryReads: r.totals.recoveryReads,
        recoveredDeliveries: r.totals.recoveredDeliveries,
        dbReads: r.totals.dbReads,
        lostDeliveries: r.totals.lostDeliveries,
        duplicateDeliveries: r.totals.duplicateDeliveries,
      }),
    ),
  },
  // Liveness, capacity and deploys (issue 11).
  {
    name: 'crash-herd-1m',
    users: 1_000_000,
    note: 'pub/sub, 10 servers, crash-server at 10 s: 100k clients notice by heartbeats (25/20 s) and reconnect at once (reconnect: immediate) into accept queues; 60 s',
    run: modelRun(
      {
        strategy: 'pubsub',
        users: 1_000_000,
        servers: 10,
        reconnect: 'immediate',
        durationS: 60,
        timeline: [{ atS: 10, action: 'crash-server', server: 3 }],
      },
      (r) => ({
        reconnects: r.totals.reconnects,
        detectionMeanMs: round(r.totals.detectionMs.mean, 0),
        detectionMaxMs: round(r.totals.detectionMs.max, 0),
        connectQueueMax: r.totals.connectQueueMax,
        connectDropped: r.totals.connectDropped,
      }),
    ),
  },
  {
    name: 'rolling-deploy-1m',
    users: 1_000_000,
    note: 'pub/sub, 10 servers, deploy at 5 s, lame duck with drainGraceS 1 / drainCloseS 5 (so all 10 restart within the 60 s run)',
    run: modelRun(
      {
        strategy: 'pubsub',
        users: 1_000_000,
        servers: 10,
        drainGraceS: 1,
        drainCloseS: 5,
        durationS: 60,
        timeline: [{ atS: 5, action: 'deploy' }],
      },
      (r) => ({
        reconnects: r.totals.reconnects,
        usersMoved: r.timeline[0]?.usersMoved ?? 0,
        connectQueueMax: r.totals.connectQueueMax,
      }),
    ),
  },
];
