import { describe, expect, it } from 'vitest';
import { Pacer, type PacedSim } from './pacer';

/** A fake wall clock the tests move by hand. */
function fakeClock() {
  const c = { t: 1000, now: () => c.t };
  return c;
}

/**
 * A stand-in for the engine's kernel contract only: one event every `periodUs` of simulated time,
 * each costing `costMs` of (fake) wall time. It produces no model numbers.
 */
function periodicSim(clock: { t: number }, periodUs: number, costMs = 0): PacedSim & { events: number } {
  let nowUs = 0;
  let next = periodUs;
  const sim = {
    events: 0,
    get nowUs() {
      return nowUs;
    },
    runUntil(untilUs: number, maxEvents = Infinity) {
      let ran = 0;
      while (next < untilUs && ran < maxEvents) {
        nowUs = next;
        next += periodUs;
        ran++;
        clock.t += costMs;
      }
      if (ran < maxEvents || next >= untilUs) nowUs = Math.max(nowUs, untilUs);
      sim.events += ran;
      return ran;
    },
  };
  return sim;
}

describe('Pacer', () => {
  it('advances simulated time at wall time × speed when the engine keeps up', () => {
    const clock = fakeClock();
    const sim = periodicSim(clock, 100);
    const p = new Pacer({ now: clock.now });
    p.reset(true, 2);
    p.tick(sim); // first tick only anchors the clock
    for (let i = 0; i < 60; i++) {
      clock.t += 16;
      p.tick(sim);
    }
    expect(sim.nowUs).toBe(60 * 16 * 1000 * 2);
    expect(p.behind).toBe(false);
    expect(p.achievedSpeed).toBeCloseTo(2, 6);
  });

  it('keeps fractional progress at slow-motion speeds instead of stalling', () => {
    const clock = fakeClock();
    const sim = periodicSim(clock, 1_000_000);
    const p = new Pacer({ now: clock.now });
    p.reset(true, 0.0001); // 0.1 µs of simulated time per wall ms
    p.tick(sim);
    for (let i = 0; i < 1000; i++) {
      clock.t += 10;
      p.tick(sim);
    }
    // 10 s of wall time × 0.0001 = 1 ms of simulated time.
    expect(sim.nowUs).toBeGreaterThanOrEqual(999);
    expect(sim.nowUs).toBeLessThanOrEqual(1000);
  });

  it('stops at the per-tick budget, reports the achieved speed, and does not hoard debt', () => {
    const clock = fakeClock();
    // Each event costs 0.01 wall ms and events come every 10 µs of simulated time, so the engine can
    // do at most ~1 simulated ms per wall ms: ×1 at best, far below the requested ×100.
    const sim = periodicSim(clock, 10, 0.01);
    const p = new Pacer({ now: clock.now, chunkEvents: 100, tickBudgetMs: 8 });
    p.reset(true, 100);
    p.tick(sim);
    for (let i = 0; i < 200; i++) {
      clock.t += 4; // the scheduler's own gap between ticks
      const r = p.tick(sim);
      expect(r.events).toBeLessThanOrEqual(900);
    }
    expect(p.behind).toBe(true);
    const achieved = p.achievedSpeed;
    expect(achieved).toBeGreaterThan(0.3);
    expect(achieved).toBeLessThan(1.01);

    // Lower the request below capacity: the pacer must not sprint to make up for the past.
    p.setSpeed(0.25);
    const before = sim.nowUs;
    const wallBefore = clock.t;
    for (let i = 0; i < 100; i++) {
      clock.t += 16;
      p.tick(sim);
    }
    const simulated = sim.nowUs - before;
    const wall = clock.t - wallBefore;
    expect(simulated / wall / 1000).toBeLessThanOrEqual(0.25 + 1e-9);
    expect(p.behind).toBe(false);
  });

  it('counts a long gap (hidden tab) as at most maxGapMs', () => {
    const clock = fakeClock();
    const sim = periodicSim(clock, 50);
    const p = new Pacer({ now: clock.now, maxGapMs: 100 });
    p.reset(true, 1);
    p.tick(sim);
    clock.t += 60_000;
    p.tick(sim);
    expect(sim.nowUs).toBe(100_000);
  });

  it('does not advance while paused', () => {
    const clock = fakeClock();
    const sim = periodicSim(clock, 50);
    const p = new Pacer({ now: clock.now });
    p.reset(false, 10);
    for (let i = 0; i < 10; i++) {
      clock.t += 16;
      p.tick(sim);
    }
    expect(sim.nowUs).toBe(0);
    expect(p.achievedSpeed).toBe(0);
  });

  it('steps a paced stretch of speed × stepWallMs while paused, then stops', () => {
    const clock = fakeClock();
    const sim = periodicSim(clock, 50);
    const p = new Pacer({ now: clock.now, stepWallMs: 500 });
    p.reset(false, 0.01);
    p.step(sim);
    expect(p.active).toBe(true);
    p.tick(sim);
    let ticks = 0;
    while (p.active && ticks < 1000) {
      clock.t += 16;
      p.tick(sim);
      ticks++;
    }
    expect(sim.nowUs).toBe(5000); // 0.01 × 500 ms = 5 ms of simulated time
    expect(ticks).toBeGreaterThan(25); // paced over ~0.5 s of wall time, not in one jump
    clock.t += 1000;
    p.tick(sim);
    expect(sim.nowUs).toBe(5000);
  });
});
