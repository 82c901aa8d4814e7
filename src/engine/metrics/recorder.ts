import { LatencyHistogram } from './histogram';
import { Series, SERIES_FIELDS, type SeriesField } from './series';
import type { LatencySummary, SeriesRow, Totals } from '../types';

/** Seconds of history behind the "recent" latency figures. */
const WINDOW_S = 5;

export function zeroTotals(): Totals {
  return {
    messagesSent: 0,
    expectedDeliveries: 0,
    deliveries: 0,
    lostDeliveries: 0,
    pendingDeliveries: 0,
    duplicateDeliveries: 0,
    dbReads: 0,
    dbWrites: 0,
    dbRejected: 0,
    polls: 0,
    emptyPolls: 0,
    connects: 0,
    reconnects: 0,
    redirects: 0,
    sendsFailed: 0,
    brokerPublishes: 0,
    brokerDeliveries: 0,
    brokerDropped: 0,
    latencyUnrecorded: 0,
    latencyUnsampled: 0,
    bufferRefused: 0,
    dedupeWindowLost: 0,
    gapsDetected: 0,
    recoveredDeliveries: 0,
    recoveryReads: 0,
    redeliveries: 0,
    duplicatesDropped: 0,
    orderViolations: 0,
    clusterBusMessages: 0,
    consumerLagMax: 0,
    connectionsRejected: 0,
    bufferDisconnects: 0,
    connectQueueMax: 0,
    connectDropped: 0,
    detectionMs: { mean: 0, max: 0 },
    hottestShardShare: 0,
  };
}

/**
 * Counters, the latency distribution (whole run, this second, the last few seconds) and the
 * per-second series. Counters are plain fields the model increments; once a simulated second
 * the recorder turns their differences into a series row.
 */
export class MetricsRecorder {
  readonly totals: Totals = zeroTotals();
  private readonly prev: Totals = zeroTotals();
  private readonly all = new LatencyHistogram();
  private readonly second = new LatencyHistogram();
  private readonly recent: LatencyHistogram[] = Array.from(
    { length: WINDOW_S },
    () => new LatencyHistogram(),
  );
  private readonly window = new LatencyHistogram();
  private windowStamp = -1;
  private readonly series = new Series();
  private readonly row = new Float64Array(SERIES_FIELDS.length);
  private seconds = 0;
  /** The last complete second. */
  lastRow: SeriesRow | null = null;

  recordLatency(us: number): void {
    this.all.record(us);
    this.second.record(us);
  }

  /** Closes the simulated second that started at `tS`. */
  rollSecond(tS: number, connections: number): void {
    const t = this.totals;
    const p = this.prev;
    const h = this.second;
    const values: Record<SeriesField, number> = {
      dbReads: t.dbReads - p.dbReads,
      dbWrites: t.dbWrites - p.dbWrites,
      polls: t.polls - p.polls,
      deliveries: t.deliveries - p.deliveries,
      reconnects: t.reconnects - p.reconnects,
      latencyP50Ms: h.percentileUs(50) / 1000,
      latencyP99Ms: h.percentileUs(99) / 1000,
      emptyPolls: t.emptyPolls - p.emptyPolls,
      dbRejected: t.dbRejected - p.dbRejected,
      redirects: t.redirects - p.redirects,
      lostDeliveries: t.lostDeliveries - p.lostDeliveries,
      duplicateDeliveries: t.duplicateDeliveries - p.duplicateDeliveries,
      brokerMessages: t.brokerPublishes - p.brokerPublishes + (t.brokerDeliveries - p.brokerDeliveries),
      connections,
    };
    for (let i = 0; i < SERIES_FIELDS.length; i++) this.row[i] = values[SERIES_FIELDS[i]!];
    this.series.push(tS, this.row);
    this.lastRow = { tS, ...values };
    const slot = this.recent[this.seconds % WINDOW_S]!;
    slot.reset();
    slot.add(h);
    h.reset();
    Object.assign(p, t);
    this.seconds++;
  }

  /** Delivery latency over the last few complete seconds (merged once per second). */
  recentLatency(): { p50Ms: number; p99Ms: number; count: number; windowS: number } {
    if (this.windowStamp !== this.seconds) {
      this.window.reset();
      for (const h of this.recent) this.window.add(h);
      this.windowStamp = this.seconds;
    }
    return {
      p50Ms: this.window.percentileUs(50) / 1000,
      p99Ms: this.window.percentileUs(99) / 1000,
      count: this.window.count,
      windowS: Math.min(this.seconds, WINDOW_S),
    };
  }

  latencySummaryMs(): LatencySummary {
    const h = this.all;
    // HdrHistogram reports a bucket's upper edge; never above the largest value seen.
    const max = h.maxUs;
    const q = (p: number) => round3(Math.min(h.percentileUs(p), max) / 1000);
    return { mean: round3(h.meanUs / 1000), p50: q(50), p95: q(95), p99: q(99), max: round3(max / 1000) };
  }

  rows(): SeriesRow[] {
    return this.series.rows();
  }

  /** Rows that start after simulated second `tS` (a reader's cursor): O(new rows). */
  rowsAfter(tS: number): SeriesRow[] {
    return this.series.rowsAfter(tS);
  }

  /** Bytes held by the series columns and histograms. */
  get bytes(): number {
    return this.series.bytes + (WINDOW_S + 3) * this.all.bytes;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
