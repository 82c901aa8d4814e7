/**
 * The Guarantees panel's rules, kept pure so they are unit-tested: which delivery-guarantee fields
 * apply to which strategy, why an option cannot be chosen now (the engine's own validation says
 * so), and the one-line cost of each choice.
 */
import { normalizeScenario, type Scenario } from '../../bridge/engine';

/** Scenario fields the Guarantees panel edits. */
export type GuaranteeField =
  | 'sequenceNumbers'
  | 'recovery'
  | 'idempotent'
  | 'delivery'
  | 'ackTimeoutMs'
  | 'broker'
  | 'brokerShards'
  | 'brokerReplicas'
  | 'clusterPublish'
  | 'partitions'
  | 'consumerCommit'
  | 'autoCommitIntervalMs';

export type GuaranteePatch = Partial<Pick<Scenario, GuaranteeField>>;

/**
 * Why the scenario with `patch` applied would be refused, in the engine's own words without the
 * field prefix ("needs sequenceNumbers (…)"), or null when it is valid.
 */
export function whyNot(s: Scenario, patch: GuaranteePatch): string | null {
  try {
    normalizeScenario({ ...s, ...patch });
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    const colon = msg.indexOf(': ');
    return colon > 0 && colon < 40 ? msg.slice(colon + 2) : msg;
  }
}

/**
 * The patch for switching sequence numbers: turning them off also turns off what needs them
 * (recovery, idempotency), and says so, rather than leaving a combination the engine refuses.
 */
export function sequenceNumbersPatch(
  s: Scenario,
  on: boolean,
): { patch: GuaranteePatch; note: string | null } {
  if (on) return { patch: { sequenceNumbers: true }, note: null };
  const also: string[] = [];
  const patch: GuaranteePatch = { sequenceNumbers: false };
  if (s.recovery !== 'none') {
    patch.recovery = 'none';
    also.push('recovery');
  }
  if (s.idempotent) {
    patch.idempotent = false;
    also.push('the idempotent client');
  }
  return {
    patch,
    note: also.length
      ? `Sequence numbers off: ${also.join(' and ')} ${also.length === 1 ? 'needs' : 'need'} them, so ${also.length === 1 ? 'it was' : 'they were'} turned off too.`
      : null,
  };
}

/** Fewest masters `redis-cli --cluster create` accepts. */
export const MIN_CLUSTER_MASTERS = 3;

/**
 * The patch for choosing a broker. "log" recovery needs the Kafka-like one, so leaving it falls
 * back to the DB; a Redis Cluster starts with at least three masters (what Redis requires), and
 * leaving it returns to one node.
 */
export function brokerPatch(
  s: Scenario,
  broker: Scenario['broker'],
): { patch: GuaranteePatch; note: string | null } {
  const patch: GuaranteePatch = { broker };
  const notes: string[] = [];
  if (broker !== 'kafka' && s.recovery === 'log') {
    patch.recovery = 'db';
    notes.push('Only the Kafka-like broker keeps a log: recovery now reads the DB instead.');
  }
  if (broker === 'redis-cluster' && s.brokerShards < MIN_CLUSTER_MASTERS) {
    patch.brokerShards = MIN_CLUSTER_MASTERS;
    notes.push(
      `A Redis Cluster needs at least ${MIN_CLUSTER_MASTERS} masters: it starts with ${MIN_CLUSTER_MASTERS}.`,
    );
  }
  if (broker !== 'redis-cluster' && s.broker === 'redis-cluster') {
    patch.brokerShards = 1;
    patch.brokerReplicas = 0;
  }
  return { patch, note: notes.length ? notes.join(' ') : null };
}

/** Why the client-side guarantees do nothing under this strategy, or null when they apply. */
export function clientGuaranteesNA(s: Scenario): string | null {
  if (s.strategy === 'polling')
    return 'Polling asks the DB for everything after its last sequence number on every poll: these settings apply to the push strategies (hashing, Pub/Sub).';
  if (s.strategy === 'long-polling')
    return 'Long polling asks the DB for everything after its last sequence number on every request, so nothing is missed, repeated or reordered: these settings apply to the push strategies (hashing, Pub/Sub).';
  return null;
}

/** Whether the client-side guarantees (sequence numbers, recovery, idempotency, acks) act in this run. */
export function clientGuaranteesApply(s: Pick<Scenario, 'strategy'>): boolean {
  return s.strategy !== 'polling' && s.strategy !== 'long-polling';
}

/** Why the broker settings do nothing under this strategy, or null when they apply. */
export function brokerNA(s: Scenario): string | null {
  return s.strategy === 'pubsub'
    ? null
    : 'Only Pub/Sub has a broker: these settings apply when the strategy is Pub/Sub.';
}

/** Bus messages one publish costs in a Redis Cluster (MECHANISMS.md). */
export function busPerPublish(
  s: Pick<Scenario, 'brokerShards' | 'brokerReplicas' | 'clusterPublish'>,
): number {
  return s.clusterPublish === 'publish' ? s.brokerShards * (1 + s.brokerReplicas) - 1 : s.brokerReplicas;
}

/** One line per choice: what it costs. */
export const COST = {
  sequenceNumbers:
    'A counter per room at the chat service and a few bytes per message; in return a client can tell what it missed.',
  recovery: {
    none: 'A detected gap stays a gap: that message is lost for this user.',
    db: 'Each gap and each reconnect costs a DB read (… WHERE seq > last_seen): a reconnect storm becomes a read storm.',
    log: 'Reads the broker’s retained log instead of the DB: needs the Kafka-like broker and its disk.',
  },
  idempotent:
    'The client remembers recent (room, seq) pairs and drops copies it has seen: a little memory per client, and resends become harmless.',
  delivery: {
    'at-most-once': 'Nothing is resent: cheapest, and a push into a dead connection is gone.',
    'at-least-once':
      'Servers keep each push until the client acks it and resend after the timeout: extra copies and server memory, no silent loss.',
  },
  ackTimeoutMs: 'Shorter: faster resends but more needless copies of pushes that were only slow.',
  broker: {
    redis: 'Fire and forget: nothing is kept for a subscriber that is away.',
    'redis-cluster':
      'Channels are spread over several masters by hash slot; the cluster bus carries copies between nodes.',
    kafka:
      'Every message is kept in a partitioned log; consumers track offsets and replay after a crash: disk, and lag.',
  },
  brokerShards: 'More masters split the channels; with PUBLISH each one also receives every message.',
  brokerReplicas: 'Copies for failover: each replica receives every message of its master over the bus.',
  partitions: 'Order holds within a partition only; more partitions spread the work over more consumers.',
  consumerCommit: {
    'after-processing': 'A crash replays up to one commit interval: duplicates, nothing lost.',
    'before-processing': 'A crash loses the batch committed but not yet processed: no duplicates.',
  },
  autoCommitIntervalMs:
    'Longer: fewer commits, but more to replay (or lose) after a crash: up to interval × rate.',
} as const;
