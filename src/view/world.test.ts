import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, TRACE_STRIDE } from '../bridge/engine';
import type { LiveSnapshot } from '../bridge/engine';
import type { Frame } from '../bridge/protocol';
import { World } from './world';

function frame(runId: number, seq: number, nowUs: number, rateUsPerMs: number, trace: number[] = []): Frame {
  return {
    type: 'frame',
    runId,
    seq,
    live: { nowUs } as LiveSnapshot,
    pace: { playing: rateUsPerMs > 0, requestedSpeed: 1, achievedSpeed: 1, behind: false, rateUsPerMs },
    trace: Float64Array.from(trace),
    traceSeqs: new Uint32Array(trace.length / TRACE_STRIDE),
    series: [],
  };
}

describe('World', () => {
  it('draws a moment that trails the worker and advances at its rate', () => {
    const w = new World();
    w.clear(1, DEFAULT_SCENARIO);
    const f = frame(1, 1, 100_000, 1000);
    w.ingest({ frame: f, traces: [], traceSeqs: [] });
    w.advance(16);
    // Far behind the head: it jumps to within MAX_LAG of it, then moves at the rate.
    expect(w.viewUs).toBeGreaterThan(100_000 - 1000 * 130);
    const v0 = w.viewUs;
    w.advance(10);
    expect(w.viewUs).toBe(Math.min(100_000, v0 + 10_000));
    for (let i = 0; i < 100; i++) w.advance(16);
    expect(w.viewUs).toBe(100_000); // never past the worker's clock
  });

  it('ignores frames of an older run and keeps a hop until one frame after it ends', () => {
    const w = new World();
    w.clear(2, DEFAULT_SCENARIO);
    w.ingest({ frame: frame(1, 1, 50, 1), traces: [], traceSeqs: [] });
    expect(w.live).toBeNull();
    const hop = [0, 0, 16, 1000, 2000, 7];
    w.ingest({
      frame: frame(2, 1, 3000, 1),
      traces: [Float64Array.from(hop)],
      traceSeqs: [Uint32Array.of(0)],
    });
    expect(w.hopCount).toBe(1);
    w.viewUs = 1500;
    w.advance(1000); // view moves to 2500: the hop ended during this frame, still kept once
    expect(w.hopCount).toBe(1);
    w.advance(1);
    expect(w.hopCount).toBe(0);
    expect(TRACE_STRIDE).toBe(hop.length);
  });

  it("keeps each hop's sequence number with it as earlier hops expire", () => {
    const w = new World();
    w.clear(3, DEFAULT_SCENARIO);
    // Three pushes ending at 2000, 5000 and 8000 µs, carrying room sequence numbers 41, 42, 43.
    const hops = [3, 16, 0, 1000, 2000, 1, 3, 16, 0, 1000, 5000, 2, 3, 16, 0, 1000, 8000, 3];
    w.ingest({
      frame: frame(3, 1, 9000, 1000),
      traces: [Float64Array.from(hops)],
      traceSeqs: [Uint32Array.of(41, 42, 43)],
    });
    expect(Array.from(w.hopSeqs.subarray(0, w.hopCount))).toEqual([41, 42, 43]);
    w.viewUs = 2500;
    w.advance(0); // the first has ended before the view: gone, the others keep their numbers
    expect(w.hopCount).toBe(2);
    expect(Array.from(w.hopSeqs.subarray(0, 2))).toEqual([42, 43]);
    expect(w.hops[5]).toBe(2); // and the user beside it is the matching record's
    // A trace without sequence numbers (an older worker) reads as 0, never as a stale number.
    w.ingest({
      frame: frame(3, 2, 9000, 1000),
      traces: [Float64Array.from(hops.slice(0, 6))],
      traceSeqs: [],
    });
    expect(w.hopSeqs[w.hopCount - 1]).toBe(0);
  });
});
