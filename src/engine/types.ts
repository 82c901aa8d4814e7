import type { ActionKind, Scenario } from './scenario';

/** Message kinds of traced hops, one colour each in the view (UI.md). */
export const MsgKind = {
  /** Client → server → DB poll request. */
  Poll: 0,
  /** DB → server → client poll response. */
  PollResponse: 1,
  /** A chat message on its way to the DB (client → server → chat service → DB). */
  Write: 2,
  /** A push on its way to a client (server → client, chat service → owner server). */
  Push: 3,
  /** Chat service → broker publish. */
  Publish: 4,
  /** Broker → endpoint server fan-out. */
  Fanout: 5,
  /** Connect, redirect and reconnect traffic. */
  Connect: 6,
  /** Coordination-service traffic (membership changes, migration steps). */
  Coord: 7,
  /** A message that was dropped at `to` (shown as a loss). */
  Loss: 8,
  /** A copy the client already had (sequence numbers): dropped if idempotent, else seen twice. A mark at the client. */
  Duplicate: 9,
  /** A client noticed a gap in its room's sequence numbers. A mark at the client. */
  Gap: 10,
  /** A recovery fetch (`seq > last_seen`): client → DB, and its answer DB → client. */
  Recovery: 11,
  /** A heartbeat ping on a traced connection (server → client). */
  Heartbeat: 12,
} as const;
export type MsgKind = (typeof MsgKind)[keyof typeof MsgKind];

/** Node ids used in trace records; servers are `NodeId.ServerBase + serverId`. */
export const NodeId = {
  Client: 0,
  Lb: 1,
  Db: 2,
  Chat: 3,
  Coord: 4,
  Broker: 5,
  ServerBase: 16,
} as const;

/**
 * Trace records are packed in a Float64Array, {@link TRACE_STRIDE} numbers each:
 * `[kind, from, to, sendUs, recvUs, user]` — `user` is the traced user's id (for client nodes).
 */
export const TRACE_STRIDE = 6;

export interface Totals {
  /** Messages committed by the DB (a rejected write is not sent; see `sendsFailed`). */
  messagesSent: number;
  /** Recipients of committed messages: Σ (members of the room − 1). */
  expectedDeliveries: number;
  deliveries: number;
  lostDeliveries: number;
  /** Deliveries not yet made nor lost (in flight, queued, or unread by a polling client). */
  pendingDeliveries: number;
  /** Extra copies a client discarded (dual-send during a consistent-hashing migration). */
  duplicateDeliveries: number;
  dbReads: number;
  dbWrites: number;
  dbRejected: number;
  polls: number;
  emptyPolls: number;
  /** Connections established (initial connections at t = 0 included). */
  connects: number;
  /** Reconnections started after a disconnect (one per disconnected user). */
  reconnects: number;
  redirects: number;
  /**
   * Sends the system turned away: the DB rejected the write, or the broker (full or down) the
   * message's publish. Shown next to lost deliveries, never silently dropped.
   */
  sendsFailed: number;
  brokerPublishes: number;
  brokerDeliveries: number;
  brokerDropped: number;
  /** Deliveries whose commit time had left the room's bounded log (counted, latency not recorded). */
  latencyUnrecorded: number;
  /**
   * Polling deliveries made without timing because their room is outside the room log's sample:
   * when the log cannot keep every room within its byte budget it keeps every k-th room, so the
   * latency figures come from that unbiased sample of rooms. Counts (deliveries, reads, empty
   * polls) are exact either way; 0 when every room is logged.
   */
  latencyUnsampled: number;
  /**
   * Copies a new owner could not keep for a moving user because the migration buffer was at its
   * byte budget; each is a lost delivery (also in `lostDeliveries`), as when one user's own
   * buffer is full.
   */
  bufferRefused: number;
  /**
   * First copies an idempotent client without recovery dropped as seen: they came more than 32
   * numbers behind the newest it had, past its bounded de-duplication window, so the application
   * never saw them. Each is a lost delivery (also in `lostDeliveries`), under at-least-once too.
   */
  dedupeWindowLost: number;
  /** Gaps a client detected: a sequence number arrived above the next one it expected (sequenceNumbers). */
  gapsDetected: number;
  /** Messages a client obtained by recovery (a DB read or the broker's log) rather than by push. */
  recoveredDeliveries: number;
  /** Recovery fetches made (`seq > last_seen` DB reads, or log reads). */
  recoveryReads: number;
  /** Copies resent: by at-least-once after an ack timeout, or replayed by a Kafka-like consumer. */
  redeliveries: number;
  /** Copies an idempotent client discarded by (room, seq); `duplicateDeliveries` are those the application saw. */
  duplicatesDropped: number;
  /** Messages the application saw after a higher sequence number of the same room. */
  orderViolations: number;
  /** Messages sent over the Redis Cluster bus (PUBLISH: to every other node; SPUBLISH: to replicas). */
  clusterBusMessages: number;
  /** Largest backlog of one Kafka-like consumer (endpoint server), in messages. */
  consumerLagMax: number;

  // ── Liveness, capacity and deploys (MECHANISMS.md; issue 11) ──
  /** Connection attempts a server at `maxConnectionsPerServer` refused (retries included). */
  connectionsRejected: number;
  /** Subscribers (endpoint servers) the broker cut off at an output-buffer limit. */
  bufferDisconnects: number;
  /** Longest accept queue seen on any server (never above `listenBacklog`). */
  connectQueueMax: number;
  /** Connection attempts dropped at a full listen backlog (each retried by TCP after 1 s, then 3 s). */
  connectDropped: number;
  /** Heartbeat detection delay of clients that noticed a dead server (crash to notice), ms. */
  detectionMs: { mean: number; max: number };
  /** Share of broker traffic (publishes + deliveries) on the busiest shard (0 with no traffic). */
  hottestShardShare: number;
}

/**
 * Byte budgets of the engine's stores that grow with rooms or messages (defaults in the stores'
 * modules). What a store cannot keep is counted in {@link Totals}, never silently dropped.
 */
export interface StoreBudgets {
  /** Polling's room log and the recovery log (commit times for timing reads); beyond it rooms are sampled. */
  roomLogBytes?: number;
  /** Consistent hashing's migration buffer; beyond it copies are refused and lost. */
  migrationBufferBytes?: number;
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ServerInfo {
  id: number;
  state: 'up' | 'draining' | 'crashed' | 'removed';
  /** Open client connections held now (polling: requests in flight). */
  connections: number;
  /** Requests + pushes handled in the last whole simulated second. */
  handledPerS: number;
  /** Long polling: requests parked here now, waiting for news or their hold timeout. */
  parked?: number;
}

export interface ActionReport {
  atS: number;
  action: ActionKind;
  server: number;
  /** Users whose owning server changed (hashing); users that had to reconnect (pub/sub). */
  usersMoved: number;
  /** Reconnects started from this action until the next action (or now). */
  reconnects: number;
  /** Endpoint servers up just before and just after the action (N and N ± 1 in the formulas). */
  serversBefore: number;
  serversAfter: number;
}

export interface SeriesRow {
  tS: number;
  dbReads: number;
  dbWrites: number;
  polls: number;
  deliveries: number;
  reconnects: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  emptyPolls: number;
  dbRejected: number;
  redirects: number;
  lostDeliveries: number;
  duplicateDeliveries: number;
  brokerMessages: number;
  connections: number;
}

export interface Result {
  scenario: Scenario;
  totals: Totals;
  latencyMs: LatencySummary;
  servers: { id: number; connections: number }[];
  timeline: ActionReport[];
  series: SeriesRow[];
  engine: { events: number; wallMs: number };
}

export interface MigrationInfo {
  phase: 'announced' | 'draining' | 'finalizing';
  movers: number;
  drained: number;
  oldServers: number[];
  newServers: number[];
}

/** What the page shows now; cheap to build (O(servers)). */
export interface LiveSnapshot {
  nowUs: number;
  events: number;
  totals: Totals;
  servers: ServerInfo[];
  /** Open client connections now (all servers). */
  connections: number;
  db: { queue: number; busy: number; concurrency: number; utilization: number; capacityPerS: number };
  /** All shards together (utilisation: the busiest shard's). */
  broker: {
    queue: number;
    utilization: number;
    capacityPerS: number;
    /** Topics with at least one subscription (pub/sub; refreshed once a simulated second). */
    topics: number;
    /** Server subscriptions to topics (pub/sub; refreshed once a simulated second). */
    subscriptions: number;
    shards?: { id: number; up: boolean; queue: number; utilization: number }[];
    /** Redis Cluster (`broker: "redis-cluster"`, pub/sub strategy only); absent otherwise. */
    cluster?: ClusterView;
    /** Kafka-like log (`broker: "kafka"`, pub/sub strategy only); absent otherwise. */
    kafka?: KafkaView;
  };
  /** Delivery latency over the last few simulated seconds. */
  recentLatency: { p50Ms: number; p99Ms: number; count: number; windowS: number };
  /** The last complete simulated second. */
  lastSecond: SeriesRow | null;
  migration: MigrationInfo | null;
  timeline: ActionReport[];
  /** Bumps whenever ring/membership changes (re-read `ringView`). */
  ringVersion: number;
  /** Liveness, capacity and deploys (issue 11). */
  liveness?: LivenessView;
}

/** Liveness, capacity and deploys as the page draws them (issue 11; MECHANISMS.md). */
export interface LivenessView {
  /** Per server (indexed by id, every server ever started). */
  servers: {
    id: number;
    /** Connections waiting in its accept queue now (`acceptPerS` sets them up one at a time). */
    acceptQueue: number;
    /** Queue length beyond which new attempts are dropped (`listenBacklog`). */
    listenBacklog: number;
    /** Its connection cap (`maxConnectionsPerServer`; 0 = none): draw it as a line on its bar. */
    maxConnections: number;
    /** False while it refuses new connections (leaving, restarting, crashed or gone). */
    accepting: boolean;
    /** Clients of its last crash that have not noticed yet (they go red one by one as they do). */
    clientsUnnoticed: number;
    /**
     * Crashed with clients yet to notice: simulated second by which the last of them will have
     * (crash + interval + timeout), for a countdown. Null otherwise.
     */
    detectionDeadlineS: number | null;
  }[];
  /** Servers leaving now (`remove-server` or a deploy's restart), with the clients they still hold. */
  leaving: {
    server: number;
    purpose: 'remove' | 'restart';
    phase: 'grace' | 'closing';
    clientsHeld: number;
    elapsedS: number;
  }[];
  /** The rolling deploy in progress: servers in turn, how many have started, deploys waiting. */
  deploy: { order: number[]; done: number; waiting: number } | null;
  /**
   * Reconnect attempts per 100 ms over the last 10 s (oldest first): a herd is a spike, jitter a
   * smear. `startS` is the first bin's start.
   */
  reconnectSeries: { binMs: number; startS: number; counts: Uint32Array };
  /** Traced users (every `traceStride`-th) and, for each, 1 while its connection is dead but unnoticed. */
  tracedUsers: number[];
  tracedUnnoticed: number[];
  /** Output buffers of the broker → slow-server links (empty when every server keeps up). */
  outputBuffers: {
    server: number;
    /** Messages queued (kernel socket buffers + Redis). */
    queuedMsgs: number;
    /** KiB in Redis's own buffer (beyond the kernel's share): the gauge, against the limits. */
    redisKb: number;
    hardKb: number;
    softKb: number;
    /** Cut off by the broker: its users' messages are lost until it resubscribes. */
    cut: boolean;
  }[];
  /**
   * `roomPopularity: "zipf"`: the hottest room (id 0), its expected share of messages (1/H(n, s)),
   * the share it has had so far, its broker shard, and every shard's traffic so far (publishes +
   * deliveries; empty without a broker). Null when popularity is uniform. Its members are users
   * `firstUser` … `firstUser + members − 1` (rooms are consecutive blocks of `roomSize` users).
   */
  hotRoom: {
    room: number;
    firstUser: number;
    members: number;
    expectedShare: number;
    messageShare: number;
    shard: number;
    shardTraffic: number[];
  } | null;
}

/** A Redis Cluster as the page draws it: masters with their slot ranges and replicas, and the bus. */
export interface ClusterView {
  /** Replicas per master (`brokerReplicas`). */
  replicas: number;
  mode: 'publish' | 'spublish';
  /** Bus messages one publish sends: masters × (1 + replicas) − 1 (PUBLISH) or replicas (SPUBLISH). */
  busPerPublish: number;
  /** Master i owns slots [slotStart[i], slotStart[i + 1]) of 16384 (length masters + 1). */
  slotStart: number[];
  /** Bus messages each master has sent so far (index = shard id). */
  busSent: number[];
}

/**
 * A Kafka-like log as the page draws it: each partition's log end, the committed offset and its
 * consumer's position (processed offset), so lag and replay can be seen. Offsets count records
 * appended to the partition since t = 0 (the first record is offset 1).
 */
export interface KafkaView {
  /** Per partition: records appended (log-end offset). */
  end: number[];
  /** Per partition: the committed offset; after a crash its new consumer resumes after it. */
  committed: number[];
  /** Per partition: the last offset its consumer processed (end − processed = that partition's lag). */
  processed: number[];
  /** Per partition: the endpoint server consuming it. */
  owner: number[];
  /** Per server id: records on its partitions not yet processed (its consumer lag). */
  consumerLag: number[];
  /** Records lost at consumers (committed before processing, then crashed; or expired from the log). */
  lostRecords: number;
  /** Copies replayed after a rebalance (included in `totals.redeliveries`). */
  replayedCopies: number;
}

/** The membership the chat service routes by, for drawing the ring or the modulo buckets. */
export interface RingView {
  version: number;
  kind: 'ring' | 'modulo' | 'none';
  /** Live servers in membership order. */
  servers: number[];
  /** Ring points (sorted) and the server owning each (ring kind only). */
  points: Uint32Array;
  owners: Uint16Array;
}

/** A deterministic sample of users for drawing: hash position, owner, connection. */
export interface SampleView {
  users: Uint32Array;
  hashes: Uint32Array;
  /** Owner by the current routing view (0xffff = none). */
  owners: Uint16Array;
  /** Server the user is connected to now (0xffff = not connected). */
  connectedTo: Uint16Array;
  /** 1 when the user's owner changed at the last membership change. */
  moved: Uint8Array;
  /** How many simulated users one sampled user stands for. */
  usersPerSample: number;
}
