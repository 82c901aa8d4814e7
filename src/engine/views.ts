import { hashInt } from './core/hash';
import type { Broker } from './model/broker';
import type { Database } from './model/database';
import { NONE } from './model/servers';
import type { Coordinator } from './coordinator';
import type { Connections } from './mechanisms/connections';
import type { Delivery } from './mechanisms/delivery';
import type { ServerLeaves } from './mechanisms/drain';
import type { Heartbeats } from './mechanisms/heartbeats';
import type { Workload } from './mechanisms/workload';
import type { Meter } from './mechanisms/meter';
import type { Sequencing } from './mechanisms/sequencing';
import type { HashingStrategy } from './strategies/hashing';
import type { LongPollingStrategy } from './strategies/longPolling';
import type { PollingStrategy } from './strategies/polling';
import type { PubSubStrategy } from './strategies/pubsub';
import type { Strategy } from './strategies/strategy';
import type {
  ClusterView,
  KafkaView,
  ActionReport,
  LiveSnapshot,
  LivenessView,
  Result,
  RingView,
  SampleView,
  SeriesRow,
  ServerInfo,
  Totals,
} from './types';
import type { World } from './world';

/** Everything the read side looks at (the modules of one world). */
export interface ViewParts {
  w: World;
  db: Database;
  brokers: Broker[];
  /** The clients' sequence numbers (null unless `sequenceNumbers` is on with a push strategy). */
  seqs: Sequencing | null;
  strategy: Strategy;
  polling: PollingStrategy | null;
  longPolling: LongPollingStrategy | null;
  hashing: HashingStrategy | null;
  pubsub: PubSubStrategy | null;
  delivery: Delivery | null;
  coordinator: Coordinator;
  meter: Meter;
  sampleUsers: Uint32Array;
  connections: Connections;
  workload: Workload;
  heartbeats: Heartbeats;
  leaves: ServerLeaves;
}

/**
 * The read side: what the page and the Result show, built from the world's state without changing
 * it. Apart from the event handlers so a view can never perturb a run.
 */
export class Views {
  constructor(private readonly p: ViewParts) {}

  /**
   * Deliveries neither made nor lost yet, counted from the world's state (not from the other
   * counters): unread messages of polling clients, copies in flight or queued, buffered copies.
   */
  countPending(): number {
    const p = this.p;
    // With recovery or at-least-once a copy lost in transport is still to come (the client fetches
    // it, or it is sent again), so every delivery not yet made is pending.
    // (Log recovery counts what the broker's log no longer holds as lost.)
    if (p.w.recovers || p.w.resends)
      return p.w.t.expectedDeliveries - p.w.t.deliveries - p.w.t.lostDeliveries;
    return p.strategy.pending() + (p.delivery?.pending() ?? 0);
  }

  reportsNow(): ActionReport[] {
    const w = this.p.w;
    return w.reports.map((r, i) => ({
      ...r,
      reconnects: (w.reconnectsAtAction[i + 1] ?? w.t.reconnects) - w.reconnectsAtAction[i]!,
    }));
  }

  serverInfos(): ServerInfo[] {
    const w = this.p.w;
    const pool = w.pool;
    const lp = this.p.longPolling;
    const out: ServerInfo[] = [];
    for (let i = 0; i < pool.count; i++) {
      const info: ServerInfo = {
        id: i,
        state: pool.state[i]!,
        // Long polling: held requests are the server's connections.
        connections: w.push || lp !== null ? pool.conns[i]! : pool.lbPending[i]!,
        handledPerS: pool.handledLastS[i]!,
      };
      if (lp !== null) info.parked = lp.parked[i]!;
      out.push(info);
    }
    return out;
  }

  /** What the page shows now. Cheap: O(servers) plus a 5-second histogram merge once a second. */
  live(): LiveSnapshot {
    const { w, db, brokers, meter, coordinator } = this.p;
    const k = w.kernel;
    const s = w.scenario;
    const totals = { ...this.totalsNow(), pendingDeliveries: 0 };
    totals.pendingDeliveries = totals.expectedDeliveries - totals.deliveries - totals.lostDeliveries;
    return {
      nowUs: k.now,
      events: k.events,
      totals,
      servers: this.serverInfos(),
      connections: meter.openConnections(),
      db: {
        queue: db.queueLength,
        busy: db.busy,
        concurrency: s.dbConcurrency,
        utilization: meter.dbUtilLastS,
        capacityPerS: (s.dbConcurrency * 1000) / s.dbQueryMs,
      },
      broker: {
        queue: brokers.reduce((q, b) => q + b.queue, 0),
        utilization: Math.max(0, ...meter.brokerUtilLastS),
        capacityPerS: s.brokerCapacityPerS * s.brokerShards,
        ...this.brokerTally(),
        shards: brokers.map((b, i) => ({
          id: i,
          up: b.up,
          queue: b.queue,
          utilization: meter.brokerUtilLastS[i] ?? 0,
        })),
        ...this.clusterView(),
        ...this.kafkaView(),
      },
      recentLatency: w.metrics.recentLatency(),
      lastSecond: w.metrics.lastRow,
      migration: coordinator.migrationInfo(),
      timeline: this.reportsNow(),
      ringVersion: coordinator.ringVersion,
      liveness: this.liveness(),
    };
  }

  /** Totals with their nested figures copied (the live counters keep changing). */
  private totalsNow(): Totals {
    const w = this.p.w;
    return {
      ...w.t,
      detectionMs: { ...w.t.detectionMs },
      hottestShardShare: this.hottestShardShare(),
    };
  }

  /** Share of broker traffic on the busiest shard (set once the hot-rooms module counts it). */
  hottestShardShare(): number {
    return this.p.pubsub?.hottestShardShare() ?? 0;
  }

  /** Liveness, capacity and deploys, for the page. O(servers + traced users). */
  liveness(): LivenessView {
    const { w, connections, heartbeats, leaves, coordinator } = this.p;
    const k = w.kernel;
    const s = w.scenario;
    const pool = w.pool;
    const servers: LivenessView['servers'] = [];
    for (let i = 0; i < pool.count; i++) {
      const crashAt = heartbeats.crashAtUs[i]!;
      const unnoticed = heartbeats.unnoticedBy[i]!;
      servers.push({
        id: i,
        acceptQueue: connections.accept.queueLength(i, k.now),
        listenBacklog: s.listenBacklog,
        maxConnections: s.maxConnectionsPerServer,
        accepting: pool.state[i] === 'up' && pool.accepting[i] === true,
        clientsUnnoticed: unnoticed,
        detectionDeadlineS:
          pool.state[i] === 'crashed' && unnoticed > 0 && crashAt >= 0
            ? (crashAt + (s.heartbeatIntervalS + s.heartbeatTimeoutS) * 1e6) / 1e6
            : null,
      });
    }
    const traced: number[] = [];
    const unnoticedTraced: number[] = [];
    if (w.traceStride > 0 && w.push)
      for (let u = 0; u < w.users; u += w.traceStride) {
        traced.push(u);
        unnoticedTraced.push(heartbeats.unnoticed[u]!);
      }
    return {
      servers,
      leaving: leaves.infos(),
      deploy: coordinator.deployInfo(),
      reconnectSeries: connections.policy.series(k.now),
      tracedUsers: traced,
      tracedUnnoticed: unnoticedTraced,
      outputBuffers: this.p.pubsub?.backpressure?.fill(pool.count, k.now) ?? [],
      hotRoom: this.hotRoom(),
    };
  }

  /** The hottest room (Zipf popularity) and its broker shard's load. */
  private hotRoom(): LivenessView['hotRoom'] {
    const { w, workload, pubsub } = this.p;
    const expected = workload.popularity.hottestRoomShare();
    if (expected === null) return null;
    const sent = w.t.messagesSent;
    const traffic = pubsub !== null ? Array.from(pubsub.shardTraffic) : [];
    return {
      room: 0,
      firstUser: 0,
      members: w.membersOf(0),
      expectedShare: expected,
      messageShare: sent > 0 ? w.roomSeq[0]! / sent : 0,
      shard: pubsub !== null ? pubsub.shardOfTopic(0) : -1,
      shardTraffic: traffic,
    };
  }

  private kafkaView(): { kafka?: KafkaView } {
    const log = this.p.pubsub?.kafka ?? null;
    if (log === null) return {};
    const servers = this.p.w.pool.count;
    return {
      kafka: {
        end: Array.from(log.end),
        committed: Array.from(log.committed),
        processed: Array.from(log.processed),
        owner: Array.from(log.owner),
        consumerLag: Array.from(log.lag.subarray(0, servers)),
        lostRecords: log.lostRecords,
        replayedCopies: log.replayedCopies,
      },
    };
  }

  private clusterView(): { cluster?: ClusterView } {
    const c = this.p.pubsub?.cluster ?? null;
    if (c === null) return {};
    return {
      cluster: {
        replicas: c.replicas,
        mode: c.mode,
        busPerPublish: c.busPerPublish,
        slotStart: c.slotRanges(),
        busSent: Array.from(c.busSent),
      },
    };
  }

  private tallyS = -1;
  private tallied = { topics: 0, subscriptions: 0 };

  /** The broker's topic and subscription counts, recounted at most once a simulated second. */
  private brokerTally(): { topics: number; subscriptions: number } {
    const { pubsub, w } = this.p;
    if (pubsub === null) return { topics: 0, subscriptions: 0 };
    const s = Math.floor(w.kernel.now / 1e6);
    if (s !== this.tallyS) {
      this.tallyS = s;
      this.tallied = pubsub.tally();
    }
    return { ...this.tallied };
  }

  /** The routing view for drawing the ring (or modulo buckets). */
  ringView(): RingView {
    const { coordinator, hashing } = this.p;
    const pl = coordinator.routingPlacement();
    const ring = pl.ring;
    return {
      version: coordinator.ringVersion,
      kind: ring !== null ? 'ring' : hashing !== null ? 'modulo' : 'none',
      servers: [...pl.members],
      points: ring !== null ? ring.points.slice() : new Uint32Array(0),
      owners: ring !== null ? ring.owners.slice() : new Uint16Array(0),
    };
  }

  /** A deterministic sample of users: hash, owner, connection, moved at the last change. */
  sampleView(): SampleView {
    const { w, hashing, sampleUsers, coordinator } = this.p;
    const n = sampleUsers.length;
    const hashes = new Uint32Array(n);
    const owners = new Uint16Array(n).fill(NONE);
    const connectedTo = new Uint16Array(n).fill(NONE);
    for (let i = 0; i < n; i++) {
      const u = sampleUsers[i]!;
      if (hashing !== null) {
        hashes[i] = hashing.hash[u]!;
        owners[i] = hashing.connectTarget(u);
      } else hashes[i] = hashInt(u, 0x5eed);
      if (w.push) connectedTo[i] = w.conn[u]!;
    }
    return {
      users: sampleUsers.slice(),
      hashes,
      owners,
      connectedTo,
      moved: coordinator.sampleMoved.slice(),
      usersPerSample: w.users / Math.max(1, n),
    };
  }

  series(): SeriesRow[] {
    return this.p.w.metrics.rows();
  }

  result(wallMs: number): Result {
    const w = this.p.w;
    const totals: Totals = { ...this.totalsNow(), pendingDeliveries: this.countPending() };
    return {
      scenario: w.scenario,
      totals,
      latencyMs: w.metrics.latencySummaryMs(),
      servers: this.serverInfos()
        .filter((s) => s.state !== 'removed')
        .map((s) => ({ id: s.id, connections: s.connections, state: s.state })),
      timeline: this.reportsNow(),
      series: w.metrics.rows(),
      engine: { events: w.kernel.events, wallMs },
    };
  }

  dbStats(): {
    utilization: number;
    meanQueue: number;
    meanWaitUs: number;
    served: number;
    rejected: number;
  } {
    const { w, db } = this.p;
    db.account();
    const T = Math.max(1, w.kernel.now);
    return {
      utilization: db.busyAreaUs / (T * db.concurrency),
      meanQueue: db.queueAreaUs / T,
      meanWaitUs: db.started > 0 ? db.waitSumUs / db.started : 0,
      served: db.started,
      rejected: db.rejected,
    };
  }

  memoryBytes(): number {
    const p = this.p;
    return (
      p.w.memoryBytes() +
      p.db.bytes +
      p.strategy.memoryBytes() +
      (p.delivery?.memoryBytes() ?? 0) +
      (p.seqs?.memoryBytes() ?? 0) +
      p.heartbeats.memoryBytes() +
      p.workload.popularity.memoryBytes() +
      p.connections.policy.attempts.byteLength
    );
  }
}
