/**
 * Tour chapter "Sound senior: delivery guarantees" (issue 10): predict, then let the simulation
 * answer. Each answer follows from MECHANISMS.md's arithmetic; content.test.ts plays the chapter
 * headlessly and checks the simulation picks the predicted choice.
 */
import type { Chapter } from './tours';

const CRASH = { afterS: 5, kind: 'crash-server' as const, server: 3 };
const BASE = { strategy: 'pubsub' as const, users: 2000, servers: 4, messagesPerUserPerMin: 1, roomSize: 2 };

export const GUARANTEES_CHAPTER: Chapter = {
  id: 'guarantees',
  title: 'Sound senior: delivery guarantees',
  summary:
    'Sequence numbers, recovery and idempotency turn "at most once" into "every message exactly once"; a log replays; a cluster bus costs.',
  steps: [
    {
      text: 'Redis Pub/Sub is fire and forget. At 5 s server S3 goes silent; its clients only notice when the heartbeats stop (20–45 s later). Until then the broker hands their messages to a dead server.',
      scenario: BASE,
      actions: [CRASH],
      speed: 10,
      question: {
        prompt: 'S3 held 500 users, each receiving 1 message a minute. About how many deliveries are lost?',
        choices: [
          { label: 'None', value: 0 },
          { label: '≈ 30', value: 30 },
          { label: '≈ 270', value: 270 },
          { label: '≈ 2,000', value: 2000 },
        ],
        measure: 'lostDeliveries',
        answer: 2,
        revealAfterS: 55,
        why: '500 users × 1/60 per second × 32.5 s (the mean time to notice) ≈ 270, plus the reconnect.',
      },
    },
    {
      text: 'Now the senior version (see the Guarantees tab): every message carries its room’s sequence number, a client that reconnects or sees a gap asks the DB for everything after its last number, and drops what it has already seen.',
      scenario: { ...BASE, sequenceNumbers: true, recovery: 'db', idempotent: true },
      actions: [CRASH],
      speed: 10,
      question: {
        prompt: 'Same crash, with sequence numbers, DB recovery and an idempotent client. How many are lost?',
        choices: [
          { label: 'None', value: 0 },
          { label: '≈ 30', value: 30 },
          { label: '≈ 270', value: 270 },
        ],
        measure: 'lostDeliveries',
        answer: 0,
        revealAfterS: 55,
        why: 'Each reconnecting client reads WHERE seq > last_seen: what the push lost, recovery brings (watch Recovered); duplicates are dropped.',
      },
    },
    {
      text: 'A Kafka-like log keeps every message. Consumers (the endpoint servers) commit their offset every 5 s after processing. When S3 crashes, the others take its partitions and resume from its last commit.',
      scenario: {
        ...BASE,
        users: 12_000,
        broker: 'kafka',
        sequenceNumbers: true,
        recovery: 'db',
        idempotent: true,
      },
      actions: [CRASH],
      speed: 10,
      question: {
        prompt:
          'Each consumer takes 50 records a second and commits every 5 s. How many copies does the crash replay?',
        choices: [
          { label: 'None: a log never repeats', value: 0 },
          { label: 'Between 0 and 250', value: 125 },
          { label: 'Everything since t = 0', value: 3000 },
        ],
        measure: 'redeliveries',
        answer: 1,
        revealAfterS: 55,
        why: 'What S3 processed since its last commit is processed again: uniform on [0, 5 s × 50/s] — duplicates, nothing lost. Committing before processing would lose that batch instead.',
      },
    },
    {
      text: 'A Redis Cluster spreads channels over masters by hash slot. But a plain PUBLISH is broadcast over the cluster bus to every other node, replicas included.',
      scenario: {
        ...BASE,
        users: 10_000,
        broker: 'redis-cluster',
        brokerShards: 3,
        brokerReplicas: 1,
        clusterPublish: 'publish',
      },
      speed: 1,
      question: {
        prompt: '3 masters with 1 replica each. How many bus messages does one PUBLISH cost?',
        choices: [
          { label: '1', value: 1 },
          { label: '3', value: 3 },
          { label: '5', value: 5 },
          { label: '6', value: 6 },
        ],
        measure: 'busPerPublish',
        answer: 2,
        revealAfterS: 5,
        why: 'Every other node: shards × (1 + replicas) − 1 = 3 × 2 − 1 = 5. It grows with the cluster, so adding shards does not scale PUBLISH.',
      },
    },
    {
      text: 'SPUBLISH (sharded pub/sub, Redis 7) keeps a message inside its shard: only that master’s replicas hear it.',
      scenario: {
        ...BASE,
        users: 10_000,
        broker: 'redis-cluster',
        brokerShards: 3,
        brokerReplicas: 1,
        clusterPublish: 'spublish',
      },
      speed: 1,
      question: {
        prompt: 'Same cluster with SPUBLISH. Bus messages per publish?',
        choices: [
          { label: '1', value: 1 },
          { label: '3', value: 3 },
          { label: '5', value: 5 },
        ],
        measure: 'busPerPublish',
        answer: 0,
        revealAfterS: 5,
        why: 'Only the shard’s replicas: 1. Sharded pub/sub is what lets a cluster scale publishes.',
      },
    },
  ],
};
