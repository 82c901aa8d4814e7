import { z } from 'zod';

// No generated parsers: zod's JIT probes `new Function`, which the page's CSP (no 'unsafe-eval')
// refuses and reports. Parsing a scenario is rare; the interpreter is fast enough.
z.config({ jitless: true });

/** The answers to "how does the server find out?" (long polling: MECHANISMS.md). */
export const STRATEGIES = [
  'polling',
  'modulo-hashing',
  'consistent-hashing',
  'pubsub',
  'long-polling',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Scripted actions a timeline (or a person at the page) can take. */
export const ACTIONS = [
  'add-server',
  'remove-server',
  'crash-server',
  'crash-broker',
  'recover-broker',
  // Liveness, capacity and deploys (MECHANISMS.md).
  /** A crashed server comes back, empty. */
  'restart-server',
  /** A rolling restart of every server, one at a time, each leaving by `drain`. */
  'deploy',
] as const;
export type ActionKind = (typeof ACTIONS)[number];

/** Hard limits that keep a run inside bounded memory. */
export const LIMITS = {
  maxUsers: 2_000_000,
  maxServers: 64,
  maxBrokerShards: 16,
  maxRoomSize: 10_000,
  maxVnodes: 2_000,
  maxDurationS: 86_400,
} as const;

const positive = (max = Number.MAX_SAFE_INTEGER) => z.number().finite().positive().max(max);
const nonNegative = (max = Number.MAX_SAFE_INTEGER) => z.number().finite().min(0).max(max);

export const timelineEntrySchema = z
  .object({
    atS: nonNegative(LIMITS.maxDurationS),
    action: z.enum(ACTIONS),
    server: z
      .number()
      .int()
      .min(0)
      .max(LIMITS.maxServers - 1)
      .optional(),
  })
  .strict();
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/**
 * Every scenario field with its default. Defaults are taken from real systems; each one says
 * where its number comes from.
 */
export const scenarioSchema = z
  .object({
    strategy: z.enum(STRATEGIES).default('polling'),
    /** All randomness derives from it. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Simulated seconds a headless run lasts (the page runs on until paused). */
    durationS: positive(LIMITS.maxDurationS).default(60),
    users: z.number().int().min(1).max(LIMITS.maxUsers).default(1000),
    /** Endpoint servers at t = 0. */
    servers: z.number().int().min(1).max(LIMITS.maxServers).default(4),
    pollIntervalS: positive(3600).default(10),
    /** Each poll is shifted by a uniform random amount in ±jitter (0 = strictly periodic). */
    pollJitterS: nonNegative(3600).default(0),
    messagesPerUserPerMin: nonNegative(600).default(1),
    /** Members per room (2 = one-to-one chat). The last room takes the remainder of users. */
    roomSize: z.number().int().min(2).max(LIMITS.maxRoomSize).default(2),
    /** Ring points per server (consistent hashing). */
    vnodes: z.number().int().min(1).max(LIMITS.maxVnodes).default(100),
    timeline: z.array(timelineEntrySchema).max(1000).default([]),
    /** Round trip between two components in one datacenter (~0.5 ms is typical). */
    networkRttMs: nonNegative(10_000).default(0.5),
    /**
     * Coefficient of variation of every network hop's delay (mean unchanged; 0 = constant hops).
     * Real links vary: 0.2 gives push strategies a tail (p99 > p50).
     */
    networkJitter: nonNegative(2).default(0.2),
    /** Round trip between a client and the datacenter (~40 ms for broadband/4G in one region). */
    clientRttMs: nonNegative(10_000).default(40),
    /** Mean service time of one DB query (an indexed point query: ~1 ms). */
    dbQueryMs: positive(60_000).default(1),
    /** Queries the DB serves at once (a connection pool of 16). */
    dbConcurrency: z.number().int().min(1).max(100_000).default(16),
    /** Waiting queries beyond which the DB rejects at once (a full pool). */
    dbMaxQueue: z.number().int().min(0).max(10_000_000).default(10_000),
    /** CPU time an endpoint server spends on one request or pushed message (~50 µs). */
    serverProcessingMs: nonNegative(10_000).default(0.05),
    /** From a connect request reaching a server to the socket being open: TLS + WebSocket upgrade (~1 client RTT). */
    connectSetupMs: nonNegative(60_000).default(45),
    /** Messages the broker routes per second (one Redis node: ~100K/s). */
    brokerCapacityPerS: positive(1e9).default(100_000),
    /** Publishes waiting at the broker beyond which new ones are dropped (output buffer limit). */
    brokerMaxQueue: z.number().int().min(0).max(10_000_000).default(100_000),
    /** Broker nodes (a Redis Cluster): topics are hashed over them, each routes brokerCapacityPerS. */
    brokerShards: z.number().int().min(1).max(16).default(1),
    topic: z.enum(['user', 'room']).default('user'),
    lbPolicy: z.enum(['least-connections', 'round-robin', 'random']).default('least-connections'),
    /** Time for members to learn of a membership change from the coordination service (a ZooKeeper watch: tens of ms). */
    coordPropagationMs: nonNegative(60_000).default(50),
    /**
     * Health-check / session timeout before the LB and the coordination service notice a crashed
     * server (its clients go by `heartbeatIntervalS` / `heartbeatTimeoutS` instead).
     */
    failureDetectionS: nonNegative(600).default(3),
    /** Consistent hashing: window over which moving users are drained to their new owner. */
    drainS: nonNegative(3600).default(5),
    /** Users whose messages are traced hop by hop for the animation (a deterministic sample). */
    tracedUsers: z.number().int().min(0).max(10_000).default(200),

    // ── Delivery guarantees (MECHANISMS.md). Every default keeps the behaviour without them. ──
    /** Every message carries its room's sequence number; a client sees a gap when a higher one arrives. */
    sequenceNumbers: z.boolean().default(false),
    /**
     * On a detected gap and on every reconnect the client fetches what it missed: from the DB
     * (`WHERE seq > last_seen`, a real DB read) or from the broker's retained log (Kafka-like only).
     */
    recovery: z.enum(['none', 'db', 'log']).default('none'),
    /** The client drops copies it has already seen, by (room, seq), over a bounded window. */
    idempotent: z.boolean().default(false),
    /** At-least-once: the endpoint server resends a push the client has not acknowledged. */
    delivery: z.enum(['at-most-once', 'at-least-once']).default('at-most-once'),
    /** At-least-once: how long a server waits for a client's ack before resending. */
    ackTimeoutMs: positive(600_000).default(2000),
    /** Redis Pub/Sub (fire and forget), Redis Cluster, or a Kafka-like retained log. */
    broker: z.enum(['redis', 'redis-cluster', 'kafka']).default('redis'),
    /** Redis Cluster: replicas per master (brokerShards masters). */
    brokerReplicas: z.number().int().min(0).max(5).default(0),
    /** Redis Cluster: PUBLISH crosses the bus to every node; SPUBLISH only to its shard's replicas. */
    clusterPublish: z.enum(['publish', 'spublish']).default('publish'),
    /** Kafka-like: partitions of the topic (topic key → partition by hash). */
    partitions: z.number().int().min(1).max(1024).default(12),
    /** Kafka-like: how long the log keeps a message (Kafka's default is 7 days; 1 h here). */
    retentionS: positive(LIMITS.maxDurationS).default(3600),
    /** Kafka-like: an endpoint server commits its offset after processing (replays) or before (loses). */
    consumerCommit: z.enum(['after-processing', 'before-processing']).default('after-processing'),
    /** Kafka-like: how often a consumer commits its offset (Kafka's `auto.commit.interval.ms`). */
    autoCommitIntervalMs: positive(3_600_000).default(5000),
    /** Long polling: a held request ends with an empty answer after this long (RFC 6202). */
    holdTimeoutS: positive(3600).default(30),

    // ── Liveness, capacity and deploys (MECHANISMS.md; issue 11) ──
    /**
     * Socket.IO-like heartbeats: the server pings every interval; a client that hears nothing for
     * interval + timeout declares the connection dead. After a crash each client notices at its
     * own time, uniform on [timeout, interval + timeout] (defaults 25 / 20: 20–45 s, mean 32.5 s).
     * The LB and the coordination service keep their own `failureDetectionS` (a health check / a
     * session timeout, seconds): only the clients go by heartbeats.
     */
    heartbeatIntervalS: nonNegative(3600).default(25),
    heartbeatTimeoutS: nonNegative(3600).default(20),
    /** `immediate`: retry at once (a herd); `exponential`: base·2^n capped; `exponential-jitter`: Socket.IO's randomization. */
    reconnect: z.enum(['immediate', 'exponential', 'exponential-jitter']).default('exponential-jitter'),
    reconnectBaseMs: nonNegative(600_000).default(1000),
    reconnectMaxMs: nonNegative(3_600_000).default(5000),
    /** Socket.IO's randomizationFactor: each delay is moved by up to ± this share. */
    reconnectJitter: nonNegative(1).default(0.5),
    /** New connections one server sets up per second (TCP + TLS + WebSocket); beyond it they queue. */
    acceptPerS: positive(1e9).default(5000),
    /** Connections waiting to be accepted beyond which the kernel drops the attempt (TCP retries after 1 s, then 3 s). */
    listenBacklog: z.number().int().min(0).max(10_000_000).default(511),
    /** A server at its cap refuses new connections (0 = no cap); the client backs off and retries. */
    maxConnectionsPerServer: z.number().int().min(0).max(LIMITS.maxUsers).default(0),
    /** Size of one message on the wire (bytes). */
    messageBytes: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(1024),
    /** Redis `client-output-buffer-limit pubsub 32mb 8mb 60` (KiB, KiB, seconds). */
    outputBufferHardKb: nonNegative(16 * 1024 * 1024).default(32768),
    outputBufferSoftKb: nonNegative(16 * 1024 * 1024).default(8192),
    outputBufferSoftS: nonNegative(3600).default(60),
    /** What the kernel holds for a subscriber before Redis's own buffer grows (4 MiB send + 128 KiB receive). */
    socketBufferKb: nonNegative(16 * 1024 * 1024).default(4224),
    /** Share of endpoint servers that drain the broker no faster than `slowConsumerMsgsPerS`. */
    slowConsumerShare: nonNegative(1).default(0),
    slowConsumerMsgsPerS: positive(1e9).default(100),
    /** How a server leaves on `remove-server` / `deploy`. */
    drain: z.enum(['lame-duck', 'grace-period', 'kill']).default('lame-duck'),
    /** Lame duck: seconds between "stop accepting" and the first close. */
    drainGraceS: nonNegative(3600).default(10),
    /**
     * A leaving server has closed all its clients this long after it stopped accepting: a lame
     * duck closes them evenly between `drainGraceS` and this; a grace period from the start. (MECHANISMS.md
     * calls it `drainS`; that name was already the consistent-hashing migration window above,
     * default 5, which keeps its meaning.)
     */
    drainCloseS: nonNegative(3600).default(120),
    /** Grace period: whatever is still connected this long after the leave starts is killed. */
    terminationGraceS: nonNegative(3600).default(30),
    /** `zipf`: senders pick rooms with Zipf popularity (exponent `zipfS`), so a few rooms run hot. */
    roomPopularity: z.enum(['uniform', 'zipf']).default('uniform'),
    zipfS: nonNegative(10).default(1.1),
    /**
     * Consistent hashing: salt of the ring points' hashes, as if the servers had other names
     * (0 = the classic ring). Different salts give different rings: how uneven a ring with few
     * vnodes is, is a matter of luck, and comparing salts shows it.
     */
    ringSalt: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/** Defaults for every field. */
export const DEFAULT_SCENARIO: Scenario = scenarioSchema.parse({});

export class ScenarioError extends Error {
  constructor(
    /** Dotted path of the bad field, e.g. `users` or `timeline.0.action`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/**
 * An action the world cannot take now: acting on a server that is already down or gone, removing
 * the last server up, adding past {@link LIMITS.maxServers}. The message is one short line naming
 * the server ("S3 is already down"); nothing in the world changed.
 */
export class ActionRefusedError extends Error {
  constructor(
    readonly action: ActionKind,
    /** The server named (or that would have been chosen), or -1. */
    readonly server: number,
    message: string,
  ) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

/** An endpoint server's lifecycle state, as the membership rules see it. */
export type ServerLifecycle = 'up' | 'draining' | 'crashed' | 'removed';

/**
 * The server a server action applies to: the one named, or else the last one up. -1 when none.
 * Shared by the engine and the timeline check so both choose alike.
 */
export function actionTarget(states: readonly ServerLifecycle[], server: number | undefined): number {
  if (server !== undefined) return server;
  for (let i = states.length - 1; i >= 0; i--) if (states[i] === 'up') return i;
  return -1;
}

/** The server `restart-server` applies to: the one named, or else the last one crashed. -1 when none. */
export function restartTarget(states: readonly ServerLifecycle[], server: number | undefined): number {
  if (server !== undefined) return server;
  for (let i = states.length - 1; i >= 0; i--) if (states[i] === 'crashed') return i;
  return -1;
}

/**
 * Steps server states the way the engine does for an accepted action (the timeline checks use
 * it). `leaveDrains`: a removed server stays `draining` for a while (hashing migrations, and
 * push strategies whose `drain` is not `kill`) rather than going at once.
 */
export function stepStates(
  states: ServerLifecycle[],
  kind: ActionKind,
  server: number | undefined,
  leaveDrains: boolean,
): void {
  if (kind === 'add-server') states.push('up');
  else if (kind === 'remove-server')
    states[actionTarget(states, server)] = leaveDrains ? 'draining' : 'removed';
  else if (kind === 'crash-server') states[actionTarget(states, server)] = 'crashed';
  else if (kind === 'restart-server') states[restartTarget(states, server)] = 'up';
}

/** Whether a removed server drains before it goes (see {@link stepStates}). */
export function leaveDrains(s: Pick<Scenario, 'strategy' | 'drain'>): boolean {
  if (s.strategy === 'modulo-hashing' || s.strategy === 'consistent-hashing') return true;
  // Long polling: a leaving server ends its held requests with an empty answer at once.
  return s.strategy !== 'polling' && s.strategy !== 'long-polling' && s.drain !== 'kill';
}

/**
 * Why a server action cannot be taken in a world whose servers are in `states` (indexed by id),
 * or null when it can. Broker actions are never refused (they pick a shard in the right state, or
 * do nothing).
 */
export function refusalOf(
  kind: ActionKind,
  server: number | undefined,
  states: readonly ServerLifecycle[],
): string | null {
  if (kind === 'crash-broker' || kind === 'recover-broker') return null;
  // A deploy rolls over whatever is up when each server's turn comes: never refused (a second
  // one waits for the first).
  if (kind === 'deploy') return null;
  if (kind === 'restart-server') {
    const target = restartTarget(states, server);
    if (target < 0) return 'no server is down';
    const st = states[target];
    if (st === undefined) return `S${target} does not exist`;
    return st === 'crashed' ? null : `S${target} is not down (${st})`;
  }
  if (kind === 'add-server')
    return states.length >= LIMITS.maxServers
      ? `cannot add a server: ${LIMITS.maxServers} is the most`
      : null;
  const target = actionTarget(states, server);
  if (target < 0) return 'no server is up';
  const st = states[target];
  if (st === undefined) return `S${target} does not exist`;
  if (st === 'crashed') return `S${target} is already down`;
  if (st === 'removed') return `S${target} is already gone`;
  // A server being removed is on its way out: whether it has left yet depends on the run, so
  // a timeline could not be checked ahead; it is refused alike for both actions.
  if (st === 'draining') return `S${target} is already being removed`;
  if (kind === 'remove-server') {
    let up = 0;
    for (const x of states) if (x === 'up') up++;
    if (up <= 1) return `cannot remove S${target}: it is the last server up`;
  }
  return null;
}

/**
 * Values of the delivery-guarantee fields the engine does not model yet: refused with a clear
 * message rather than silently ignored (a number that looks right but is not is the worst defect).
 * Each entry goes away when its mechanism lands (none left: recovery "log" landed with issue 10).
 */
const NOT_MODELLED_YET: readonly [keyof Scenario, unknown][] = [];

/** Combinations of the delivery-guarantee fields that make no sense, and values not modelled yet. */
function checkGuarantees(s: Scenario): void {
  for (const [field, value] of NOT_MODELLED_YET)
    if (s[field] === value)
      throw new ScenarioError(field, `${field}: "${String(value)}" is not modelled yet`);
  if (s.recovery !== 'none' && !s.sequenceNumbers)
    throw new ScenarioError(
      'recovery',
      'recovery: needs sequenceNumbers (a client can only ask for what follows its last sequence number)',
    );
  if (s.idempotent && !s.sequenceNumbers)
    throw new ScenarioError(
      'idempotent',
      'idempotent: needs sequenceNumbers (copies are told apart by room and sequence number)',
    );
  if (s.recovery === 'log' && s.broker !== 'kafka')
    throw new ScenarioError('recovery', 'recovery: "log" needs broker "kafka" (Redis Pub/Sub keeps no log)');
  if (s.recovery === 'log' && s.strategy !== 'pubsub' && s.strategy !== 'polling')
    throw new ScenarioError(
      'recovery',
      'recovery: "log" needs strategy "pubsub" (only Pub/Sub goes through the broker and its log)',
    );
}

/**
 * Validates and fills in defaults. Throws {@link ScenarioError} naming the first bad field with
 * a one-line message.
 */
export function normalizeScenario(input: unknown): Scenario {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ScenarioError('scenario', 'scenario must be a JSON object');
  }
  const r = scenarioSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    let field = issue.path.map(String).join('.');
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '?';
      field = field ? `${field}.${key}` : key;
      msg = 'unknown field';
    }
    throw new ScenarioError(field || 'scenario', `${field || 'scenario'}: ${msg}`);
  }
  const s = r.data;
  if (s.roomSize > s.users)
    throw new ScenarioError('roomSize', `roomSize: ${s.roomSize} is larger than users (${s.users})`);
  checkGuarantees(s);
  s.timeline = [...s.timeline].sort((x, y) => x.atS - y.atS);
  // A named server or broker shard must exist when the action runs (ids are given out in order),
  // and a server action must be one the world can take then (the engine refuses the rest alike).
  const states: ServerLifecycle[] = Array.from({ length: s.servers }, () => 'up');
  const drains = leaveDrains(s);
  for (const [i, e] of s.timeline.entries()) {
    const broker = e.action === 'crash-broker' || e.action === 'recover-broker';
    const limit = broker ? s.brokerShards : states.length;
    if (e.server !== undefined && e.action !== 'add-server' && e.action !== 'deploy' && e.server >= limit) {
      const what = broker ? 'broker shard' : 'server';
      throw new ScenarioError(
        `timeline.${i}.server`,
        `timeline.${i}.server: ${what} ${e.server} does not exist at ${e.atS} s (${what}s are 0–${limit - 1})`,
      );
    }
    const why = refusalOf(e.action, e.server, states);
    if (why !== null) {
      const field = e.server !== undefined ? `timeline.${i}.server` : `timeline.${i}.action`;
      throw new ScenarioError(field, `${field}: ${why} at ${e.atS} s (${e.action})`);
    }
    stepStates(states, e.action, e.server, drains);
  }
  return s;
}
