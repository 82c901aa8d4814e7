/**
 * `kernel-micro`: events/s of the bare kernel (schedule + pop) with ~100,000 events pending and no
 * model work. Each popped event reschedules itself on the queue it came from, so the pending count
 * and the lane/heap mix stay constant: half the population sits in four fixed-delay lanes (the
 * network hops and timers of the real model), half in the heap with exponential delays (service
 * times), and the heap's mean delay is chosen so that half of the *events* come off the heap too —
 * otherwise the short lanes would dominate the event count and flatter the kernel. Random delays
 * come from a precomputed table so the RNG's cost is not counted as kernel time.
 */
import { Kernel, type EventHandler } from '../engine/core/kernel';
import { Rng } from '../engine/core/rng';

export interface KernelMicroOptions {
  pending: number;
  events: number;
  /** Delays of the fixed-delay lanes. */
  laneDelaysUs: readonly number[];
  /** Fraction of the pending population held in lanes (the rest is in the heap). */
  laneShare: number;
  /** Fraction of the events that come off the heap (sets the heap's mean delay). */
  heapEventShare: number;
  seed: number;
}

export const KERNEL_MICRO: KernelMicroOptions = {
  pending: 100_000,
  events: 10_000_000,
  laneDelaysUs: [1_000, 2_000, 5_000, 10_000],
  laneShare: 0.5,
  heapEventShare: 0.5,
  seed: 1,
};

const HEAP = 0;
const LANE = 1;
const TABLE = 1 << 16;

class Rescheduler implements EventHandler {
  private i = 0;
  heapEvents = 0;

  constructor(private readonly delays: Float64Array) {}

  handle(k: Kernel): void {
    if (k.type === LANE) k.scheduleLane(k.a, LANE, k.a);
    else {
      this.heapEvents++;
      k.schedule(this.delays[this.i++ & (TABLE - 1)]!, HEAP);
    }
  }
}

export interface KernelMicroResult {
  events: number;
  simSeconds: number;
  /** Share of events that came off the heap (the rest came off lanes). */
  heapShare: number;
  /** Wall time of the timed loop only (setup excluded). */
  loopMs: number;
}

export function runKernelMicro(options: Partial<KernelMicroOptions> = {}): KernelMicroResult {
  const o = { ...KERNEL_MICRO, ...options };
  const inLanes = Math.round(o.pending * o.laneShare);
  const perLane = o.laneDelaysUs.length > 0 ? Math.floor(inLanes / o.laneDelaysUs.length) : 0;
  const inHeap = o.pending - perLane * o.laneDelaysUs.length;
  // Events/µs off the lanes at steady state; the heap's mean delay then sets its share of events.
  let laneRate = 0;
  for (const d of o.laneDelaysUs) laneRate += perLane / d;
  const h = o.heapEventShare;
  const heapMeanUs = laneRate > 0 && h < 1 ? (inHeap * (1 - h)) / (h * laneRate) : 10_000;

  const rng = new Rng(o.seed).fork('kernel-micro');
  const delays = new Float64Array(TABLE);
  for (let i = 0; i < TABLE; i++) delays[i] = rng.exp(heapMeanUs);

  const k = new Kernel(o.pending);
  const lanes = o.laneDelaysUs.map((d) => k.addLane(d, o.pending));
  // Spread each lane's initial events evenly over one delay so the lane starts in steady state.
  for (let li = 0; li < lanes.length; li++) {
    const d = o.laneDelaysUs[li]!;
    for (let j = 0; j < perLane; j++)
      k.scheduleLaneAt(lanes[li]!, Math.floor((j * d) / perLane), LANE, lanes[li]!);
  }
  for (let j = 0; j < inHeap; j++) k.schedule(rng.exp(heapMeanUs), HEAP);

  const handler = new Rescheduler(delays);
  const t0 = performance.now();
  k.runUntil(Infinity, o.events, handler);
  const loopMs = performance.now() - t0;
  return { events: k.events, simSeconds: k.now / 1e6, heapShare: handler.heapEvents / k.events, loopMs };
}
