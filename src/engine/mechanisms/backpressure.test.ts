import { describe, expect, it } from 'vitest';
import { createSimulation } from '../simulation';

// MECHANISMS.md: 1 KiB messages cost Redis about 1,064 B each queued; the kernel's 4,224 KiB
// fill first. Backlog growing 1,000 msg/s → the 32 MiB hard limit at
//   (4,224 + 32,768) KiB / (1,064 B · 1,000/s) ≈ 35.6 s;
// growing 200 msg/s → the 8 MiB soft limit crossed at (4,224 + 8,192) KiB / (1,064 · 200) ≈ 59.8 s,
// the disconnect 60–61 s later (whole seconds, as Redis checks it).
const KIB = 1024;
const PER_MSG = 1024 + 40;
const hardAtS = ((4224 + 32768) * KIB) / (PER_MSG * 1000);
const softAtS = ((4224 + 8192) * KIB) / (PER_MSG * 200);

/** One slow server reading 100 msg/s; users × 6/min one-to-one → users/10 msg/s arrive. */
const slowServer = (users: number, durationS: number) =>
  createSimulation({
    strategy: 'pubsub',
    users,
    servers: 1,
    messagesPerUserPerMin: 6,
    slowConsumerShare: 1,
    slowConsumerMsgsPerS: 100,
    durationS,
  });

/** Steps until the broker cuts the link off; returns the time (s). */
function timeOfCut(
  sim: ReturnType<typeof slowServer>,
  untilS: number,
  onStep?: (tS: number) => void,
): number {
  for (let t = 0.05; t < untilS; t += 0.05) {
    sim.runUntil(Math.round(t * 1e6));
    onStep?.(t);
    if (sim.result().totals.bufferDisconnects > 0) return t;
  }
  return Infinity;
}

describe('backpressure: Redis output-buffer limits', () => {
  it('the formulas give MECHANISMS.md’s figures', () => {
    expect(hardAtS).toBeCloseTo(35.6, 1);
    expect(Math.abs(softAtS - 59.8)).toBeLessThan(0.06);
  });

  it('a backlog growing 1,000 msg/s hits the hard limit at ≈ 35.6 s (kernel buffers first)', () => {
    // 11,000 users × 6/min = 1,100 msg/s in, 100 out. Poisson arrivals: by 35.6 s the count's sd
    // is √39,000 ≈ 200 messages = 0.2 s of growth; ±0.6 s is 3 sd.
    const sim = slowServer(11_000, 40);
    const t = timeOfCut(sim, 40);
    expect(Math.abs(t - hardAtS), `cut at ${t} s`).toBeLessThanOrEqual(0.6);
    // Without the kernel's share it would have come at 32 MiB / 1.064 MB/s ≈ 31.5 s.
    expect(t).toBeGreaterThan((32768 * KIB) / (PER_MSG * 1000) + 2);
  });

  it('a backlog growing 200 msg/s crosses the soft limit at ≈ 59.8 s and is cut 60–61 s later', () => {
    // 3,000 users × 6/min = 300 msg/s in, 100 out.
    const sim = slowServer(3_000, 130);
    let crossedS = Infinity;
    const t = timeOfCut(sim, 130, (tS) => {
      const b = sim.live().liveness!.outputBuffers[0]!;
      if (crossedS === Infinity && b.redisKb > b.softKb) crossedS = tS;
    });
    // sd of arrivals by 60 s: √18,000 ≈ 134 messages = 0.7 s of growth; ±2 s is 3 sd.
    expect(Math.abs(crossedS - softAtS), `crossed at ${crossedS} s`).toBeLessThanOrEqual(2);
    expect(t - crossedS).toBeGreaterThanOrEqual(60 - 0.05);
    expect(t - crossedS).toBeLessThanOrEqual(61 + 0.1);
  });

  it('what was queued is lost at the cut, and what comes before it resubscribes; then it delivers again', () => {
    const sim = slowServer(11_000, 60);
    const before = sim.result().totals.lostDeliveries;
    const t = timeOfCut(sim, 40);
    const atCut = sim.result().totals;
    // Everything queued went with the buffer: the kernel's share and the 32 MiB, in messages.
    expect(atCut.lostDeliveries - before).toBeGreaterThanOrEqual(
      Math.floor(((4224 + 32768) * KIB) / PER_MSG),
    );
    sim.runUntil(Math.round((t + 0.9) * 1e6));
    const gap = sim.result().totals;
    // Until it resubscribes (after the client's base backoff, 1 s) its users' messages are lost.
    expect(gap.deliveries).toBe(atCut.deliveries);
    expect(gap.lostDeliveries).toBeGreaterThan(atCut.lostDeliveries + 500);
    sim.run();
    const r = sim.result().totals;
    expect(r.deliveries).toBeGreaterThan(gap.deliveries + 1_000);
    expect(r.deliveries + r.lostDeliveries + r.pendingDeliveries).toBe(r.expectedDeliveries);
    expect(sim.live().liveness!.outputBuffers[0]!.cut).toBe(false);
  });

  it('fast consumers queue nothing: no buffer, no cut', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 11_000,
      servers: 1,
      messagesPerUserPerMin: 6,
      durationS: 40,
    });
    sim.run();
    expect(sim.result().totals.bufferDisconnects).toBe(0);
    expect(sim.live().liveness!.outputBuffers).toEqual([]);
  });
});
