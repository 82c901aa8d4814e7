/**
 * The Failures & capacity panel's rules (issue 11), kept pure so they are unit-tested: which
 * liveness settings apply to which strategy, what each one costs in plain words, and the
 * arithmetic the panel states beside them (MECHANISMS.md "Liveness, capacity and deploys").
 */
import type { Scenario } from '../../bridge/engine';
import { harmonic, QUEUED_BYTES_OVERHEAD } from '../../content/explainLiveness';

export { harmonic, QUEUED_BYTES_OVERHEAD };

/** Scenario fields the Failures & capacity panel edits. */
export type FailureField =
  | 'heartbeatIntervalS'
  | 'heartbeatTimeoutS'
  | 'reconnect'
  | 'acceptPerS'
  | 'listenBacklog'
  | 'maxConnectionsPerServer'
  | 'slowConsumerShare'
  | 'slowConsumerMsgsPerS'
  | 'outputBufferHardKb'
  | 'outputBufferSoftKb'
  | 'outputBufferSoftS'
  | 'drain'
  | 'drainGraceS'
  | 'drainCloseS'
  | 'terminationGraceS'
  | 'roomPopularity'
  | 'zipfS';

export type FailurePatch = Partial<Pick<Scenario, FailureField>>;

/**
 * When a client notices a server that went silent (MECHANISMS.md): uniformly between the timeout
 * and interval + timeout after the crash, so the mean is timeout + interval / 2.
 */
export function detectionWindowS(s: Pick<Scenario, 'heartbeatIntervalS' | 'heartbeatTimeoutS'>): {
  min: number;
  max: number;
  mean: number;
} {
  const min = s.heartbeatTimeoutS;
  const max = s.heartbeatIntervalS + s.heartbeatTimeoutS;
  return { min, max, mean: min + s.heartbeatIntervalS / 2 };
}

/**
 * Seconds until a backlog growing `growthPerS` messages a second passes the hard output-buffer
 * limit: the kernel's socket buffers fill first, then Redis's own buffer (MECHANISMS.md).
 */
export function secondsToHardLimit(
  s: Pick<Scenario, 'socketBufferKb' | 'outputBufferHardKb' | 'messageBytes'>,
  growthPerS: number,
): number {
  if (growthPerS <= 0) return Infinity;
  return (
    ((s.socketBufferKb + s.outputBufferHardKb) * 1024) /
    (growthPerS * (s.messageBytes + QUEUED_BYTES_OVERHEAD))
  );
}

/** Rooms in the scenario (the last one takes the remainder of users). */
export function roomCount(s: Pick<Scenario, 'users' | 'roomSize'>): number {
  return Math.ceil(s.users / s.roomSize);
}

/** Share of all messages sent in the hottest room under Zipf popularity: 1 / H(rooms, s). */
export function hottestRoomShare(s: Pick<Scenario, 'users' | 'roomSize' | 'zipfS'>): number {
  return 1 / harmonic(roomCount(s), s.zipfS);
}

/** Why the connection settings do nothing under this strategy, or null when they apply. */
export function connectionsNA(s: Pick<Scenario, 'strategy'>): string | null {
  return s.strategy === 'polling'
    ? 'Polling keeps no connection open: heartbeats, reconnects, accept queues and drains apply to the push strategies (hashing, Pub/Sub).'
    : null;
}

/** Why the broker's output-buffer settings do nothing, or null when they apply. */
export function outputBufferNA(s: Pick<Scenario, 'strategy'>): string | null {
  return s.strategy === 'pubsub'
    ? null
    : 'Only Pub/Sub has a broker pushing to subscribers: slow consumers and output buffers apply when the strategy is Pub/Sub.';
}

/**
 * Why the output-buffer limits do nothing, or null when they apply: the Kafka-like log's
 * consumers pull, so a slow one lags behind in the log and is never cut off.
 */
export function outputBufferLimitsNA(s: Pick<Scenario, 'strategy' | 'broker'>): string | null {
  const na = outputBufferNA(s);
  if (na !== null) return na;
  return s.broker === 'kafka'
    ? 'The Kafka-like log has no output buffers: consumers pull, so a slow one reads behind (its lag grows in the log, its messages arrive late) and is never cut off.'
    : null;
}

/** The note under "Slow consumer reads": where the records above the read rate go, per broker. */
export function slowReadsNote(s: Pick<Scenario, 'broker'>): string {
  return s.broker === 'kafka'
    ? 'How fast a slow server reads; records above this wait in the log (its consumer lag grows) and arrive late.'
    : FAILURE_COST.slowConsumerMsgsPerS;
}

/** One line per setting: what it costs, in plain words. */
export const FAILURE_COST = {
  heartbeatIntervalS:
    'A ping per open connection every interval: shorter notices a dead server sooner, at the price of more pings to send and answer.',
  heartbeatTimeoutS:
    'How long a client waits for a late ping before giving up: too short and a slow network looks like a dead server.',
  reconnect: {
    immediate:
      'Every cut-off client retries at once: the fastest way back for one, a thundering herd for thousands.',
    exponential:
      'Waits twice as long after each failed try, up to a cap: fewer retries, but clients cut off together still retry together.',
    'exponential-jitter':
      'Backoff with each wait moved by up to ± half at random: a crowd reconnects as a smear rather than a spike.',
  },
  acceptPerS:
    'TCP + TLS + WebSocket handshakes one server sets up per second; the rest wait in its accept queue, so a storm shows as connect latency.',
  listenBacklog:
    'Connections the kernel lets wait to be accepted; past it an attempt is dropped and the client’s TCP retries 1 s later, then 3 s more.',
  maxConnectionsPerServer:
    'A server at its cap refuses new connections and the client backs off: memory stays bounded, but a lopsided placement gets refused.',
  slowConsumerShare:
    'Servers that read from the broker slower than it sends (a GC pause, a slow link): their backlog grows in the broker.',
  slowConsumerMsgsPerS: 'How fast a slow server reads; messages above this pile up in Redis’s output buffer.',
  outputBufferHardKb:
    'Redis cuts a subscriber off the moment its backlog passes this: its users lose messages until it resubscribes. Higher costs Redis memory.',
  outputBufferSoftKb:
    'A backlog may sit above this only for the soft seconds; then Redis cuts the subscriber off.',
  outputBufferSoftS: 'How long a backlog may stay over the soft limit (checked in whole seconds).',
  drain: {
    'lame-duck':
      'A leaving server stops accepting, waits, then closes its clients a few at a time: slow to leave, no reconnect storm.',
    'grace-period':
      'Clients are closed over the drain window, and whatever is left after the termination grace is killed.',
    kill: 'The process dies: the kernel resets every socket at once and all its clients reconnect in the same instant.',
  },
  drainGraceS:
    'Lame duck: seconds between “stop accepting” and the first close (the LB stops sending new clients).',
  drainCloseS:
    'All of a leaving server’s clients are closed by then: longer spreads the reconnects thinner, and a deploy takes longer.',
  terminationGraceS:
    'Grace period: clients still connected this long after the leave starts are dropped at once (like Kubernetes’ SIGKILL).',
  roomPopularity: {
    uniform: 'Every user sends alike: rooms are as busy as they are big, and shards share the load evenly.',
    zipf: 'A few rooms get most messages (a celebrity’s room): their broker shard or partition runs hot while the others idle.',
  },
  zipfS: 'Higher skew: the top room takes a bigger share. Adding shards does not help a single hot room.',
} as const;
