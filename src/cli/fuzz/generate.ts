/**
 * Random valid scenarios across the whole schema: every strategy, topic, LB policy and action,
 * every numeric field from its minimum to its maximum (edges drawn on purpose), timelines with
 * same-instant and overlapping actions. Sizes reach the schema's limits; the simulated duration is
 * scaled down for big worlds so a run stays bounded in wall time (see `timeBox`).
 */
import { Rng } from '../../engine/core/rng';
import {
  ACTIONS,
  LIMITS,
  STRATEGIES,
  normalizeScenario,
  type ActionKind,
  type Scenario,
  type ScenarioInput,
  type Strategy,
  type TimelineEntry,
} from '../../engine/scenario';
import { acceptedTimeline } from '../../engine/testing/timelines';

/** Uniform in [lo, hi]. */
const uniform = (r: Rng, lo: number, hi: number) => lo + r.next() * (hi - lo);
/** Log-uniform in [lo, hi] (lo > 0): small and large magnitudes equally likely. */
const logUniform = (r: Rng, lo: number, hi: number) => Math.exp(uniform(r, Math.log(lo), Math.log(hi)));
const intLog = (r: Rng, lo: number, hi: number) =>
  Math.min(hi, Math.max(lo, Math.round(logUniform(r, lo, hi))));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)]!;

/**
 * A value of a field: mostly typical, sometimes an edge of the schema, sometimes anywhere in the
 * schema's range (log-scaled). `round` keeps integer fields integral.
 */
function field(
  r: Rng,
  spec: { min: number; max: number; typical: [number, number]; round?: boolean; zeroOk?: boolean },
): number {
  const u = r.next();
  let v: number;
  if (u < 0.65) v = spec.typical[0] > 0 ? logUniform(r, ...spec.typical) : uniform(r, ...spec.typical);
  else if (u < 0.8) v = r.next() < 0.5 ? spec.min : spec.max;
  else v = logUniform(r, Math.max(spec.min, spec.round ? 1 : 1e-3), spec.max);
  if (spec.zeroOk && r.next() < 0.08) v = 0;
  if (spec.round) v = Math.round(v);
  return Math.min(spec.max, Math.max(spec.min, v));
}

function users(r: Rng): number {
  const u = r.next();
  if (u < 0.55) return intLog(r, 2, 3_000);
  if (u < 0.85) return intLog(r, 3_000, 50_000);
  if (u < 0.97) return intLog(r, 50_000, 300_000);
  if (u < 0.995) return intLog(r, 300_000, 1_000_000);
  return r.next() < 0.5 ? LIMITS.maxUsers : intLog(r, 1_000_000, LIMITS.maxUsers);
}

function roomSize(r: Rng, users: number): number {
  const cap = Math.min(users, LIMITS.maxRoomSize);
  const u = r.next();
  if (u < 0.6) return Math.min(cap, 2 + r.int(9));
  if (u < 0.85) return Math.min(cap, intLog(r, 10, 200));
  if (u < 0.95) return intLog(r, 2, cap);
  return cap; // one room holds everyone (or the largest room allowed)
}

/**
 * Times with deliberate collisions: some actions share an instant, others fall inside the
 * windows of earlier ones (drain, failure detection, backoff), some at 0 or after the end.
 */
function timeline(
  r: Rng,
  s: { strategy: Strategy; durationS: number; servers: number; brokerShards: number },
): TimelineEntry[] {
  const u = r.next();
  const n = u < 0.3 ? 0 : u < 0.8 ? 1 + r.int(6) : u < 0.95 ? 7 + r.int(34) : 100 + r.int(901);
  const instants: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = r.next();
    let t: number;
    if (v < 0.3 && instants.length) t = pick(r, instants);
    else if (v < 0.45 && times.length) t = pick(r, times) + r.next() * 3;
    else if (v < 0.5) t = 0;
    else if (v < 0.55) t = s.durationS * (1 + r.next());
    else t = r.next() * s.durationS;
    t = Math.min(LIMITS.maxDurationS, Math.round(t * 1000) / 1000);
    if (r.next() < 0.3) instants.push(t);
    times.push(t);
  }
  // Same order as normalizeScenario (a stable sort by time), so server ids are valid where used.
  times.sort((a, b) => a - b);
  let servers = s.servers;
  const raw = times.map((atS) => {
    const action: ActionKind = pick(r, ACTIONS);
    const broker = action === 'crash-broker' || action === 'recover-broker';
    const entry: TimelineEntry = { atS, action };
    if (action === 'add-server') servers++;
    else if (r.next() < 0.5)
      entry.server = r.int(broker ? s.brokerShards : Math.min(servers, LIMITS.maxServers));
    return entry;
  });
  // Only actions the world would take (the engine refuses acting on a server already down or gone,
  // and the schema refuses such a timeline); the refused ones are the engine's own tests' business.
  return acceptedTimeline(s.strategy, s.servers, raw);
}

/** Delivery-guarantee fields (MECHANISMS.md), in combinations the schema accepts. */
function guarantees(r: Rng): Partial<ScenarioInput> {
  const broker = pick(r, ['redis', 'redis', 'redis-cluster', 'kafka'] as const);
  const sequenceNumbers = r.next() < 0.5;
  return {
    sequenceNumbers,
    recovery: sequenceNumbers ? pick(r, ['none', 'db'] as const) : 'none',
    idempotent: sequenceNumbers && r.next() < 0.7,
    delivery: pick(r, ['at-most-once', 'at-least-once'] as const),
    ackTimeoutMs: field(r, { min: 1, max: 600_000, typical: [5, 5000] }),
    broker,
    brokerReplicas: r.int(6),
    clusterPublish: pick(r, ['publish', 'spublish'] as const),
    partitions: field(r, { min: 1, max: 1024, typical: [1, 64], round: true }),
    consumerCommit: pick(r, ['after-processing', 'before-processing'] as const),
    autoCommitIntervalMs: field(r, { min: 1, max: 3_600_000, typical: [100, 10_000] }),
  };
}

/** Liveness, capacity and deploy fields (MECHANISMS.md). */
function liveness(r: Rng): Partial<ScenarioInput> {
  return {
    heartbeatIntervalS: field(r, { min: 0, max: 3600, typical: [1, 30], zeroOk: true }),
    heartbeatTimeoutS: field(r, { min: 0, max: 3600, typical: [1, 30], zeroOk: true }),
    reconnect: pick(r, ['immediate', 'exponential', 'exponential-jitter'] as const),
    reconnectBaseMs: field(r, { min: 0, max: 600_000, typical: [50, 5000], zeroOk: true }),
    reconnectMaxMs: field(r, { min: 0, max: 3_600_000, typical: [500, 30_000], zeroOk: true }),
    reconnectJitter: field(r, { min: 0, max: 1, typical: [0.1, 1], zeroOk: true }),
    acceptPerS: field(r, { min: 1e-3, max: 1e9, typical: [100, 50_000] }),
    listenBacklog: field(r, { min: 0, max: 10_000_000, typical: [16, 4096], round: true, zeroOk: true }),
    maxConnectionsPerServer:
      r.next() < 0.6 ? 0 : field(r, { min: 1, max: LIMITS.maxUsers, typical: [10, 100_000], round: true }),
    slowConsumerShare: r.next() < 0.6 ? 0 : field(r, { min: 0, max: 1, typical: [0.05, 1] }),
    slowConsumerMsgsPerS: field(r, { min: 1e-3, max: 1e9, typical: [1, 10_000] }),
    drain: pick(r, ['lame-duck', 'grace-period', 'kill'] as const),
    drainGraceS: field(r, { min: 0, max: 3600, typical: [0.5, 30], zeroOk: true }),
    drainCloseS: field(r, { min: 0, max: 3600, typical: [1, 200], zeroOk: true }),
    terminationGraceS: field(r, { min: 0, max: 3600, typical: [1, 60], zeroOk: true }),
    roomPopularity: pick(r, ['uniform', 'zipf'] as const),
    zipfS: field(r, { min: 0, max: 10, typical: [0.5, 2], zeroOk: true }),
  };
}

/**
 * A scenario before time-boxing: any valid combination. With `mechanisms` false the
 * MECHANISMS.md fields (delivery guarantees; liveness, capacity and deploys) keep their defaults:
 * the base model alone. The same seed gives the same base fields either way.
 */
export function randomScenario(seed: number, mechanisms = true): ScenarioInput {
  const r = new Rng(seed, 'fuzz');
  const u = users(r);
  const servers = r.next() < 0.6 ? 1 + r.int(8) : r.next() < 0.6 ? 9 + r.int(24) : 33 + r.int(32);
  const brokerShards = r.next() < 0.5 ? 1 : 1 + r.int(LIMITS.maxBrokerShards);
  const durationS = field(r, { min: 1e-3, max: LIMITS.maxDurationS, typical: [5, 120] });
  const pollIntervalS = field(r, { min: 1e-3, max: 3600, typical: [1, 60] });
  // The strategies there were before long polling, drawn as before (so a seed keeps its scenario);
  // long polling takes over half the polling seeds by draws made last.
  const strategy = pick(r, BASE_STRATEGIES);
  const out: ScenarioInput = {
    strategy,
    seed: r.int(0x1_0000_0000),
    durationS,
    users: u,
    servers,
    pollIntervalS,
    pollJitterS:
      r.next() < 0.5 ? 0 : field(r, { min: 0, max: 3600, typical: [0.1, pollIntervalS * 1.5 + 0.1] }),
    messagesPerUserPerMin: r.next() < 0.1 ? 0 : field(r, { min: 0, max: 600, typical: [0.1, 20] }),
    roomSize: roomSize(r, u),
    vnodes: field(r, { min: 1, max: LIMITS.maxVnodes, typical: [10, 300], round: true }),
    timeline: timeline(r, { strategy, durationS, servers, brokerShards }),
    networkRttMs: field(r, { min: 0, max: 10_000, typical: [0.1, 5], zeroOk: true }),
    clientRttMs: field(r, { min: 0, max: 10_000, typical: [5, 300], zeroOk: true }),
    dbQueryMs: field(r, { min: 1e-3, max: 60_000, typical: [0.1, 20] }),
    dbConcurrency: field(r, { min: 1, max: 100_000, typical: [1, 128], round: true }),
    dbMaxQueue: field(r, { min: 0, max: 10_000_000, typical: [10, 100_000], round: true, zeroOk: true }),
    serverProcessingMs: field(r, { min: 0, max: 10_000, typical: [0.01, 2], zeroOk: true }),
    connectSetupMs: field(r, { min: 0, max: 60_000, typical: [5, 500], zeroOk: true }),
    brokerCapacityPerS: field(r, { min: 1e-3, max: 1e9, typical: [1_000, 1_000_000] }),
    brokerMaxQueue: field(r, {
      min: 0,
      max: 10_000_000,
      typical: [10, 1_000_000],
      round: true,
      zeroOk: true,
    }),
    brokerShards,
    topic: pick(r, ['user', 'room'] as const),
    lbPolicy: pick(r, ['least-connections', 'round-robin', 'random'] as const),
    coordPropagationMs: field(r, { min: 0, max: 60_000, typical: [5, 500], zeroOk: true }),
    failureDetectionS: field(r, { min: 0, max: 600, typical: [0.5, 10], zeroOk: true }),
    drainS: field(r, { min: 0, max: 3600, typical: [0.5, 30], zeroOk: true }),
    tracedUsers: field(r, { min: 0, max: 10_000, typical: [1, 500], round: true, zeroOk: true }),
    networkJitter: r.next() < 0.3 ? 0 : field(r, { min: 0, max: 2, typical: [0.05, 0.5] }),
    ...(mechanisms ? { ...guarantees(r), ...liveness(r) } : {}),
  };
  if (mechanisms) {
    // Recovery from the Kafka-like log, drawn after every other field so a seed keeps the
    // scenario it had before the log was modelled (pinned seeds keep their scenarios).
    const fromLog = r.next() < 0.5;
    if (fromLog && out.strategy === 'pubsub' && out.broker === 'kafka' && out.sequenceNumbers)
      out.recovery = 'log';
  }
  // Drawn last of all. A polling timeline is valid for long polling as it is (both remove
  // servers at once).
  out.holdTimeoutS = field(r, { min: 1e-3, max: 3600, typical: [1, 60] });
  if (strategy === 'polling' && r.next() < 0.5) out.strategy = 'long-polling';
  return out;
}

/** The strategies {@link randomScenario} draws first (long polling comes from polling's seeds). */
const BASE_STRATEGIES = STRATEGIES.filter(
  (x): x is Exclude<Strategy, 'long-polling'> => x !== 'long-polling',
);

/**
 * A rough count of kernel events per simulated second (only to pick a duration; the runner's wall
 * guard is the real bound): polls and their DB round trips, writes, one push per recipient.
 */
export function eventsPerSecond(s: Scenario): number {
  const msgPerS = (s.users * s.messagesPerUserPerMin) / 60;
  const recipients = msgPerS * (s.roomSize - 1);
  // Long polling: at most a request per recipient message, plus one per user per hold.
  const polls =
    s.strategy === 'polling'
      ? (s.users / s.pollIntervalS) * 6
      : s.strategy === 'long-polling'
        ? (recipients + s.users / s.holdTimeoutS) * 6
        : 0;
  const pushes = s.strategy === 'polling' ? 0 : recipients * (s.strategy === 'pubsub' ? 5 : 4);
  return polls + msgPerS * 6 + pushes + s.users * 0.01 + 10;
}

/** Events one membership action may cost: every user may reconnect (a few events each). */
const EVENTS_PER_USER_ACTION = 8;
/** Work per simulated second besides events (series rows, latency windows), in events' worth. */
const EVENTS_PER_SIM_SECOND = 500;

/**
 * Shortens the run so that its estimated events fit `eventBudget`: the duration shrinks (to no
 * less than `minS` simulated seconds) until the steady traffic plus the actions that fall inside
 * it fit. Returns a valid scenario.
 */
export function timeBox(input: ScenarioInput, eventBudget: number, minS = 0.5): Scenario {
  const s = normalizeScenario(input);
  const rate = eventsPerSecond(s);
  const cost = (T: number) =>
    (rate + EVENTS_PER_SIM_SECOND) * T +
    s.users * 3 +
    s.timeline.filter((e) => e.atS < T).length * s.users * EVENTS_PER_USER_ACTION;
  let T = s.durationS;
  while (T > minS && cost(T) > eventBudget) T = Math.max(minS, T / 2);
  if (T < s.durationS) s.durationS = Math.round(T * 1000) / 1000 || minS;
  return normalizeScenario(s);
}
