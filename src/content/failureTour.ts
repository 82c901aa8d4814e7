/**
 * Tour chapter "Sound senior: failures and capacity" (issue 11): predict, then let the simulation
 * answer. Each answer follows from MECHANISMS.md's arithmetic; content.test.ts plays the chapter
 * headlessly and checks the simulation picks the predicted choice.
 */
import type { Chapter } from './tours';

const PUBSUB = { strategy: 'pubsub' as const, messagesPerUserPerMin: 1, roomSize: 2 };
/** 100,000 users on 4 servers; S3's process is killed (the kernel resets its sockets at once). */
const HERD = { ...PUBSUB, users: 100_000, servers: 4, drain: 'kill' as const };
const KILL = { afterS: 5, kind: 'remove-server' as const, server: 3 };

export const FAILURES_CHAPTER: Chapter = {
  id: 'failures',
  title: 'Sound senior: failures and capacity',
  summary:
    'Heartbeats notice a dead server late; a crowd reconnecting at once is a herd; a slow consumer gets cut off; one hot room makes one hot shard.',
  steps: [
    {
      text: 'A server that dies silently says nothing. Its clients only find out when the heartbeats stop: the server pings every 25 s and a client gives up after 25 + 20 s without one. At 2 s S3 goes silent (see the Failures tab).',
      scenario: { ...PUBSUB, users: 8000, servers: 4 },
      actions: [{ afterS: 2, kind: 'crash-server', server: 3 }],
      speed: 10,
      question: {
        prompt: 'On average, how long after the crash does one of S3’s clients notice?',
        choices: [
          { label: '≈ 5 s', value: 5 },
          { label: '≈ 20 s', value: 20 },
          { label: '≈ 32.5 s', value: 32.5 },
          { label: '≈ 45 s', value: 45 },
        ],
        measure: 'detectionMeanS',
        answer: 2,
        revealAfterS: 50,
        why: 'The crash lands anywhere in the 25 s ping cycle, so each client notices uniformly between 20 s and 45 s later: 20 + 25 ÷ 2 = 32.5 s on average.',
      },
    },
    {
      text: 'A killed process is different: the kernel resets every socket at once, so all 25,000 of S3’s clients know in the same instant. Here they retry immediately. The 3 other servers each let 511 connections wait to be accepted (the listen backlog); an attempt that finds it full is dropped, and TCP retries it 1 s later.',
      scenario: { ...HERD, reconnect: 'immediate' },
      actions: [KILL],
      speed: 2,
      question: {
        prompt: 'How many connection attempts are dropped in the first second after the kill?',
        choices: [
          { label: 'None', value: 0 },
          { label: '≈ 1,500', value: 1500 },
          { label: '≈ 23,000', value: 23_000 },
          { label: '≈ 100,000', value: 100_000 },
        ],
        measure: 'connectDropped',
        answer: 2,
        revealAfterS: 6,
        why: '25,000 arrive where 3 × 511 = 1,533 can wait: about 23,500 find the queues full at once (a few are accepted while they arrive). A second later their retries arrive together again: a thundering herd.',
      },
    },
    {
      text: 'The same kill, but clients back off exponentially with jitter (Socket.IO’s default): each waits about a second, moved at random by up to half, doubling after each failure.',
      scenario: { ...HERD, reconnect: 'exponential-jitter' },
      actions: [KILL],
      speed: 2,
      question: {
        prompt:
          'With immediate retries about 130,000 attempts were dropped in the 10 s after the kill. With jitter?',
        choices: [
          { label: 'About the same', value: 130_000 },
          { label: '≈ 9,000', value: 9000 },
          { label: 'None', value: 0 },
        ],
        measure: 'connectDropped',
        answer: 1,
        revealAfterS: 15,
        why: 'Jitter turns the spike into a smear over a second or more; the backlogs overflow only briefly. A rolling deploy with a lame-duck drain (see the presets) avoids even that.',
      },
    },
    {
      text: 'Redis Pub/Sub never waits for a slow subscriber: it buffers. Here one server in four (S1) reads 100 messages a second but is sent 1,250. Its backlog fills the kernel’s 4 MiB, then Redis’s output buffer up to the 32 MiB hard limit.',
      scenario: {
        ...PUBSUB,
        users: 60_000,
        servers: 4,
        messagesPerUserPerMin: 5,
        slowConsumerShare: 0.25,
        slowConsumerMsgsPerS: 100,
      },
      speed: 10,
      question: {
        prompt:
          'The backlog grows 1,150 messages (1,064 bytes each) a second. By 35 s, how many times has Redis cut S1 off?',
        choices: [
          { label: 'Never: Redis keeps buffering', value: 0 },
          { label: 'Once, at about 31 s', value: 1 },
          { label: 'Every second', value: 35 },
        ],
        measure: 'bufferDisconnects',
        answer: 1,
        revealAfterS: 35,
        why: '(4,224 KiB + 32 MiB) ÷ (1,150 × 1,064 B/s) ≈ 31 s to the hard limit. Redis closes the connection, and S1’s users lose messages until it resubscribes.',
      },
    },
    {
      text: 'Popularity is rarely even. With Zipf popularity (s = 1.1) over 1,000 rooms, the top room alone gets 1 / H(1,000, 1.1) ≈ 18 % of all messages. Rooms are spread over 4 cluster shards by hash slot.',
      scenario: {
        ...PUBSUB,
        users: 20_000,
        roomSize: 20,
        servers: 4,
        topic: 'room',
        broker: 'redis-cluster',
        brokerShards: 4,
        clusterPublish: 'spublish',
        roomPopularity: 'zipf',
        zipfS: 1.1,
      },
      speed: 5,
      question: {
        prompt: 'What share of the broker’s traffic does the busiest shard carry?',
        choices: [
          { label: '25 % (even)', value: 0.25 },
          { label: '≈ 37 %', value: 0.37 },
          { label: '≈ 60 %', value: 0.6 },
          { label: '100 %', value: 1 },
        ],
        measure: 'hottestShardShare',
        answer: 1,
        revealAfterS: 20,
        why: 'The top room’s 18 % plus about a quarter of the rest (82 % ÷ 4 ≈ 20 %) is ≈ 38 %, a little less as the next rooms land elsewhere. More shards do not split one room: that takes splitting the room’s fan-out.',
      },
    },
  ],
};
