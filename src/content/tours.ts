import type { ActionKind, LiveSnapshot, ScenarioInput } from '../engine';
import { FAILURES_CHAPTER } from './failureTour';
import { GUARANTEES_CHAPTER } from './guaranteeTour';

/** What the simulation measures to answer a question. */
export type Measure =
  | 'dbReadsPerS'
  | 'emptyPollShare'
  | 'reconnectShare'
  | 'latencyP50Ms'
  | 'lostDeliveries'
  | 'connectionsMoved'
  /** Copies resent or replayed since the step began (delivery guarantees). */
  | 'redeliveries'
  /** Cluster bus messages per accepted publish since the step began (Redis Cluster). */
  | 'busPerPublish'
  /** Mean heartbeat detection delay of clients that noticed a dead server, seconds. */
  | 'detectionMeanS'
  /** Connection attempts dropped at a full listen backlog since the step began. */
  | 'connectDropped'
  /** Subscribers the broker cut off at an output-buffer limit since the step began. */
  | 'bufferDisconnects'
  /** Share of broker traffic on the busiest shard or partition. */
  | 'hottestShardShare';

export interface Question {
  prompt: string;
  choices: { label: string; value: number }[];
  measure: Measure;
  /** When to read the answer: simulated seconds after the step starts. */
  revealAfterS: number;
  /** Index of the choice the whiteboard arithmetic predicts (tests check the simulation agrees). */
  answer: number;
  /** Shown with the measured answer. */
  why: string;
}

export interface TourStep {
  /** What to notice, in a few sentences. */
  text: string;
  /** Restart on this scenario when the step opens (omit to keep the running one). */
  scenario?: ScenarioInput;
  /** Actions at simulated seconds after the step starts. */
  actions?: { afterS: number; kind: ActionKind; server?: number }[];
  /** Simulated seconds per wall second while the step plays. */
  speed?: number;
  question?: Question;
}

export interface Chapter {
  id: string;
  title: string;
  summary: string;
  steps: TourStep[];
}

/**
 * Reads a question's answer off the running simulation. `atStart` is the snapshot taken when the
 * step began (for shares of what happened since).
 */
export function measure(m: Measure, now: LiveSnapshot, atStart: LiveSnapshot | null, users: number): number {
  const t = now.totals;
  const s0 = atStart?.totals;
  switch (m) {
    case 'dbReadsPerS':
      return now.lastSecond?.dbReads ?? 0;
    case 'emptyPollShare': {
      const reads = t.dbReads - (s0?.dbReads ?? 0);
      return reads > 0 ? (t.emptyPolls - (s0?.emptyPolls ?? 0)) / reads : 0;
    }
    case 'reconnectShare':
      return (t.reconnects - (s0?.reconnects ?? 0)) / users;
    case 'latencyP50Ms':
      return now.recentLatency.p50Ms;
    case 'lostDeliveries':
      return t.lostDeliveries - (s0?.lostDeliveries ?? 0);
    case 'connectionsMoved':
      return t.reconnects - (s0?.reconnects ?? 0);
    case 'redeliveries':
      return t.redeliveries - (s0?.redeliveries ?? 0);
    case 'busPerPublish': {
      const accepted =
        t.brokerPublishes - t.brokerDropped - ((s0?.brokerPublishes ?? 0) - (s0?.brokerDropped ?? 0));
      return accepted > 0 ? (t.clusterBusMessages - (s0?.clusterBusMessages ?? 0)) / accepted : 0;
    }
    case 'detectionMeanS':
      return t.detectionMs.mean / 1000;
    case 'connectDropped':
      return t.connectDropped - (s0?.connectDropped ?? 0);
    case 'bufferDisconnects':
      return t.bufferDisconnects - (s0?.bufferDisconnects ?? 0);
    case 'hottestShardShare':
      return t.hottestShardShare;
  }
}

/** The choice closest to a measured value (the simulation's answer). */
export function closestChoice(q: Question, measured: number): number {
  let best = 0;
  for (let i = 1; i < q.choices.length; i++) {
    if (Math.abs(q.choices[i]!.value - measured) < Math.abs(q.choices[best]!.value - measured)) best = i;
  }
  return best;
}

const pct = (x: number) => ({ label: `${Math.round(x * 100)} %`, value: x });

export const CHAPTERS: readonly Chapter[] = [
  {
    id: 'polling',
    title: 'Polling: simple, and what it costs',
    summary: 'The client asks on a timer; every ask is a DB query, whether or not anything changed.',
    steps: [
      {
        text: 'Watch one poll in slow motion: client → load balancer → server → DB, and back. Nothing triggers the server — the request itself is the trigger. Servers keep no state, so adding one is trivial.',
        scenario: {
          strategy: 'polling',
          users: 10_000,
          pollIntervalS: 5,
          messagesPerUserPerMin: 1,
          roomSize: 2,
          servers: 4,
        },
        speed: 0.05,
      },
      {
        text: 'Now at full speed. Every user polls every 5 s, so the DB answers users ÷ interval queries a second — busy or idle.',
        speed: 1,
        question: {
          prompt: '10,000 users poll every 5 s. How many DB reads per second?',
          choices: [
            { label: '200', value: 200 },
            { label: '2,000', value: 2_000 },
            { label: '10,000', value: 10_000 },
            { label: '50,000', value: 50_000 },
          ],
          measure: 'dbReadsPerS',
          answer: 1,
          revealAfterS: 8,
          why: 'users ÷ interval = 10,000 ÷ 5 s = 2,000 reads/s, whether or not anything changed.',
        },
      },
      {
        text: 'Each user receives one message a minute, but asks twelve times a minute. Most answers are empty — that is the price of pull.',
        question: {
          prompt: 'What share of polls come back empty?',
          choices: [pct(0.1), pct(0.5), pct(0.92), pct(1)],
          measure: 'emptyPollShare',
          answer: 2,
          revealAfterS: 20,
          why: 'P(empty) = e^(−λT) = e^(−(1/60) × 5) ≈ 92 %.',
        },
      },
      {
        text: 'Latency is set by the interval: a message waits for the recipient’s next poll — half an interval on average. Make the interval shorter and the DB load grows in proportion.',
        question: {
          prompt: 'With a 5 s interval, what is the median delivery latency?',
          choices: [
            { label: '20 ms', value: 20 },
            { label: '2.5 s', value: 2_520 },
            { label: '5 s', value: 5_020 },
          ],
          measure: 'latencyP50Ms',
          answer: 1,
          revealAfterS: 10,
          why: 'Half an interval (2.5 s) plus the way back (≈ 20 ms).',
        },
      },
    ],
  },
  {
    id: 'simple-hashing',
    title: 'Simple hashing and the reconnect storm',
    summary: 'Each user’s connection lives on server hash(user) mod N — until N changes.',
    steps: [
      {
        text: 'Users hold WebSockets. A client reaches any server, which computes hash(user) mod N and redirects it to the owner. The chat service routes each message straight to the recipient’s owner. N lives in the coordination service.',
        scenario: {
          strategy: 'modulo-hashing',
          users: 20_000,
          servers: 4,
          messagesPerUserPerMin: 6,
          roomSize: 2,
        },
        speed: 1,
      },
      {
        text: 'Now add a fifth server. Predict first.',
        actions: [{ afterS: 2, kind: 'add-server' }],
        question: {
          prompt: '4 → 5 servers with simple hashing: what share of users must reconnect?',
          choices: [pct(0.2), pct(0.5), pct(0.8), pct(1)],
          measure: 'reconnectShare',
          answer: 2,
          revealAfterS: 8,
          why: 'hash mod 4 and hash mod 5 agree for only 1 user in 5: N ÷ (N + 1) = 80 % move — a reconnect storm, with messages lost in the gap.',
        },
      },
    ],
  },
  {
    id: 'consistent-hashing',
    title: 'Consistent hashing and the scale-out procedure',
    summary:
      'A ring with virtual nodes moves only a slice of users — and a careful migration loses none of their messages.',
    steps: [
      {
        text: 'Servers own arcs of a hash ring; a user belongs to the next server clockwise. Virtual nodes (many points per server) even out the arcs.',
        scenario: {
          strategy: 'consistent-hashing',
          users: 20_000,
          servers: 4,
          vnodes: 100,
          messagesPerUserPerMin: 6,
          roomSize: 2,
          drainS: 5,
        },
        speed: 1,
      },
      {
        text: 'The senior answer is a procedure: 1) announce the change; 2) record both the old and the new owner in the coordination service; 3) drain moving users gradually to their new owner; 4) while they move, send each message to both owners — the client drops duplicates by message id; 5) finalize.',
        actions: [{ afterS: 2, kind: 'add-server' }],
        speed: 0.5,
        question: {
          prompt: '4 → 5 servers on the ring: what share of users must reconnect?',
          choices: [pct(0.2), pct(0.5), pct(0.8), pct(1)],
          measure: 'reconnectShare',
          answer: 0,
          revealAfterS: 12,
          why: 'Only the arcs the new server takes over change hands: ≈ 1 ÷ (N + 1) = 20 %.',
        },
      },
      {
        text: 'Look at the totals: duplicates (dropped by the clients), and no lost deliveries — the price of the dual-send window is a few extra copies, not lost messages.',
        question: {
          prompt: 'How many deliveries were lost during that migration?',
          choices: [
            { label: 'none', value: 0 },
            { label: 'a few hundred', value: 300 },
            { label: 'thousands', value: 5_000 },
          ],
          measure: 'lostDeliveries',
          answer: 0,
          revealAfterS: 2,
          why: 'The new owner buffers for each moving user until it arrives, and the old owner keeps delivering until it leaves.',
        },
      },
    ],
  },
  {
    id: 'pubsub',
    title: 'Pub/sub: fan-out, and the broker in the middle',
    summary:
      'Nobody needs to know which server holds a user: servers subscribe to topics, the broker fans out.',
    steps: [
      {
        text: 'A client connects to any server (least connections); the server subscribes to the user’s topic at the broker. The chat service publishes after the DB write; the broker delivers to the subscribed server, which forwards to the client.',
        scenario: { strategy: 'pubsub', users: 20_000, servers: 4, messagesPerUserPerMin: 6, roomSize: 2 },
        speed: 0.05,
      },
      {
        text: 'Scaling the endpoint tier is easy: add a server and predict what happens to existing connections.',
        speed: 1,
        actions: [{ afterS: 2, kind: 'add-server' }],
        question: {
          prompt: 'Add a fifth server. What share of users reconnect?',
          choices: [pct(0), pct(0.2), pct(0.8)],
          measure: 'reconnectShare',
          answer: 0,
          revealAfterS: 6,
          why: 'No server owns a user: the new one simply takes new connections.',
        },
      },
      {
        text: 'The catch: the broker is one more hop, a throughput ceiling, and — unless clustered — a single point of failure. Redis Pub/Sub is at-most-once: a message published while a user is reconnecting is gone. Crash a server and watch lost deliveries.',
        actions: [{ afterS: 1, kind: 'crash-server', server: 0 }],
        question: {
          prompt: 'A server crashes. Are any deliveries lost?',
          choices: [
            { label: 'none', value: 0 },
            { label: 'some', value: 100 },
          ],
          measure: 'lostDeliveries',
          answer: 1,
          revealAfterS: 8,
          why: 'Until its users notice (heartbeat timeout) and re-subscribe elsewhere, their messages go to a dead server — at-most-once delivery loses them.',
        },
      },
    ],
  },
  {
    id: 'choosing',
    title: 'Choosing — and when not to push',
    summary:
      'Hashing for heavy per-connection state, pub/sub for broadcast and light state, polling when it is enough.',
    steps: [
      {
        text: 'Open Compare to run one workload through all four at once. Pub/sub: lowest latency, no churn, but a broker to run. Consistent hashing: a server owns each user’s state — right for a document being edited. Simple hashing: a storm on every change.',
        scenario: { strategy: 'pubsub', users: 20_000, servers: 4, messagesPerUserPerMin: 6, roomSize: 2 },
      },
      {
        text: 'Rare updates, tolerant users, small scale: poll. 50 admins refreshing a dashboard every 30 s cost under 2 DB reads a second. Choosing the simpler design when it is enough is the senior answer.',
        scenario: {
          strategy: 'polling',
          users: 50,
          roomSize: 50,
          messagesPerUserPerMin: 0.2,
          pollIntervalS: 30,
          servers: 2,
        },
        question: {
          prompt: '50 admins poll every 30 s. DB reads per second?',
          choices: [
            { label: '≈ 1.7', value: 50 / 30 },
            { label: '≈ 50', value: 50 },
            { label: '≈ 1,500', value: 1_500 },
          ],
          measure: 'dbReadsPerS',
          answer: 0,
          revealAfterS: 40,
          why: '50 ÷ 30 s ≈ 1.7 reads/s: nothing worth a broker or a ring.',
        },
      },
    ],
  },
  GUARANTEES_CHAPTER,
  FAILURES_CHAPTER,
];

export function chapterById(id: string): Chapter | undefined {
  return CHAPTERS.find((c) => c.id === id);
}
