/**
 * The low-rate (≤ 10 Hz) digest of the running simulation that React renders from. Built from a
 * worker frame by the controller; plain data so immer can freeze it.
 */
import type { ActionReport, MigrationInfo, ServerInfo } from '../bridge/engine';
import type { GuaranteeFigures } from '../content/explainGuarantees';
import type { LivenessFigures } from '../content/explainLiveness';

export interface Summary {
  runId: number;
  simTimeS: number;
  /** Furthest simulated time this branch reached (rewind); above simTimeS when rewound. */
  headS?: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Deliveries behind the recent latency percentiles (0 → nothing to show yet). */
  latencyCount: number;
  latencyWindowS: number;
  /** Last complete simulated second; null before the first one. */
  dbReadsPerS: number | null;
  dbWritesPerS: number | null;
  dbRejectedPerS: number | null;
  pollsPerS: number | null;
  brokerPerS: number | null;
  dbCapacityPerS: number;
  dbUtilization: number;
  dbQueue: number;
  /** Publishes waiting in the broker now (all shards). */
  brokerQueue: number;
  /** Sends that failed (the DB rejected the write), since t = 0. */
  sendsFailed: number;
  /** Simulated second from which the figures are steady (see content/warmup.ts). */
  warmUpS: number;
  brokerCapacityPerS: number;
  brokerUtilization: number;
  brokerSubscriptions: number;
  /** Broker shards down now (pub/sub). */
  brokerDown: number;
  reconnects: number;
  connections: number;
  lost: number;
  deliveries: number;
  duplicates: number;
  polls: number;
  emptyPolls: number;
  servers: Pick<ServerInfo, 'id' | 'state' | 'connections' | 'handledPerS' | 'parked'>[];
  timeline: ActionReport[];
  migration: MigrationInfo | null;
  playing: boolean;
  requestedSpeed: number;
  achievedSpeed: number;
  behind: boolean;
  /** The rolling deploy in progress: the server restarting now, and how far it is (issue 11). */
  deploy?: { server: number; done: number; of: number } | null;
  /** Delivery-guarantee totals (issue 10); absent in summaries built before they existed. */
  guarantees?: GuaranteeFigures;
  /** Liveness, capacity and deploy totals (issue 11); absent in summaries built before they existed. */
  liveness?: LivenessFigures;
}
