/**
 * Presets about liveness, capacity and deploys (issue 11). Each promises one figure, worked out
 * from MECHANISMS.md's arithmetic (`promise`), that failurePresets.test.ts checks against the
 * engine run headless and e2e/failures.spec.ts against the page.
 */
import type { GuaranteePreset } from './guaranteePresets';

export type FailurePreset = GuaranteePreset;

// Thundering herd: 100,000 users on 4 servers; S3's process is killed, so its 25,000 clients are
// reset together and, retrying immediately, arrive at once at 3 servers whose listen backlogs
// (511 each, the default) hold 1,533 of them. The rest are dropped, and TCP's retries 1 s and
// 3 s later come back together again.
const HERD_USERS = 100_000;
const HERD_SERVERS = 4;
const HERD_BACKLOG = 511;
const HERD_CUT = HERD_USERS / HERD_SERVERS;
const HERD_NO_ROOM = HERD_CUT - (HERD_SERVERS - 1) * HERD_BACKLOG;

// Slow consumer: 60,000 users sending 5 a minute to one other user = 5,000 deliveries/s, 1,250 to
// each of 4 servers. One server (S1) reads 100/s: its backlog grows 1,150 msg/s. The kernel's
// 4,224 KiB fill first, then Redis's 32 MiB; each queued message is 1,024 + 40 bytes.
const SLOW_GROWTH = (60_000 * 5) / 60 / 4 - 100;
const SLOW_CUT_S = ((4224 + 32_768) * 1024) / (SLOW_GROWTH * (1024 + 40));

// Celebrity room: 1,000 rooms of 20, Zipf s = 1.1: the top room is 1 / H(1000, 1.1) of messages.
const ROOMS = 1000;
const TOP_SHARE = (() => {
  let h = 0;
  for (let k = 1; k <= ROOMS; k++) h += Math.pow(k, -1.1);
  return 1 / h;
})();
const SHARDS = 4;
/** The top room's shard if the other rooms spread evenly: top share + an even slice of the rest. */
const HOT_SHARD_ESTIMATE = TOP_SHARE + (1 - TOP_SHARE) / SHARDS;

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)} %`;

export const FAILURE_PRESETS: readonly FailurePreset[] = [
  {
    id: 'thundering-herd',
    title: 'Thundering herd',
    scenario: {
      strategy: 'pubsub',
      users: HERD_USERS,
      servers: HERD_SERVERS,
      messagesPerUserPerMin: 1,
      reconnect: 'immediate',
      drain: 'kill',
      timeline: [{ atS: 10, action: 'remove-server', server: 3 }],
    },
    watch: `At 10 s S3’s process is killed: the kernel resets its ${fmt(HERD_CUT)} sockets at once and every client retries immediately. Three servers can queue 3 × ${HERD_BACKLOG} of them, so about ${fmt(HERD_NO_ROOM)} attempts are dropped in that instant, and TCP’s retries 1 s and 3 s later come back together: Connect drops passes 100,000 by 20 s. Set Reconnect to Backoff + jitter (Failures tab): under a tenth as many. (A crash is gentler: heartbeats notice it over 25 s.)`,
    promise: {
      tile: 'metric-connect-drops',
      atS: 20,
      min: 100_000,
      max: 10 * HERD_USERS,
      formula: `${fmt(HERD_CUT)} clients arrive where 3 × ${HERD_BACKLOG} can wait: ≈ ${fmt(HERD_NO_ROOM)} dropped at once, then again at each TCP retry`,
    },
  },
  {
    id: 'rolling-deploy',
    title: 'Rolling deploy done right',
    scenario: {
      strategy: 'pubsub',
      users: 20_000,
      servers: 4,
      messagesPerUserPerMin: 1,
      drain: 'lame-duck',
      drainGraceS: 2,
      drainCloseS: 20,
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      timeline: [{ atS: 10, action: 'deploy' }],
    },
    watch:
      'At 10 s a rolling deploy restarts the servers one at a time. Each leaves as a lame duck: it stops taking new clients, waits 2 s, then closes its clients a few at a time until 20 s (about 280 a second, against 15,000/s the other three can accept), and jittered backoff spreads them further. The accept queue never holds more than a handful, not one connection attempt is dropped, and with sequence numbers and DB recovery nothing is lost. Set Drain to Kill and Reconnect to Immediate: tens of thousands of dropped attempts.',
    promise: {
      tile: 'metric-connect-drops',
      atS: 100,
      min: 0,
      max: 0,
      formula:
        '5,000 clients closed over 18 s ≈ 280/s per leaving server, far below 3 × 5,000 accepts/s: nothing queues past the backlog',
    },
  },
  {
    id: 'slow-consumer',
    title: 'A slow consumer gets cut off',
    scenario: {
      strategy: 'pubsub',
      users: 60_000,
      servers: 4,
      messagesPerUserPerMin: 5,
      slowConsumerShare: 0.25,
      slowConsumerMsgsPerS: 100,
    },
    watch: `One server in four (S1) reads from Redis only 100 messages a second but is sent 1,250: its backlog grows ${fmt(SLOW_GROWTH)} a second. The kernel’s 4 MiB fill first, then Redis’s output buffer reaches its 32 MiB hard limit after about ${SLOW_CUT_S.toFixed(0)} s, and Redis cuts S1 off: Cut off turns 1 and its users’ messages are lost until it resubscribes.`,
    promise: {
      tile: 'metric-buffer-disconnects',
      atS: 35,
      min: 1,
      max: 1,
      formula: `(4,224 KiB + 32 MiB) ÷ (${fmt(SLOW_GROWTH)} msg/s × 1,064 B) ≈ ${SLOW_CUT_S.toFixed(1)} s to the hard limit`,
    },
  },
  {
    id: 'celebrity-room',
    title: 'A celebrity room',
    scenario: {
      strategy: 'pubsub',
      broker: 'redis-cluster',
      brokerShards: SHARDS,
      clusterPublish: 'spublish',
      topic: 'room',
      users: 20_000,
      roomSize: 20,
      servers: 4,
      messagesPerUserPerMin: 1,
      roomPopularity: 'zipf',
      zipfS: 1.1,
    },
    watch: `1,000 rooms, but senders pick them by Zipf popularity (s = 1.1): the top room alone gets 1 / H(1,000, 1.1) ≈ ${pct(TOP_SHARE)} of all messages. Its shard carries that plus a slice of the rest: close to ${pct(TOP_SHARE)} + ${pct(1 - TOP_SHARE)} ÷ ${SHARDS} ≈ ${pct(HOT_SHARD_ESTIMATE)} of the cluster’s traffic (a little less, as the next-hottest rooms land on other shards), where an even spread would be ${pct(1 / SHARDS)}. Watch Hot shard; more shards will not split one room.`,
    promise: {
      tile: 'metric-hot-shard',
      atS: 20,
      min: HOT_SHARD_ESTIMATE - 0.05,
      max: HOT_SHARD_ESTIMATE + 0.01,
      formula: `top room + an even slice of the rest = ${pct(TOP_SHARE)} + ${pct(1 - TOP_SHARE)} ÷ ${SHARDS} ≈ ${pct(HOT_SHARD_ESTIMATE)}`,
    },
  },
];
