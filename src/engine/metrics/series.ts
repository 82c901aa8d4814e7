import type { SeriesRow } from '../types';

/** Fields of a series row other than `tS`, in a fixed order (columns). */
export const SERIES_FIELDS = [
  'dbReads',
  'dbWrites',
  'polls',
  'deliveries',
  'reconnects',
  'latencyP50Ms',
  'latencyP99Ms',
  'emptyPolls',
  'dbRejected',
  'redirects',
  'lostDeliveries',
  'duplicateDeliveries',
  'brokerMessages',
  'connections',
] as const satisfies readonly (keyof SeriesRow)[];
export type SeriesField = (typeof SERIES_FIELDS)[number];

/**
 * Per-second rows in fixed-size columns. When full, adjacent rows are merged (rates averaged,
 * p99 as the max of the pair), so memory stays bounded however long a run lasts; `widthS` then
 * doubles. A run of up to `capacity` seconds keeps one row per simulated second.
 */
export class Series {
  private cols: Float64Array[];
  private t: Float64Array;
  length = 0;
  /** Simulated seconds one row covers. */
  widthS = 1;
  // Rows waiting to be merged into one when widthS > 1.
  private pending = 0;
  /** Start of the row being merged (kept apart: the columns may be full while it gathers). */
  private pendingStartS = 0;
  private readonly acc: Float64Array;

  constructor(readonly capacity = 86_400) {
    // Columns grow by doubling up to `capacity`: a short run (or a checkpoint of one) stays small.
    const initial = Math.min(capacity, 64);
    this.cols = SERIES_FIELDS.map(() => new Float64Array(initial));
    this.t = new Float64Array(initial);
    this.acc = new Float64Array(SERIES_FIELDS.length);
  }

  /** Appends the row for the second starting at `tS`; `values` follows SERIES_FIELDS. */
  push(tS: number, values: Float64Array): void {
    if (this.widthS > 1) {
      const p99 = SERIES_FIELDS.indexOf('latencyP99Ms');
      for (let i = 0; i < values.length; i++) {
        this.acc[i] =
          i === p99 ? Math.max(this.acc[i]!, values[i]!) : this.acc[i]! + values[i]! / this.widthS;
      }
      if (this.pending === 0) this.pendingStartS = tS;
      if (++this.pending < this.widthS) return;
      this.store(this.pendingStartS, this.acc);
      this.acc.fill(0);
      this.pending = 0;
      return;
    }
    this.store(tS, values);
  }

  private store(tS: number, values: Float64Array): void {
    if (this.length === this.capacity) this.halve();
    else if (this.length === this.t.length) this.grow(Math.min(this.capacity, this.t.length * 2));
    this.t[this.length] = tS;
    for (let i = 0; i < this.cols.length; i++) this.cols[i]![this.length] = values[i]!;
    this.length++;
  }

  private grow(n: number): void {
    const t = new Float64Array(n);
    t.set(this.t);
    this.t = t;
    this.cols = this.cols.map((c) => {
      const next = new Float64Array(n);
      next.set(c);
      return next;
    });
  }

  private halve(): void {
    const p99 = SERIES_FIELDS.indexOf('latencyP99Ms');
    const n = this.length >> 1;
    for (let r = 0; r < n; r++) {
      this.t[r] = this.t[2 * r]!;
      for (let i = 0; i < this.cols.length; i++) {
        const c = this.cols[i]!;
        c[r] = i === p99 ? Math.max(c[2 * r]!, c[2 * r + 1]!) : (c[2 * r]! + c[2 * r + 1]!) / 2;
      }
    }
    this.length = n;
    this.widthS *= 2;
  }

  /** Bytes held by the columns. */
  get bytes(): number {
    return this.t.byteLength * (this.cols.length + 1);
  }

  /** Rows whose start is after `tS` (rows are in time order: a binary search, then the new ones). */
  rowsAfter(tS: number): SeriesRow[] {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! > tS) hi = mid;
      else lo = mid + 1;
    }
    return this.rows(lo);
  }

  row(i: number): SeriesRow {
    const r = { tS: this.t[i]! } as SeriesRow;
    for (let f = 0; f < SERIES_FIELDS.length; f++) r[SERIES_FIELDS[f]!] = round6(this.cols[f]![i]!);
    return r;
  }

  rows(from = 0): SeriesRow[] {
    const out: SeriesRow[] = [];
    for (let i = Math.max(0, from); i < this.length; i++) out.push(this.row(i));
    return out;
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
