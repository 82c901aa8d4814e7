import { Int32Histogram } from 'hdr-histogram-js';

/** Longest latency tracked exactly: one hour in µs (larger values are clamped to it). */
export const MAX_TRACKED_US = 3_600_000_000;

/**
 * Latency histogram in microseconds (HdrHistogram, 3 significant digits: percentiles exact to
 * 0.1 % from 1 µs to an hour). Recording allocates nothing.
 */
export class LatencyHistogram {
  private readonly h = new Int32Histogram(1, MAX_TRACKED_US, 3);
  private sumUs = 0;

  record(us: number): void {
    const v = us < 1 ? 1 : us > MAX_TRACKED_US ? MAX_TRACKED_US : us;
    this.h.recordValue(v);
    this.sumUs += us;
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Exact mean of the recorded (unclamped) values. */
  get meanUs(): number {
    return this.h.totalCount === 0 ? 0 : this.sumUs / this.h.totalCount;
  }

  get maxUs(): number {
    return this.h.totalCount === 0 ? 0 : this.h.maxValue;
  }

  percentileUs(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
    this.sumUs += other.sumUs;
  }

  /** Bytes of the bucket counts. */
  get bytes(): number {
    return this.h.estimatedFootprintInBytes;
  }

  reset(): void {
    this.h.reset();
    this.sumUs = 0;
  }
}
