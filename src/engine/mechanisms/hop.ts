import type { Kernel } from '../core/kernel';

/** Multipliers in the jitter table (a power of two: indexed by the top bits of a hash). */
const TABLE_BITS = 12;
/** Delays a bulk hop chooses among (2^BIN_BITS lanes). */
const BIN_BITS = 2;

/**
 * Network jitter: each hop's network delay times a factor with mean exactly 1 and coefficient of
 * variation `cv` (lognormal shape, a right tail), read from a table of its 4,096 equiprobable
 * quantiles. The factor is a hash of the message's identity and the hop, not a draw from a
 * stream: two copies of one message (dual-send) and the accounting that follows a lost copy see
 * the same delay, and no random stream shifts when jitter changes.
 */
export class Jitter {
  readonly on: boolean;
  readonly table: Float64Array;

  constructor(readonly cv: number) {
    this.on = cv > 0;
    const n = 1 << TABLE_BITS;
    this.table = new Float64Array(n).fill(1);
    this.bins = null;
    if (!this.on) return;
    const sigma2 = Math.log(1 + cv * cv);
    const sigma = Math.sqrt(sigma2);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = Math.exp(-sigma2 / 2 + sigma * inverseNormal((i + 0.5) / n));
      this.table[i] = x;
      sum += x;
    }
    // Exactly mean 1 (the quantile table is a hair off): a hop's mean delay is unchanged.
    for (let i = 0; i < n; i++) this.table[i]! /= sum / n;
    // Bins: the conditional means of equiprobable slices (mean stays 1), spread stretched back
    // to exactly `cv` (the slices' own spread is lost).
    const k = 1 << BIN_BITS;
    const per = n / k;
    const bins = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let m = 0;
      for (let i = j * per; i < (j + 1) * per; i++) m += this.table[i]!;
      bins[j] = m / per;
    }
    let v = 0;
    for (const x of bins) v += (x - 1) * (x - 1);
    const scale = cv / Math.sqrt(v / k);
    for (let j = 0; j < k; j++) bins[j] = 1 + (bins[j]! - 1) * scale;
    this.bins = bins[0]! > 0.05 ? bins : null;
  }

  /**
   * The same distribution as {@link BINS} equiprobable factors (mean exactly 1, CV exactly `cv`):
   * a bulk hop takes one of that many fixed delays, each a FIFO lane, so the kernel stays O(1)
   * per event. Null when the spread cannot be met with positive factors (then the heap is used).
   */
  readonly bins: Float64Array | null;

  /** The factor for hop `salt` of the message or attempt identified by (a, b). */
  factor(a: number, b: number, salt: number): number {
    return this.table[mix(a, b, salt) >>> (32 - TABLE_BITS)]!;
  }

  /** Which of the {@link bins} hop `salt` of (a, b) takes. */
  bin(a: number, b: number, salt: number): number {
    return mix(a, b, salt) >>> (32 - BIN_BITS);
  }
}

function mix(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ Math.imul(salt, 0x9e3779b9), 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One kind of network hop: a fixed part (processing, handshake) plus a network part that jitters.
 * Without jitter it is a fixed-delay FIFO lane (O(1)); with jitter, events overtake one another, so
 * they go through the kernel's heap.
 */
export class Hop {
  private readonly lane: number;
  /** With jitter on a bulk hop: one fixed-delay lane per bin. */
  private readonly lanes: Int32Array | null = null;
  private readonly laneDelayUs: Float64Array | null = null;
  readonly meanUs: number;

  constructor(
    private readonly k: Kernel,
    private readonly jitter: Jitter,
    private readonly fixedUs: number,
    private readonly networkUs: number,
    /** Tells this hop's factors from other hops' for the same message. */
    private readonly salt: number,
    /** Carries most of the traffic: jittered through lanes (binned delays) instead of the heap. */
    bulk: boolean,
    laneCapacity = 1024,
  ) {
    this.meanUs = fixedUs + networkUs;
    const jittered = jitter.on && networkUs > 0;
    const bins = jitter.bins;
    if (jittered && bulk && bins !== null) {
      this.laneDelayUs = bins.map((f) => Math.round(fixedUs + networkUs * f));
      this.lanes = Int32Array.from(this.laneDelayUs, (d) => k.addLane(d, laneCapacity));
    }
    this.lane = jittered ? -1 : k.addLane(this.meanUs, laneCapacity);
  }

  /** Per key: when the last message sent to it arrives (µs), if this hop keeps order per key. */
  private lastUs: Float64Array | null = null;

  /**
   * Keeps this hop first-in first-out per key (`keyA` of {@link send}), as one TCP connection
   * does: a message never overtakes an earlier one to the same key but waits behind it
   * (head-of-line blocking). Without it, jitter alone would reorder a recipient's messages and
   * show gaps and order violations that no loss or migration caused. A no-op without jitter
   * (a fixed-delay lane is FIFO already). `keys`: how many keys there are.
   */
  keepOrder(keys: number): this {
    if (this.lane < 0) this.lastUs = new Float64Array(keys);
    return this;
  }

  /** Bytes this hop holds (its per-key order, when kept). */
  get bytes(): number {
    return this.lastUs?.byteLength ?? 0;
  }

  /**
   * Sends event (type, a..d) over this hop; (keyA, keyB) identify what travels (for its jitter).
   * Returns the delay it takes (µs, whole).
   */
  send(type: number, a: number, b: number, c: number, d: number, keyA: number, keyB: number): number {
    if (this.lane >= 0) {
      this.k.scheduleLane(this.lane, type, a, b, c, d);
      return this.meanUs;
    }
    const j = this.lanes !== null ? this.jitter.bin(keyA, keyB, this.salt) : -1;
    const delayUs =
      j >= 0
        ? this.laneDelayUs![j]!
        : Math.round(this.fixedUs + this.networkUs * this.jitter.factor(keyA, keyB, this.salt));
    const last = this.lastUs;
    if (last !== null) {
      const now = this.k.now;
      const prevUs = last[keyA]!;
      if (now + delayUs < prevUs) {
        // Behind an earlier message to the same key: it arrives right after that one (the kernel
        // breaks equal times in the order scheduled).
        this.k.scheduleAt(prevUs, type, a, b, c, d);
        return prevUs - now;
      }
      last[keyA] = now + delayUs;
    }
    if (j >= 0) this.k.scheduleLane(this.lanes![j]!, type, a, b, c, d);
    else this.k.schedule(delayUs, type, a, b, c, d);
    return delayUs;
  }
}

/** Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
