import { describe, expect, it } from 'vitest';
import { Kernel, type EventHandler } from './kernel';
import { Rng } from './rng';

/** Records (time, a) of every event it handles. */
class Recorder implements EventHandler {
  log: [number, number][] = [];
  handle(k: Kernel): void {
    this.log.push([k.now, k.a]);
  }
}

describe('Kernel', () => {
  it('runs events at equal times in insertion order (FIFO ties)', () => {
    const k = new Kernel();
    for (let i = 0; i < 50; i++) k.schedule(100, 1, i);
    const r = new Recorder();
    k.runUntil(Infinity, Infinity, r);
    expect(r.log.map((e) => e[1])).toEqual([...Array(50).keys()]);
  });

  it('keeps FIFO ties across lanes and the heap', () => {
    const k = new Kernel();
    const lane = k.addLane(100);
    // Interleave heap and lane scheduling, all landing at t = 100.
    for (let i = 0; i < 20; i++) {
      if (i % 3 === 0) k.scheduleLane(lane, 1, i);
      else k.schedule(100, 1, i);
    }
    const r = new Recorder();
    k.runUntil(Infinity, Infinity, r);
    expect(r.log.map((e) => e[1])).toEqual([...Array(20).keys()]);
  });

  it('runs a delay-0 event scheduled during an event after same-time events already queued', () => {
    const k = new Kernel();
    k.schedule(10, 1, 1);
    k.schedule(10, 1, 2);
    const order: number[] = [];
    const h: EventHandler = {
      handle(kk) {
        order.push(kk.a);
        if (kk.a === 1) kk.schedule(0, 1, 3);
      },
    };
    k.runUntil(Infinity, Infinity, h);
    expect(order).toEqual([1, 2, 3]);
  });

  it('runUntil stops before events at the boundary and advances the clock to it', () => {
    const k = new Kernel();
    k.schedule(5, 1, 5);
    k.schedule(10, 1, 10);
    k.schedule(11, 1, 11);
    const r = new Recorder();
    expect(k.runUntil(10, Infinity, r)).toBe(1);
    expect(k.now).toBe(10);
    expect(r.log).toEqual([[5, 5]]);
    expect(k.peek()).toBe(10);
    expect(k.runUntil(11, Infinity, r)).toBe(1);
    expect(r.log.at(-1)).toEqual([10, 10]);
  });

  it('runUntil respects the event budget and leaves the clock at the last event', () => {
    const k = new Kernel();
    for (let i = 1; i <= 10; i++) k.schedule(i, 1, i);
    const r = new Recorder();
    expect(k.runUntil(100, 3, r)).toBe(3);
    expect(k.now).toBe(3);
    expect(k.pending).toBe(7);
  });

  it('rejects a monotone-lane event earlier than the lane tail', () => {
    const k = new Kernel();
    const lane = k.addLane();
    k.scheduleLaneAt(lane, 50, 1);
    expect(() => k.scheduleLaneAt(lane, 40, 1)).toThrow(/before last/);
  });

  it('pops in (time, seq) order for random mixes of heap and lane events (oracle: sort)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed, 'kernel-fuzz');
      const k = new Kernel(4);
      const lanes = [k.addLane(7, 2), k.addLane(250, 2), k.addLane(0, 2)];
      const mono = k.addLane(-1, 2);
      let monoTail = 0;
      const expected: { t: number; seq: number; id: number }[] = [];
      let seq = 0;
      let id = 0;
      const got: number[] = [];
      const h: EventHandler = {
        handle(kk) {
          got.push(kk.a);
          // Schedule a few more from inside events.
          const n = rng.int(3);
          for (let j = 0; j < n && id < 3000; j++) add(kk);
        },
      };
      const add = (kk: Kernel) => {
        const which = rng.int(5);
        const myId = id++;
        if (which < 3) {
          const l = lanes[which]!;
          const delay = [7, 250, 0][which]!;
          kk.scheduleLane(l, 1, myId);
          expected.push({ t: kk.now + delay, seq: seq++, id: myId });
        } else if (which === 3) {
          const t = Math.max(monoTail, kk.now) + rng.int(20);
          monoTail = t;
          kk.scheduleLaneAt(mono, t, 1, myId);
          expected.push({ t, seq: seq++, id: myId });
        } else {
          const d = rng.int(400);
          kk.schedule(d, 1, myId);
          expected.push({ t: kk.now + d, seq: seq++, id: myId });
        }
      };
      for (let i = 0; i < 100; i++) add(k);
      k.runUntil(Infinity, Infinity, h);
      expected.sort((x, y) => x.t - y.t || x.seq - y.seq);
      expect(got).toEqual(expected.map((e) => e.id));
    }
  });

  it('lists pending events without consuming them', () => {
    const k = new Kernel();
    const lane = k.addLane(3);
    k.schedule(1, 2, 7);
    k.scheduleLane(lane, 4, 9);
    const seen: number[] = [];
    k.forEachPending((type, a) => seen.push(type * 100 + a));
    expect(seen.sort()).toEqual([207, 409]);
    expect(k.pending).toBe(2);
  });
});

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.next()
        )(new Rng(seed)),
      );
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('gives named streams that do not depend on draws from other streams', () => {
    const root1 = new Rng(3);
    const a1 = root1.fork('a');
    const b1 = root1.fork('b');
    const seqA1 = [a1.next(), a1.next(), a1.next()];
    const root2 = new Rng(3);
    const b2 = root2.fork('b');
    for (let i = 0; i < 1000; i++) b2.next(); // heavy use of another stream
    const a2 = root2.fork('a');
    expect([a2.next(), a2.next(), a2.next()]).toEqual(seqA1);
    expect(b1.next()).not.toEqual(seqA1[0]);
  });

  it('draws exponentials with the requested mean', () => {
    const r = new Rng(11, 'exp');
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += r.exp(2.5);
    // Standard error of the mean: 2.5 / sqrt(n) ≈ 0.0056; allow 5 σ.
    expect(Math.abs(sum / n - 2.5)).toBeLessThan(0.03);
  });
});
