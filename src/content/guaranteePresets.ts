/**
 * Presets about delivery guarantees (issue 10). Each promises one figure, written from
 * MECHANISMS.md's formulas (`promise`), that the tests check against the formula and the page.
 */
import type { Preset } from './presets';

/** What a preset promises: a headline tile's value by a simulated time, with its formula. */
export interface PresetPromise {
  /** Test id of the tile (`metric-lost`, `metric-redeliveries`, `metric-cluster-bus` …). */
  tile: string;
  /** Read it once simulated time has passed this (s). */
  atS: number;
  min: number;
  max: number;
  /** The arithmetic, in words. */
  formula: string;
}

export interface GuaranteePreset extends Preset {
  promise: PresetPromise;
}

// Heartbeats at their defaults: pings every 25 s, 20 s timeout, so a client notices a silent
// server uniformly 20–45 s after it crashed (mean 32.5 s; MECHANISMS.md).
const DETECT_MEAN_S = 20 + 25 / 2;

export const GUARANTEE_PRESETS: readonly GuaranteePreset[] = [
  {
    id: 'redis-forgets',
    title: 'Redis forgets a crashed server’s messages',
    scenario: {
      strategy: 'pubsub',
      users: 2000,
      servers: 4,
      messagesPerUserPerMin: 1,
      timeline: [{ atS: 10, action: 'crash-server', server: 3 }],
    },
    watch:
      'At 10 s S3 dies silently. Its 500 users notice only 20–45 s later (heartbeats); until then Redis Pub/Sub delivers their messages to nobody and keeps nothing: Lost climbs to about 500 × 1/min × 32.5 s ≈ 270 and stays there.',
    promise: {
      tile: 'metric-lost',
      atS: 58,
      // 500 users each receiving 1/min, for the mean detection time; the reconnect adds a second or two.
      min: Math.round(0.8 * 500 * (1 / 60) * DETECT_MEAN_S),
      max: Math.round(1.3 * 500 * (1 / 60) * DETECT_MEAN_S),
      formula: 'users on S3 × messages per user per second × mean detection = 500 × 1/60 × 32.5 s ≈ 271',
    },
  },
  {
    id: 'kafka-replays',
    title: 'Kafka replays after a crash',
    scenario: {
      strategy: 'pubsub',
      broker: 'kafka',
      users: 12_000,
      servers: 4,
      messagesPerUserPerMin: 1,
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      timeline: [{ atS: 10, action: 'crash-server', server: 3 }],
    },
    watch:
      'At 10 s S3 crashes with up to 5 s of processed but uncommitted records. When its partitions are handed on, the others resume from the last commit: Redeliveries jumps by at most 5 s × 50 records/s = 250, the idempotent client drops the copies, and Lost stays 0.',
    promise: {
      tile: 'metric-redeliveries',
      atS: 58,
      min: 0,
      // 12,000 users × 1/min = 200 records/s over 4 consumers: 50/s each; commits every 5 s.
      max: 5 * (12_000 / 60 / 4),
      formula: 'replayed copies uniform on [0, interval × rate] = [0, 5 s × 50/s] = [0, 250]',
    },
  },
  {
    id: 'deploy-no-loss',
    title: 'Deploy without losing a message',
    scenario: {
      strategy: 'pubsub',
      users: 2000,
      servers: 3,
      messagesPerUserPerMin: 1,
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      drainGraceS: 2,
      drainCloseS: 10,
      timeline: [{ atS: 15, action: 'deploy' }],
    },
    watch:
      'At 15 s a rolling deploy restarts every server in turn, each closing its clients a few at a time. Each reconnecting client asks the DB for everything after its last sequence number: Recovered climbs, Lost stays at 0.',
    promise: {
      tile: 'metric-lost',
      atS: 60,
      min: 0,
      max: 0,
      formula: 'sequence numbers + recovery + idempotency: every message exactly once, so 0 lost',
    },
  },
  {
    id: 'cluster-publish',
    title: 'Cluster fan-out: PUBLISH vs SPUBLISH',
    scenario: {
      strategy: 'pubsub',
      broker: 'redis-cluster',
      brokerShards: 3,
      brokerReplicas: 1,
      clusterPublish: 'publish',
      users: 10_000,
      servers: 4,
      messagesPerUserPerMin: 1,
    },
    watch:
      'Three masters with a replica each: a PUBLISH crosses the cluster bus to all 3 × (1 + 1) − 1 = 5 other nodes, so Bus msgs is 5 × publishes. Switch Cluster publish to SPUBLISH in the Guarantees tab: 1 per publish.',
    promise: {
      tile: 'metric-cluster-bus',
      atS: 5,
      // Checked as a ratio: bus messages ÷ accepted publishes (the explanation shows both).
      min: 3 * (1 + 1) - 1,
      max: 3 * (1 + 1) - 1,
      formula: 'bus messages per publish = shards × (1 + replicas) − 1 = 5',
    },
  },
];
