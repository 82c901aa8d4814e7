import { describe, expect, it } from 'vitest';
import { Simulation, createSimulation, type LiveSnapshot } from '../engine';
import { CheckpointStore, checkpointLimit } from './checkpoints';
import { SimHost } from './host';
import type { Frame, FromWorker } from './protocol';

describe('CheckpointStore', () => {
  it('finds the newest checkpoint at or before a time', () => {
    const s = new CheckpointStore<string>(8);
    for (const t of [0, 5, 10, 15]) s.add(t, `cp${t}`);
    expect(s.atOrBefore(12)?.state).toBe('cp10');
    expect(s.atOrBefore(10)?.state).toBe('cp10');
    expect(s.atOrBefore(4.9)?.state).toBe('cp0');
    expect(s.atOrBefore(-1)).toBeNull();
  });

  it('stays within its bound, keeps t = 0 and the newest, and spaces the past out', () => {
    const s = new CheckpointStore<number>(6);
    for (let t = 0; t <= 200; t += 5) s.add(t, t);
    const times = s.times;
    expect(times.length).toBe(6);
    expect(times[0]).toBe(0);
    expect(times[times.length - 1]).toBe(200);
    // Recent time dense, the past sparse: gaps grow (not strictly) going back in time.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[gaps.length - 1]).toBe(5);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThanOrEqual(gaps[i - 1]! * 1.01);
    expect(gaps[0]).toBeGreaterThan(40);
  });

  it('forgets the future on truncate (a fork)', () => {
    const s = new CheckpointStore<number>(8);
    for (const t of [0, 5, 10, 15]) s.add(t, t);
    s.truncateAfter(7);
    expect(s.times).toEqual([0, 5]);
    expect(() => s.add(3, 3)).toThrow();
  });

  it('budgets copies by the bytes of one copy, at least 3 and at most 24', () => {
    expect(checkpointLimit(100_000)).toBe(24);
    expect(checkpointLimit(8e6)).toBe(24);
    expect(checkpointLimit(38e6)).toBe(6);
    expect(checkpointLimit(600e6)).toBe(3);
    // Checkpoints × copy stays within the budget whenever more than the floor of 3 fit.
    for (const bytes of [1e6, 5e6, 20e6, 50e6, 78e6]) {
      const n = checkpointLimit(bytes, 240e6);
      if (n > 3) expect(n * (bytes + 2e6)).toBeLessThanOrEqual(240e6);
    }
  });

  it('sizes a big world from what the engine holds, not from its users', () => {
    // A million users polling at the sliders' worst: the engine says how big one copy is.
    const sim = createSimulation({
      strategy: 'polling',
      users: 1_000_000,
      pollIntervalS: 60,
      messagesPerUserPerMin: 60,
    });
    const bytes = sim.memoryBytes();
    const n = checkpointLimit(bytes);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n * (bytes + 2e6)).toBeLessThanOrEqual(240e6);
  });

  it('thins at once when its bound is lowered', () => {
    const s = new CheckpointStore<number>(10);
    for (let t = 0; t <= 45; t += 5) s.add(t, t);
    expect(s.size).toBe(10);
    s.max = 4;
    expect(s.size).toBe(4);
    expect(s.times[0]).toBe(0);
    expect(s.times[3]).toBe(45);
  });
});

/** A host around the real engine with a fake clock: each tick is `stepMs` of wall time. */
function realHost(maxCheckpoints?: number) {
  const clock = { t: 0 };
  const posted: FromWorker[] = [];
  const host = new SimHost({
    now: () => clock.t,
    create: (s) => createSimulation(s),
    post: (m) => posted.push(m),
    checkpointEveryUs: 2_000_000,
    ...(maxCheckpoints ? { maxCheckpoints } : {}),
  });
  const frames = () => posted.filter((m): m is Frame => m.type === 'frame');
  const last = () => frames()[frames().length - 1]!;
  const ack = () => host.handle({ type: 'ack', seq: last().seq });
  /** Plays until simulated time reaches `s` (speed 1, 100 ms ticks). */
  const runTo = (s: number) => {
    for (let i = 0; i < 10_000 && (last()?.live.nowUs ?? 0) < s * 1e6; i++) {
      clock.t += 100;
      host.tick();
      ack();
    }
  };
  const settle = () => {
    for (let i = 0; i < 1000 && (host.seeking || host.busy); i++) {
      clock.t += 1;
      host.tick();
      ack();
    }
  };
  return { clock, host, frames, last, ack, runTo, settle };
}

const SCENARIO = createSimulation({ strategy: 'modulo-hashing', users: 2000, servers: 4, seed: 5 }).scenario;

function reference(untilS: number, acts: { atS: number }[] = []): LiveSnapshot {
  const sim = createSimulation(SCENARIO);
  for (const a of acts) {
    sim.runUntil(a.atS * 1e6);
    sim.act('add-server');
  }
  sim.runUntil(untilS * 1e6);
  return sim.live();
}

describe('SimHost rewind', () => {
  it('checkpoints while playing and seeks back to exactly what the run showed then', () => {
    const h = realHost();
    h.host.handle({ type: 'init', runId: 1, scenario: SCENARIO, playing: true, speed: 1 });
    h.runTo(10);
    expect(h.host.checkpointTimesUs.length).toBeGreaterThanOrEqual(4);
    h.host.handle({ type: 'seek', tUs: 4_000_000 });
    h.settle();
    const f = h.last();
    expect(f.reset).toBe(true);
    expect(f.pace.playing).toBe(false);
    expect(f.live.nowUs).toBe(4_000_000);
    expect(f.live.totals).toEqual(reference(4).totals);
    // Series is whole and stops at the seek time.
    const rows = f.series.map((r) => r.tS);
    expect(rows).toEqual(rows.map((_, i) => i));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...rows)).toBeLessThan(4);
    // The old future is still there to scrub forward to.
    expect(f.history!.headUs).toBeGreaterThanOrEqual(10_000_000);
  });

  it('replays live actions on re-run, and an action in the past forks a new future', () => {
    const h = realHost();
    h.host.handle({ type: 'init', runId: 1, scenario: SCENARIO, playing: true, speed: 1 });
    h.runTo(3);
    const at1 = h.last().live.nowUs / 1e6;
    h.host.handle({ type: 'act', reqId: 1, kind: 'add-server' });
    h.runTo(10);
    h.host.handle({ type: 'seek', tUs: 8_000_000 });
    h.settle();
    expect(h.last().live.totals).toEqual(reference(8, [{ atS: at1 }]).totals);

    // Back before the action, then act: the first action is gone, the new one happens at 2 s.
    h.host.handle({ type: 'seek', tUs: 2_000_000 });
    h.settle();
    h.host.handle({ type: 'act', reqId: 2, kind: 'add-server' });
    expect(h.host.historyHeadUs).toBe(2_000_000);
    h.host.handle({ type: 'play', playing: true });
    h.runTo(6);
    h.host.handle({ type: 'seek', tUs: 5_000_000 });
    h.settle();
    const live = h.last().live;
    expect(live.timeline.map((a) => a.atS)).toEqual([2]);
    expect(live.totals).toEqual(reference(5, [{ atS: 2 }]).totals);
  });

  it('keeps the worker responsive: a long re-run spreads over ticks within the budget', () => {
    const h = realHost(2);
    h.host.handle({
      type: 'init',
      runId: 1,
      scenario: { ...SCENARIO, users: 20_000 },
      playing: true,
      speed: 1,
    });
    h.runTo(8);
    expect(h.host.checkpointTimesUs.length).toBe(2);
    // A clock that moves 5 ms per reading: the 12 ms budget ends a tick after a few chunks.
    let ticks = 0;
    h.host.handle({ type: 'seek', tUs: 7_000_000 });
    h.clock.t += 5;
    const realNow = h.clock;
    for (; ticks < 10_000 && h.host.seeking; ticks++) {
      realNow.t += 5;
      h.host.tick();
    }
    expect(h.host.seeking).toBe(false);
    h.settle();
    expect(h.last().live.nowUs).toBe(7_000_000);
  });

  it('spaces copies by what they cost in wall time, so copying stays a few % of the run', () => {
    const clock = { t: 0 };
    const copyMs = 40;
    let copies = 0;
    const host = new SimHost({
      now: () => clock.t,
      create: (s) => {
        const sim = createSimulation(s);
        // A big world: each copy takes 40 ms of wall time.
        sim.checkpoint = () => {
          clock.t += copyMs;
          copies++;
          return Simulation.prototype.checkpoint.call(sim);
        };
        return sim;
      },
      post: () => {},
      checkpointEveryUs: 1_000_000,
    });
    host.handle({ type: 'init', runId: 1, scenario: SCENARIO, playing: true, speed: 10 });
    for (let i = 0; i < 200; i++) {
      clock.t += 100;
      host.tick();
    }
    const times = host.checkpointTimesUs;
    expect(copies).toBeGreaterThanOrEqual(4);
    expect((copies * copyMs) / clock.t).toBeLessThanOrEqual(0.035);
    // Spacing in simulated time follows: ~1.3 s of wall at ×10 between copies.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(5_000_000);
  });
});
