import type { ActionReport, Scenario } from '../engine';
import { explainGuarantee, type GuaranteeFigures, type GuaranteeMetricId } from './explainGuarantees';
import { explainLiveness, type LivenessFigures, type LivenessMetricId } from './explainLiveness';

/** Headline metrics that can explain themselves. */
export type MetricId =
  | 'db-reads'
  | 'db-writes'
  | 'empty-polls'
  | 'latency-p50'
  | 'latency-p99'
  | 'reconnects'
  | 'connections'
  | 'lost'
  | 'broker'
  | GuaranteeMetricId
  | LivenessMetricId;

export interface Explanation {
  metric: MetricId;
  title: string;
  /** The arithmetic with the current values substituted, one step per line. */
  lines: string[];
  /** What the formula predicts (null when it predicts no single number). */
  expected: number | null;
  unit: string;
}

/** What the explanation needs besides the scenario. */
export interface ExplainContext {
  /** Endpoint servers up now. */
  servers: number;
  /** The last scale action, with the number of servers just before it. */
  lastAction?: (ActionReport & { serversBefore: number }) | undefined;
  /** The run's delivery-guarantee totals (content/explainGuarantees.ts). */
  figures?: GuaranteeFigures | undefined;
  /** The run's liveness totals (content/explainLiveness.ts). */
  liveness?: LivenessFigures | undefined;
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const n = (x: number) => nf.format(x);
const pct = (x: number) => `${nf.format(x * 100)} %`;
const ms = (x: number) => (x >= 1000 ? `${nf2.format(x / 1000)} s` : `${nf.format(x)} ms`);

/** DB capacity in queries per second: concurrency ÷ service time. */
export function dbCapacityPerS(s: Scenario): number {
  return (s.dbConcurrency * 1000) / s.dbQueryMs;
}

/** Rate at which one user receives messages from the others in its room (per second). */
export function receiveRatePerS(s: Scenario): number {
  return ((s.roomSize - 1) * s.messagesPerUserPerMin) / 60;
}

/** One-way path from the DB to a client, per strategy (ms): what every delivery pays at least. */
export function pushPathMs(s: Scenario): { total: number; parts: string[] } {
  const dc = s.networkRttMs / 2;
  const client = s.clientRttMs / 2;
  const proc = s.serverProcessingMs;
  if (s.strategy === 'pubsub' || s.strategy === 'long-polling') {
    const broker = 1000 / s.brokerCapacityPerS;
    const last = s.strategy === 'long-polling' ? 'server answers the held request' : 'server';
    return {
      total: 3 * dc + broker + proc + client,
      parts: [
        `DB → chat → broker → server: 3 × ${ms(dc)}`,
        `broker routing ${ms(broker)}`,
        `${last} ${ms(proc)}`,
        `server → client ${ms(client)}`,
      ],
    };
  }
  if (s.strategy === 'polling') {
    return {
      total: dc + proc + client,
      parts: [`DB → server ${ms(dc)}`, `server ${ms(proc)}`, `server → client ${ms(client)}`],
    };
  }
  return {
    total: 2 * dc + proc + client,
    parts: [`DB → chat → owner: 2 × ${ms(dc)}`, `server ${ms(proc)}`, `server → client ${ms(client)}`],
  };
}

/**
 * Long polling's request rate per user (RFC 6202): a request ends at the first news (rate λ) or
 * at the hold τ, whichever is first, so it lasts (1 − e^(−λτ)) ÷ λ on average and a user asks
 * λ ÷ (1 − e^(−λτ)) times a second (1 ÷ τ with no news at all).
 */
export function longPollRatePerUser(s: Scenario): number {
  const lambda = receiveRatePerS(s);
  const tau = s.holdTimeoutS;
  return lambda > 0 ? lambda / (1 - Math.exp(-lambda * tau)) : 1 / tau;
}

/** What long polling is, in one paragraph (the page shows it with the connections explanation). */
export const LONG_POLLING_EXPLAINED =
  'Long polling (RFC 6202) keeps plain HTTP but stops asking on a timer: each client keeps one request open, and the server holds it until there is news or the hold timeout passes, then answers. The client asks again at once, sending the last sequence number it has; the server first reads the DB for anything after it (so nothing falls into the gap between two requests), and only with nothing new does it park the request and wait for the broker to tell it of news. A message therefore arrives a few network hops after it is sent, as with a push, while every held request costs the server a connection and every answer costs a DB read.';

/**
 * How a headline number follows from the settings, with the current values substituted. The page
 * shows it next to the measured value so the model and the arithmetic can be compared.
 */
export function explain(metric: MetricId, s: Scenario, ctx: ExplainContext): Explanation {
  const polling = s.strategy === 'polling';
  const longPolling = s.strategy === 'long-polling';
  const writesPerS = (s.users * s.messagesPerUserPerMin) / 60;
  const lambda = receiveRatePerS(s);
  const tau = s.holdTimeoutS;
  if (longPolling) {
    const lp = explainLongPolling(metric, s, ctx, writesPerS, lambda, tau);
    if (lp !== null) return lp;
  }
  switch (metric) {
    case 'db-reads': {
      if (!polling)
        return {
          metric,
          title: 'DB reads per second',
          lines: [
            'Pushes carry the message itself: nobody asks the DB whether something changed.',
            'Reads on the delivery path: 0',
          ],
          expected: 0,
          unit: '/s',
        };
      const demand = s.users / s.pollIntervalS;
      const cap = dbCapacityPerS(s);
      const lines = [
        `${n(s.users)} users ÷ ${n(s.pollIntervalS)} s = ${n(demand)} polls/s, each one DB read, whether or not anything changed.`,
      ];
      if (demand + writesPerS > cap) {
        const served = (cap * demand) / (demand + writesPerS);
        lines.push(
          `The DB serves ${n(s.dbConcurrency)} queries at once × (1000 ÷ ${n(s.dbQueryMs)} ms) = ${n(cap)} queries/s: it is saturated — the rest wait in its queue or are turned away.`,
          `Reads get their share of that capacity: ${n(cap)} × ${n(demand)} ÷ (${n(demand)} + ${n(writesPerS)} writes/s) = ${n(served)} reads/s.`,
        );
        return { metric, title: 'DB reads per second', lines, expected: served, unit: '/s' };
      }
      return { metric, title: 'DB reads per second', lines, expected: demand, unit: '/s' };
    }
    case 'db-writes':
      return {
        metric,
        title: 'DB writes per second',
        lines: [
          `${n(s.users)} users × ${n(s.messagesPerUserPerMin)} messages/min ÷ 60 = ${n(writesPerS)} writes/s — every strategy stores each message once.`,
        ],
        expected: writesPerS,
        unit: '/s',
      };
    case 'empty-polls': {
      const p = Math.exp(-lambda * s.pollIntervalS);
      return {
        metric,
        title: 'Share of polls that come back empty',
        lines: [
          `Each user receives (${s.roomSize} − 1) × ${n(s.messagesPerUserPerMin)}/min = ${nf2.format(lambda * 60)} messages/min from the others in its room.`,
          `P(nothing new in one interval) = e^(−λT) = e^(−${nf2.format(lambda)} × ${n(s.pollIntervalS)}) = ${pct(p)}.`,
        ],
        expected: p,
        unit: '%',
      };
    }
    case 'latency-p50':
    case 'latency-p99': {
      const q = metric === 'latency-p50' ? 0.5 : 0.99;
      const path = pushPathMs(s);
      if (polling) {
        const wait = q * s.pollIntervalS * 1000;
        return {
          metric,
          title: `Delivery latency, ${metric === 'latency-p50' ? 'median' : '99th percentile'}`,
          lines: [
            `A message waits for the recipient's next poll: uniformly 0 … ${n(s.pollIntervalS)} s, so its ${q === 0.5 ? 'median' : '99th percentile'} is ${q} × ${n(s.pollIntervalS)} s = ${ms(wait)}.`,
            `Then the response travels back: ${path.parts.join(' + ')} = ${ms(path.total)}.`,
            `${ms(wait)} + ${ms(path.total)} = ${ms(wait + path.total)}.`,
          ],
          expected: wait + path.total,
          unit: 'ms',
        };
      }
      // End to end, from the sender's send: the write reaches the DB, the query takes an
      // exponential time (its q-quantile is −ln(1 − q) × the mean), then the push path.
      const dc = s.networkRttMs / 2;
      const writeMs = s.clientRttMs / 2 + s.serverProcessingMs + 2 * dc;
      const dbMs = -Math.log(1 - q) * s.dbQueryMs;
      const total = writeMs + dbMs + path.total;
      return {
        metric,
        title: `Delivery latency, ${metric === 'latency-p50' ? 'median' : '99th percentile'}`,
        lines: [
          `Measured from the sender's send. The write: client → server → chat → DB ${ms(writeMs)}; the DB query's ${q === 0.5 ? 'median' : '99th percentile'} −ln(1 − ${q}) × ${ms(s.dbQueryMs)} = ${ms(dbMs)} (at light load: a busy DB queues first).`,
          `A push leaves as soon as the DB commits — no interval to wait for: ${path.parts.join(' + ')} = ${ms(path.total)}.`,
          `${ms(writeMs)} + ${ms(dbMs)} + ${ms(path.total)} = ${ms(total)}.`,
          s.networkJitter > 0
            ? `Every hop also varies (network jitter, coefficient of variation ${n(s.networkJitter)}), which spreads the figure around this sum: no exact value to compare.`
            : 'Queues (a busy broker, a migration buffer) add to it only under load or during a change.',
        ],
        expected: s.networkJitter > 0 ? null : total,
        unit: 'ms',
      };
    }
    case 'reconnects': {
      const a = ctx.lastAction;
      if (polling || !a)
        return {
          metric,
          title: 'Reconnects',
          lines: polling
            ? [
                'Polling holds no connection: each poll is a fresh request, so servers can come and go freely.',
              ]
            : ['Nothing has changed yet: add, remove or crash a server to see who has to reconnect.'],
          expected: polling ? 0 : null,
          unit: '',
        };
      const N = a.serversBefore;
      const after = a.action === 'add-server' ? N + 1 : N - 1;
      if (s.strategy === 'modulo-hashing') {
        const share = a.action === 'add-server' ? N / (N + 1) : (N - 1) / N;
        return {
          metric,
          title: `Reconnects after "${a.action}"`,
          lines: [
            `owner = hash(user) mod N. Going from ${N} to ${after} servers changes the owner of every user whose hash mod ${N} and mod ${after} differ:`,
            `${a.action === 'add-server' ? `N ÷ (N + 1) = ${N} ÷ ${N + 1}` : `(N − 1) ÷ N = ${N - 1} ÷ ${N}`} = ${pct(share)} of ${n(s.users)} users ≈ ${n(share * s.users)} reconnects — the storm.`,
          ],
          expected: share * s.users,
          unit: '',
        };
      }
      if (s.strategy === 'consistent-hashing') {
        const share = a.action === 'add-server' ? 1 / (N + 1) : 1 / N;
        return {
          metric,
          title: `Reconnects after "${a.action}"`,
          lines: [
            a.action === 'add-server'
              ? `On a ring only the arcs the new server takes over change hands: ≈ 1 ÷ (N + 1) = 1 ÷ ${N + 1} = ${pct(share)}.`
              : `Only the ${a.action === 'crash-server' ? 'crashed' : 'removed'} server's arcs change hands: ≈ 1 ÷ N = 1 ÷ ${N} = ${pct(share)}.`,
            `${pct(share)} × ${n(s.users)} users ≈ ${n(share * s.users)} reconnects (virtual nodes make the share close to the mean).`,
          ],
          expected: share * s.users,
          unit: '',
        };
      }
      const share = a.action === 'add-server' ? 0 : 1 / N;
      return {
        metric,
        title: `Reconnects after "${a.action}"`,
        lines:
          a.action === 'add-server'
            ? ['With pub/sub no server owns a user: a new server just takes new connections. Nobody moves.']
            : [
                `Only the users connected to the server that went away reconnect, anywhere: ≈ 1 ÷ ${N} of ${n(s.users)} = ${n(share * s.users)}.`,
              ],
        expected: share * s.users,
        unit: '',
      };
    }
    case 'connections': {
      if (polling) {
        const path = pushPathMs(s);
        const rttMs = 2 * path.total + s.dbQueryMs;
        const inflight = (s.users / s.pollIntervalS) * (rttMs / 1000);
        return {
          metric,
          title: 'Open connections',
          lines: [
            'Polling clients hold no connection between polls; at any instant only the polls in flight are open.',
            `Little's law: ${n(s.users / s.pollIntervalS)} polls/s × ${ms(rttMs)} per round trip ≈ ${n(inflight)} open.`,
          ],
          expected: inflight,
          unit: '',
        };
      }
      return {
        metric,
        title: 'Open connections',
        lines: [
          `Every user keeps one WebSocket open: ${n(s.users)} connections over ${ctx.servers} servers ≈ ${n(s.users / Math.max(1, ctx.servers))} each.`,
          'Open connections, not CPU, are what runs out first on endpoint servers.',
        ],
        expected: s.users,
        unit: '',
      };
    }
    case 'lost':
      return {
        metric,
        title: 'Lost deliveries',
        lines:
          s.strategy === 'polling'
            ? [
                'The DB is the source of truth: a missed poll is caught up by the next one. Nothing is lost, only late.',
              ]
            : s.strategy === 'modulo-hashing'
              ? [
                  'A push for a user who is between disconnect and reconnect finds no connection and is dropped.',
                  'The more users a change moves, the more is lost.',
                ]
              : s.strategy === 'consistent-hashing'
                ? [
                    'During a planned migration the chat service sends to both the old and the new owner, and the new owner buffers until the user arrives: nothing is lost, duplicates are dropped by message id.',
                    'A crash has no such procedure: pushes to the dead server are lost until everyone notices.',
                  ]
                : [
                    'Redis-style pub/sub is at-most-once: a message published while the user is reconnecting and not yet re-subscribed is gone.',
                    'A full broker queue drops publishes too.',
                  ],
        expected: null,
        unit: '',
      };
    case 'broker': {
      if (s.strategy !== 'pubsub')
        return {
          metric,
          title: 'Broker messages per second',
          lines: ['No broker in this architecture.'],
          expected: 0,
          unit: '/s',
        };
      const perMessage = s.topic === 'user' ? s.roomSize - 1 : 1;
      const publishes = writesPerS * perMessage;
      const fanout = s.topic === 'user' ? 1 : Math.min(ctx.servers, s.roomSize - 1);
      return {
        metric,
        title: 'Broker messages per second',
        lines: [
          s.topic === 'user'
            ? `Topic per user: each of ${n(writesPerS)} messages/s is published to its ${s.roomSize - 1} recipients' topics = ${n(publishes)} publishes/s, each fanned out to one server.`
            : `Topic per room: ${n(writesPerS)} publishes/s, each fanned out to every server holding a member (at most ${fanout}).`,
          `Broker load = publishes × fan-out ≤ ${n(publishes * (1 + fanout))} messages/s of a capacity of ${n(s.brokerCapacityPerS)}/s.`,
        ],
        expected: s.topic === 'user' ? 2 * publishes : null,
        unit: '/s',
      };
    }
    case 'gaps':
    case 'recovered':
    case 'duplicates-dropped':
    case 'redeliveries':
    case 'consumer-lag':
    case 'cluster-bus':
      return { metric, ...explainGuarantee(metric, s, ctx.figures, ctx.servers) };
    case 'detection':
    case 'accept-queue':
    case 'connect-drops':
    case 'refused':
    case 'buffer-disconnects':
    case 'hot-shard':
      return { metric, ...explainLiveness(metric, s, ctx.liveness, ctx.servers) };
  }
}

/** Long polling's own explanations (null: the general one applies). */
function explainLongPolling(
  metric: MetricId,
  s: Scenario,
  ctx: ExplainContext,
  writesPerS: number,
  lambda: number,
  tau: number,
): Explanation | null {
  const rate = longPollRatePerUser(s);
  const requests = s.users * rate;
  const newsLine = `Each user receives (${s.roomSize} − 1) × ${n(s.messagesPerUserPerMin)}/min: λ = ${nf2.format(lambda * 60)} messages/min; the hold is τ = ${n(tau)} s.`;
  switch (metric) {
    case 'db-reads': {
      const cap = dbCapacityPerS(s);
      const lines = [
        newsLine,
        `A request ends at the first news or after τ: it lasts (1 − e^(−λτ)) ÷ λ, so each user asks λ ÷ (1 − e^(−λτ)) = ${nf2.format(rate)} times a second.`,
        `Every request first reads the DB for messages after the client's last number: ${n(s.users)} × ${nf2.format(rate)} = ${n(requests)} reads/s.`,
      ];
      if (requests + writesPerS > cap)
        lines.push(
          `That is past the DB's ${n(cap)} queries/s: reads queue or are turned away, and clients back off.`,
        );
      return { metric, title: 'DB reads per second', lines, expected: requests, unit: '/s' };
    }
    case 'empty-polls': {
      const p = Math.exp(-lambda * tau);
      return {
        metric,
        title: 'Share of held requests that end by timeout',
        lines: [
          newsLine,
          `P(no news during a whole hold) = e^(−λτ) = e^(−${nf2.format(lambda)} × ${n(tau)}) = ${pct(p)}: those end with an empty answer and the client asks again.`,
        ],
        expected: p,
        unit: '%',
      };
    }
    case 'connections':
      return {
        metric,
        title: 'Open connections (held requests)',
        lines: [
          LONG_POLLING_EXPLAINED,
          `Almost every user has a request held at some server: ≈ ${n(s.users)} over ${ctx.servers} servers ≈ ${n(s.users / Math.max(1, ctx.servers))} each (a few are on their way back and forth).`,
        ],
        expected: s.users,
        unit: '',
      };
    case 'reconnects':
      return {
        metric,
        title: 'Reconnects',
        lines: [
          'Long polling keeps no socket: after every answer the client simply sends its next request, through the load balancer, to whichever server it picks.',
          'A server that goes away only ends the requests it held; their clients ask elsewhere, counted as requests, not reconnects.',
        ],
        expected: 0,
        unit: '',
      };
    case 'lost':
      return {
        metric,
        title: 'Lost deliveries',
        lines: [
          'Every request reads the DB for what follows the client’s last sequence number, so a message sent between two requests, dropped by the broker, or held by a crashed server arrives with the next request: late, never lost.',
        ],
        expected: 0,
        unit: '',
      };
    case 'broker': {
      const publishes = writesPerS * (s.roomSize - 1);
      return {
        metric,
        title: 'Broker messages per second',
        lines: [
          `The broker only carries news: each of ${n(writesPerS)} messages/s is published to its ${s.roomSize - 1} recipients' topics = ${n(publishes)} publishes/s, each passed to the one server holding that recipient's request.`,
          `Publishes + deliveries = 2 × ${n(publishes)} = ${n(2 * publishes)} messages/s of a capacity of ${n(s.brokerCapacityPerS)}/s.`,
        ],
        expected: 2 * publishes,
        unit: '/s',
      };
    }
    default:
      return null;
  }
}
