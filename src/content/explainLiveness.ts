/**
 * "Explain this number" for the liveness, capacity and deploy figures (issue 11). The arithmetic
 * is MECHANISMS.md's: heartbeat detection uniform on [timeout, interval + timeout], the accept
 * queue bounded by the listen backlog, the output buffer filling kernel first, and a Zipf room's
 * share 1 / H(n, s).
 */
import type { Scenario, Totals } from '../engine';

/** The run's liveness totals, as the page's summary carries them. */
export interface LivenessFigures {
  /** Attempts a server at its connection cap refused (retries included). */
  connectionsRejected: number;
  /** Subscribers the broker cut off at an output-buffer limit. */
  bufferDisconnects: number;
  /** Longest accept queue on any server so far (never above the listen backlog). */
  connectQueueMax: number;
  /** Attempts dropped at a full listen backlog (TCP retries them). */
  connectDropped: number;
  /** Heartbeat detection delay of clients that noticed a dead server (ms; 0 before any did). */
  detectionMeanMs: number;
  detectionMaxMs: number;
  /** Share of broker traffic on the busiest shard or partition. */
  hottestShardShare: number;
}

/** The liveness figures out of a run's totals (the page's summary and the tests read the same). */
export function livenessFromTotals(t: Totals): LivenessFigures {
  return {
    connectionsRejected: t.connectionsRejected,
    bufferDisconnects: t.bufferDisconnects,
    connectQueueMax: t.connectQueueMax,
    connectDropped: t.connectDropped,
    detectionMeanMs: t.detectionMs.mean,
    detectionMaxMs: t.detectionMs.max,
    hottestShardShare: t.hottestShardShare,
  };
}

export type LivenessMetricId =
  'detection' | 'accept-queue' | 'connect-drops' | 'refused' | 'buffer-disconnects' | 'hot-shard';

export interface LivenessExplanation {
  title: string;
  lines: string[];
  expected: number | null;
  unit: string;
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const n = (x: number) => nf.format(x);
const pct = (x: number) => `${nf.format(x * 100)} %`;

/** Bytes Redis queues per pub/sub message beyond its payload (the engine's QUEUED_OVERHEAD_BYTES). */
export const QUEUED_BYTES_OVERHEAD = 40;

/** Generalised harmonic number H(n, s) = Σ_{k=1..n} k^−s. */
export function harmonic(count: number, s: number): number {
  let h = 0;
  for (let k = 1; k <= count; k++) h += Math.pow(k, -s);
  return h;
}

/** Broker shards (Redis) or partitions (Kafka-like) the traffic is spread over. */
export function brokerSlices(s: Pick<Scenario, 'broker' | 'brokerShards' | 'partitions'>): number {
  return s.broker === 'kafka' ? s.partitions : s.brokerShards;
}

export function explainLiveness(
  metric: LivenessMetricId,
  s: Scenario,
  f: LivenessFigures | undefined,
  servers: number,
): LivenessExplanation {
  switch (metric) {
    case 'detection': {
      const I = s.heartbeatIntervalS;
      const T = s.heartbeatTimeoutS;
      return {
        title: 'Time to notice a dead server',
        lines: [
          `The server pings every ${n(I)} s; a client that hears nothing for ${n(I)} + ${n(T)} s gives up on it.`,
          `A crash lands somewhere in the ping cycle, so each client notices uniformly between ${n(T)} s and ${n(I + T)} s after it: on average ${n(T)} + ${n(I)} ÷ 2 = ${n(T + I / 2)} s.`,
          `Longest so far: ${n((f?.detectionMaxMs ?? 0) / 1000)} s (never above ${n(I + T)} s).`,
        ],
        expected: (T + I / 2) * 1000,
        unit: 'ms',
      };
    }
    case 'accept-queue':
      return {
        title: 'Longest accept queue',
        lines: [
          `Each server sets up ${n(s.acceptPerS)} connections a second (TCP + TLS + WebSocket); clients arriving faster wait in its accept queue.`,
          `The kernel lets at most ${n(s.listenBacklog)} wait (the listen backlog); a queue at that length means attempts were being dropped.`,
          `Dropped so far: ${n(f?.connectDropped ?? 0)}.`,
        ],
        expected: null,
        unit: '',
      };
    case 'connect-drops': {
      const lines = [
        `A connection attempt that finds the accept queue full (${n(s.listenBacklog)} waiting) is dropped; the client’s TCP tries again 1 s later, then 3 s after that, and each retry that finds it full counts again.`,
        `${n(servers)} servers can hold ${n(servers)} × ${n(s.listenBacklog)} = ${n(servers * s.listenBacklog)} waiting and set up ${n(servers * s.acceptPerS)} a second between them.`,
      ];
      lines.push(
        s.reconnect === 'immediate'
          ? 'Reconnect is immediate: clients cut off together arrive together, and so do their retries.'
          : 'Backoff with jitter spreads clients cut off together over seconds, so fewer find the queues full.',
      );
      return { title: 'Connection attempts dropped', lines, expected: null, unit: '' };
    }
    case 'refused':
      return {
        title: 'Connections refused at the cap',
        lines: [
          s.maxConnectionsPerServer > 0
            ? `Each server holds at most ${n(s.maxConnectionsPerServer)} connections (${n(servers)} × ${n(s.maxConnectionsPerServer)} = ${n(servers * s.maxConnectionsPerServer)} in all for ${n(s.users)} users).`
            : 'No connection cap is set: nothing is refused.',
          'A refused client backs off and tries again; every try that finds the server full counts.',
        ],
        expected: s.maxConnectionsPerServer > 0 ? null : 0,
        unit: '',
      };
    case 'buffer-disconnects': {
      const slow = Math.round(servers * s.slowConsumerShare);
      const deliveriesPerS = ((s.users * s.messagesPerUserPerMin) / 60) * (s.roomSize - 1);
      const inbound = deliveriesPerS / Math.max(1, servers);
      const growth = inbound - s.slowConsumerMsgsPerS;
      const bytes = s.messageBytes + QUEUED_BYTES_OVERHEAD;
      const lines = [
        `${n(slow)} of ${n(servers)} servers read only ${n(s.slowConsumerMsgsPerS)} messages/s from the broker.`,
      ];
      if (s.topic === 'user' && growth > 0) {
        const hardS = ((s.socketBufferKb + s.outputBufferHardKb) * 1024) / (growth * bytes);
        lines.push(
          `Each is sent about ${n(inbound)}/s, so its backlog grows ${n(growth)} messages (× ${n(bytes)} B) a second.`,
          `The kernel’s ${n(s.socketBufferKb)} KiB fill first, then Redis’s buffer reaches the ${n(s.outputBufferHardKb)} KiB hard limit after (${n(s.socketBufferKb)} + ${n(s.outputBufferHardKb)}) KiB ÷ ${n(growth * bytes)} B/s ≈ ${n(hardS)} s: Redis cuts it off, and again after each resubscribe.`,
        );
      } else
        lines.push(
          `Redis cuts a subscriber off past ${n(s.outputBufferHardKb)} KiB, or after ${n(s.outputBufferSoftS)} s above ${n(s.outputBufferSoftKb)} KiB.`,
        );
      return { title: 'Subscribers cut off', lines, expected: null, unit: '' };
    }
    case 'hot-shard': {
      const slices = brokerSlices(s);
      const label = s.broker === 'kafka' ? 'partitions' : 'shards';
      if (s.roomPopularity !== 'zipf')
        return {
          title: 'Busiest broker shard',
          lines: [
            `Uniform popularity: ${n(slices)} ${label} share the traffic evenly, 1 ÷ ${n(slices)} = ${pct(1 / slices)} each (give or take hashing luck).`,
          ],
          expected: 1 / slices,
          unit: '%',
        };
      const rooms = Math.ceil(s.users / s.roomSize);
      const top = 1 / harmonic(rooms, s.zipfS);
      const est = top + (1 - top) / slices;
      return {
        title: 'Busiest broker shard',
        lines: [
          `Zipf popularity: room k gets k^−${n(s.zipfS)} ÷ H(${n(rooms)}, ${n(s.zipfS)}) of messages; the top room alone ${pct(top)}.`,
          `Its shard carries that plus about an even slice of the rest: ${pct(top)} + ${pct(1 - top)} ÷ ${n(slices)} ≈ ${pct(est)} (a little less when the next-hottest rooms land on other ${label}).`,
          `An even spread would be ${pct(1 / slices)}; more ${label} do not split one room.`,
        ],
        expected: est,
        unit: '%',
      };
    }
  }
}
