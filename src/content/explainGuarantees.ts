/**
 * "Explain this number" for the delivery-guarantee figures (issue 10). The arithmetic uses the
 * model's own totals (what it counted so far) and, where MECHANISMS.md gives one, the formula's
 * prediction: bus messages per publish, and the bound on a Kafka-like replay.
 */
import type { Scenario } from '../engine';

/** The run's delivery-guarantee totals, as the page's summary carries them. */
export interface GuaranteeFigures {
  gapsDetected: number;
  recoveredDeliveries: number;
  recoveryReads: number;
  redeliveries: number;
  duplicatesDropped: number;
  /** Copies the application saw twice (not dropped by an idempotent client). */
  duplicateDeliveries: number;
  orderViolations: number;
  clusterBusMessages: number;
  consumerLagMax: number;
  /** Publishes the broker accepted (offered − dropped). */
  publishesAccepted: number;
  deliveries: number;
  lostDeliveries: number;
  /** First copies the idempotent client's 32-message window took for seen (lost; in lostDeliveries). */
  dedupeWindowLost: number;
  /** Kafka-like: copies replayed after a rebalance, and records lost at consumers. */
  replayedCopies: number;
  lostRecords: number;
  /** Kafka-like: each consumer's lag now (index = server id). */
  consumerLagNow: number[];
}

export type GuaranteeMetricId =
  'gaps' | 'recovered' | 'duplicates-dropped' | 'redeliveries' | 'consumer-lag' | 'cluster-bus';

export interface GuaranteeExplanation {
  title: string;
  lines: string[];
  expected: number | null;
  unit: string;
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const n = (x: number) => nf.format(x);
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Bus messages one accepted publish sends in a Redis Cluster (MECHANISMS.md). */
export function clusterBusPerPublish(
  s: Pick<Scenario, 'brokerShards' | 'brokerReplicas' | 'clusterPublish'>,
): number {
  return s.clusterPublish === 'publish' ? s.brokerShards * (1 + s.brokerReplicas) - 1 : s.brokerReplicas;
}

/** Records one Kafka-like consumer takes per second when `servers` share the partitions evenly. */
export function recordsPerConsumerPerS(s: Scenario, servers: number): number {
  const perMessage = s.topic === 'user' ? s.roomSize - 1 : 1;
  return (((s.users * s.messagesPerUserPerMin) / 60) * perMessage) / Math.max(1, servers);
}

/**
 * Most copies a consumer crash can replay with commits after processing: what it processed since
 * its last commit, at most one interval of its records (MECHANISMS.md: uniform on [0, interval × rate]).
 */
export function replayBound(s: Scenario, servers: number): number {
  const copiesPerRecord = s.topic === 'room' ? s.roomSize - 1 : 1;
  return (s.autoCommitIntervalMs / 1000) * recordsPerConsumerPerS(s, servers) * copiesPerRecord;
}

/** Every count at zero (before the first summary arrives). */
export const NO_GUARANTEE_FIGURES: GuaranteeFigures = {
  gapsDetected: 0,
  recoveredDeliveries: 0,
  recoveryReads: 0,
  redeliveries: 0,
  duplicatesDropped: 0,
  duplicateDeliveries: 0,
  orderViolations: 0,
  clusterBusMessages: 0,
  consumerLagMax: 0,
  publishesAccepted: 0,
  deliveries: 0,
  lostDeliveries: 0,
  dedupeWindowLost: 0,
  replayedCopies: 0,
  lostRecords: 0,
  consumerLagNow: [],
};

export function explainGuarantee(
  metric: GuaranteeMetricId,
  s: Scenario,
  f: GuaranteeFigures | undefined,
  servers: number,
): GuaranteeExplanation {
  const g = f ?? NO_GUARANTEE_FIGURES;
  switch (metric) {
    case 'gaps':
      return {
        title: 'Gaps detected',
        lines: [
          'Each message carries its room’s sequence number; a client expecting n + 1 that receives a higher number knows it missed something: one gap, however many numbers it spans.',
          `So far: ${n(g.gapsDetected)} gaps, while ${n(g.lostDeliveries)} deliveries are counted lost and ${n(g.orderViolations)} messages reached the application out of order.`,
          s.recovery === 'none'
            ? 'With recovery off, a gap is only noticed: what it covers stays missing.'
            : `Each gap starts a recovery fetch (${s.recovery === 'db' ? 'a DB read' : 'a log read'}) for everything after the last number seen.`,
        ],
        expected: null,
        unit: '',
      };
    case 'recovered': {
      const per = g.recoveryReads > 0 ? g.recoveredDeliveries / g.recoveryReads : 0;
      return {
        title: 'Messages recovered',
        lines: [
          `On every gap and every reconnect the client asks for … WHERE seq > last_seen: ${n(g.recoveryReads)} recovery reads so far${s.recovery === 'db' ? ', each a real query that loads the DB' : ''}.`,
          `They brought ${n(g.recoveredDeliveries)} messages that the push never delivered: ${n(g.recoveredDeliveries)} ÷ ${n(g.recoveryReads)} = ${nf2.format(per)} per read (most reconnect reads find nothing).`,
          `Still lost: ${n(g.lostDeliveries)}.`,
        ],
        expected: null,
        unit: '',
      };
    }
    case 'duplicates-dropped':
      return {
        title: 'Duplicates dropped by the idempotent client',
        lines: [
          `Copies arrive twice when a server resends after a missing ack or a consumer replays (${n(g.redeliveries)} redeliveries so far), when a migration sends to both owners, or when a recovery read and a late push bring the same message.`,
          `The client has seen that (room, seq) already and drops it: ${n(g.duplicatesDropped)} dropped; the application saw ${n(g.duplicateDeliveries)} duplicates.`,
          ...(s.recovery === 'none'
            ? [
                `It remembers the 32 numbers above the last one it has in order: without recovery, a first copy that comes more than 32 behind the newest is taken for seen and dropped, and the application never gets it (${n(g.dedupeWindowLost)} so far, counted lost).`,
              ]
            : []),
        ],
        expected: null,
        unit: '',
      };
    case 'redeliveries': {
      if (s.broker === 'kafka' && s.strategy === 'pubsub') {
        const bound = replayBound(s, Math.max(1, servers));
        return {
          title: 'Copies replayed',
          lines: [
            `A consumer commits its offset every ${n(s.autoCommitIntervalMs / 1000)} s ${s.consumerCommit === 'after-processing' ? 'after processing' : 'before processing'}; after a crash its partitions go to the others, which resume after the last commit.`,
            s.consumerCommit === 'after-processing'
              ? `What the crashed consumer processed since its last commit is replayed: between 0 and interval × rate = ${n(s.autoCommitIntervalMs / 1000)} s × ${n(recordsPerConsumerPerS(s, servers))} records/s ≈ ${n(bound)} copies per crash (uniform).`
              : 'Committing first means nothing is replayed: the fetched but unprocessed batch is lost instead.',
            `Measured: ${n(g.replayedCopies)} replayed, ${n(g.lostRecords)} records lost at consumers, ${n(g.redeliveries)} redeliveries in all.`,
          ],
          expected: s.consumerCommit === 'before-processing' ? 0 : null,
          unit: '',
        };
      }
      const share = g.deliveries > 0 ? g.redeliveries / g.deliveries : 0;
      return {
        title: 'Redeliveries',
        lines:
          s.delivery === 'at-least-once'
            ? [
                `A server keeps each push until the client acknowledges it and resends after ${n(s.ackTimeoutMs)} ms without an ack.`,
                `${n(g.redeliveries)} resends for ${n(g.deliveries)} deliveries = ${n(share * 100)} %: pushes into a dead connection, and acks that were only slow.`,
              ]
            : ['At most once: nothing is ever resent.'],
        expected: s.delivery === 'at-least-once' ? null : 0,
        unit: '',
      };
    }
    case 'consumer-lag': {
      const now = g.consumerLagNow.reduce((m, x) => Math.max(m, x), 0);
      return {
        title: 'Consumer lag',
        lines: [
          'A consumer’s lag is the records appended to its partitions that it has not processed yet: log-end offset − processed offset, summed over its partitions.',
          `A consumer keeping up lags by the records in flight; a crashed one lags by everything since the crash until its partitions are handed on. Largest now: ${n(now)}; largest so far: ${n(g.consumerLagMax)}.`,
        ],
        expected: null,
        unit: 'msgs',
      };
    }
    case 'cluster-bus': {
      const per = clusterBusPerPublish(s);
      return {
        title: 'Cluster bus messages',
        lines: [
          s.clusterPublish === 'publish'
            ? `PUBLISH: every message crosses the bus to every other node: shards × (1 + replicas) − 1 = ${s.brokerShards} × (1 + ${s.brokerReplicas}) − 1 = ${per} per publish.`
            : `SPUBLISH: a message stays in its shard and goes only to that shard's replicas: ${per} per publish.`,
          `${n(g.publishesAccepted)} publishes accepted × ${per} = ${n(g.publishesAccepted * per)} bus messages.`,
        ],
        expected: g.publishesAccepted * per,
        unit: '',
      };
    }
  }
}
