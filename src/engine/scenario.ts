import { z } from 'zod';

// No generated parsers: zod's JIT probes `new Function`, which the page's CSP (no 'unsafe-eval')
// refuses and reports. Parsing a scenario is rare; the interpreter is fast enough.
z.config({ jitless: true });

/** The four answers to "how does the server find out?". */
export const STRATEGIES = ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Scripted actions a timeline (or a person at the page) can take. */
export const ACTIONS = [
  'add-server',
  'remove-server',
  'crash-server',
  'crash-broker',
  'recover-broker',
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
    /** Heartbeat / session timeout before a crashed server is noticed (clients, LB and coordinator). */
    failureDetectionS: nonNegative(600).default(3),
    /** Clients wait a uniform random time in [0, backoff] before reconnecting (jitter against stampedes). */
    reconnectBackoffMs: nonNegative(600_000).default(1000),
    /** Consistent hashing: window over which moving users are drained to their new owner. */
    drainS: nonNegative(3600).default(5),
    /** Users whose messages are traced hop by hop for the animation (a deterministic sample). */
    tracedUsers: z.number().int().min(0).max(10_000).default(200),
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
  s.timeline = [...s.timeline].sort((x, y) => x.atS - y.atS);
  // A named server or broker shard must exist when the action runs (ids are given out in order).
  let servers = s.servers;
  for (const [i, e] of s.timeline.entries()) {
    if (e.action === 'add-server') servers++;
    if (e.server === undefined || e.action === 'add-server') continue;
    const broker = e.action === 'crash-broker' || e.action === 'recover-broker';
    const limit = broker ? s.brokerShards : servers;
    if (e.server >= limit) {
      const what = broker ? 'broker shard' : 'server';
      throw new ScenarioError(
        `timeline.${i}.server`,
        `timeline.${i}.server: ${what} ${e.server} does not exist at ${e.atS} s (${what}s are 0–${limit - 1})`,
      );
    }
  }
  return s;
}
