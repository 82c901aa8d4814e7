/**
 * The main thread's picture of the running simulation, updated once per animation frame from the
 * bridge's mailbox. Not React state: renderers read it directly inside the frame loop.
 *
 * Time: the page draws at `viewUs`, which trails the worker's clock slightly and advances at the
 * rate the worker reports, so dots move smoothly between frames (RaftScope style: a dot's position
 * is a function of the clock and its hop's send/receive times, nothing else).
 */
import { MsgKind, TRACE_STRIDE } from '../bridge/engine';
import type { LiveSnapshot, RingView, SampleView, Scenario, SeriesRow } from '../bridge/engine';
import type { Delivery } from '../bridge/client';
import type { PaceReport } from '../bridge/protocol';

const MAX_HOPS = 20_000;
const MAX_SERIES = 900;
/** How far behind the worker the page may draw before it jumps to catch up (wall ms at the rate). */
const MAX_LAG_MS = 120;

export class World {
  runId = 0;
  scenario: Scenario | null = null;
  live: LiveSnapshot | null = null;
  pace: PaceReport | null = null;
  ring: RingView | null = null;
  sample: SampleView | null = null;
  /** Bumps when `sample` or `ring` is replaced (renderers redraw on change). */
  sampleVersion = 0;
  ringVersion = 0;
  series: SeriesRow[] = [];
  seriesVersion = 0;
  /** Active traced hops: TRACE_STRIDE numbers each, `hopCount` of them. */
  hops = new Float64Array(4096 * TRACE_STRIDE);
  /** The room sequence number each active hop carries (0: none), parallel to `hops`. */
  hopSeqs = new Uint32Array(4096);
  hopCount = 0;
  /** Simulated time being drawn (µs). */
  viewUs = 0;
  /** Furthest simulated time this branch of the run reached (the rewind scrubber's end). */
  headUs = 0;
  /** Bumps on every frame consumed (cheap change detection for renderers). */
  frameVersion = 0;
  private lastRate = 0;
  /** Client-grid dots (one per sampled user) and the users each stands for. */
  slotCapacity = 240;
  private sampleStride = 1;

  clear(runId: number, scenario: Scenario | null): void {
    this.runId = runId;
    this.scenario = scenario;
    this.live = null;
    this.pace = null;
    this.ring = null;
    this.sample = null;
    this.sampleVersion++;
    this.ringVersion++;
    this.series = [];
    this.seriesVersion++;
    this.hopCount = 0;
    this.viewUs = 0;
    this.headUs = 0;
    this.lastRate = 0;
    this.frameVersion++;
  }

  ingest(d: Delivery): void {
    const f = d.frame;
    if (f.runId !== this.runId) return;
    if (f.reset) {
      // A seek: the run jumped (usually back); what was drawn belongs to another moment.
      this.series = [];
      this.seriesVersion++;
      this.hopCount = 0;
      this.viewUs = f.live.nowUs;
    }
    if (f.history) this.headUs = f.history.headUs;
    this.live = f.live;
    this.pace = f.pace;
    if (f.pace.rateUsPerMs > 0) this.lastRate = f.pace.rateUsPerMs;
    if (f.ring) {
      this.ring = f.ring;
      this.ringVersion++;
    }
    if (f.sample) {
      this.sample = f.sample;
      this.assignSlots(f.sample);
      this.sampleVersion++;
    }
    if (f.series.length) {
      this.series.push(...f.series);
      if (this.series.length > MAX_SERIES) this.series.splice(0, this.series.length - MAX_SERIES);
      this.seriesVersion++;
    }
    for (let i = 0; i < d.traces.length; i++) this.addHops(d.traces[i]!, d.traceSeqs?.[i]);
    this.frameVersion++;
  }

  /** Moves the drawing clock on by `dtMs` of wall time and forgets hops that have ended. */
  advance(dtMs: number): void {
    const live = this.live;
    if (!live) return;
    const head = live.nowUs;
    const rate = this.pace?.rateUsPerMs || this.lastRate;
    const prev = this.viewUs;
    let v = prev + dtMs * rate;
    if (rate > 0 && v < head - rate * MAX_LAG_MS) v = head - rate * MAX_LAG_MS;
    this.viewUs = Math.max(prev, Math.min(v, head));
    // Keep hops that ended during this frame for one more draw, so renderers that count
    // (reduced motion) see even hops shorter than a frame.
    this.expireHops(prev);
  }

  /**
   * Grid slot for a traced user. The engine's sample is evenly spaced (users 0, k, 2k, …), so the
   * dot for sample i stands for users [i·k, (i+1)·k): a traced user is drawn at its block's dot.
   */
  slotOf(user: number): number {
    return Math.min(this.slotCapacity - 1, Math.floor(user / this.sampleStride));
  }

  private assignSlots(sample: SampleView): void {
    const u = sample.users;
    this.sampleStride = u.length > 1 ? Math.max(1, u[1]! - u[0]!) : 1;
    this.slotCapacity = Math.max(1, u.length);
  }

  private addHops(t: Float64Array, seqs: Uint32Array | undefined): void {
    const n = t.length / TRACE_STRIDE;
    if (this.hopCount + n > MAX_HOPS) {
      // Too many to draw anyway: keep the newest.
      const keep = Math.max(0, MAX_HOPS - n);
      this.hops.copyWithin(0, (this.hopCount - keep) * TRACE_STRIDE, this.hopCount * TRACE_STRIDE);
      this.hopSeqs.copyWithin(0, this.hopCount - keep, this.hopCount);
      this.hopCount = keep;
    }
    const need = (this.hopCount + n) * TRACE_STRIDE;
    if (need > this.hops.length) {
      const grown = new Float64Array(Math.max(need, this.hops.length * 2));
      grown.set(this.hops.subarray(0, this.hopCount * TRACE_STRIDE));
      this.hops = grown;
      const seqGrown = new Uint32Array(grown.length / TRACE_STRIDE);
      seqGrown.set(this.hopSeqs.subarray(0, this.hopCount));
      this.hopSeqs = seqGrown;
    }
    const m = Math.min(n, MAX_HOPS);
    this.hops.set(t.subarray(0, m * TRACE_STRIDE), this.hopCount * TRACE_STRIDE);
    if (seqs && seqs.length >= m) this.hopSeqs.set(seqs.subarray(0, m), this.hopCount);
    else this.hopSeqs.fill(0, this.hopCount, this.hopCount + m);
    this.hopCount += m;
  }

  private expireHops(v: number): void {
    const h = this.hops;
    let w = 0;
    for (let r = 0; r < this.hopCount; r++) {
      const o = r * TRACE_STRIDE;
      // Losses linger a little so the eye catches them.
      const end = h[o + 4]! + (lingers(h[o]!) ? this.lingerUs() : 0);
      if (end < v) continue;
      if (w !== r) {
        h.copyWithin(w * TRACE_STRIDE, o, o + TRACE_STRIDE);
        this.hopSeqs[w] = this.hopSeqs[r]!;
      }
      w++;
    }
    this.hopCount = w;
  }

  /** Simulated µs that correspond to ~0.6 s on screen at the current rate. */
  lingerUs(): number {
    return Math.max(1, (this.pace?.rateUsPerMs || this.lastRate) * 600);
  }
}

/** Marks that stay on screen a moment after their instant: a loss, a detected gap, a dropped duplicate. */
function lingers(kind: number): boolean {
  return kind === MsgKind.Loss || kind === MsgKind.Gap || kind === MsgKind.Duplicate;
}
