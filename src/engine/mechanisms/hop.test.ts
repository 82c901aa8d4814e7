import { describe, expect, it } from 'vitest';
import { Kernel } from '../core/kernel';
import { Hop, inverseNormal, Jitter } from './hop';

describe('network jitter', () => {
  for (const cv of [0.2, 0.5, 1]) {
    it(`multiplies every hop by a factor of mean 1 and coefficient of variation ${cv}`, () => {
      const t = new Jitter(cv).table;
      let sum = 0;
      let sq = 0;
      for (const x of t) {
        sum += x;
        sq += x * x;
      }
      const mean = sum / t.length;
      const sd = Math.sqrt(sq / t.length - mean * mean);
      expect(mean).toBeCloseTo(1, 12);
      expect(Math.abs(sd - cv) / cv).toBeLessThan(0.03);
      expect(Math.min(...t)).toBeGreaterThan(0);
    });
  }

  it('falls back to the heap where four positive delays cannot carry the spread', () => {
    expect(new Jitter(1).bins).toBeNull();
    expect(new Jitter(0).bins).toBeNull();
  });

  for (const cv of [0.2, 0.5]) {
    it(`bins a bulk hop into four delays with the same mean (1) and CV (${cv})`, () => {
      const b = new Jitter(cv).bins!;
      const mean = b.reduce((x, y) => x + y, 0) / b.length;
      const sd = Math.sqrt(b.reduce((x, y) => x + (y - mean) ** 2, 0) / b.length);
      expect(mean).toBeCloseTo(1, 12);
      expect(sd).toBeCloseTo(cv, 12);
      expect(b[0]!).toBeGreaterThan(0);
    });
  }

  it('draws a spread of factors over many messages, the same one for the same message and hop', () => {
    const j = new Jitter(0.2);
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += j.factor(i, i >> 3, 5);
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.002);
    expect(j.factor(7, 3, 5)).toBe(j.factor(7, 3, 5));
    expect(new Jitter(0).factor(7, 3, 5)).toBe(1);
  });

  it('inverts the normal CDF', () => {
    expect(inverseNormal(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormal(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('a hop that keeps order per key (one TCP connection per key)', () => {
  for (const [cv, bulk] of [
    [0.2, true],
    [0.2, false],
    [1, true],
  ] as const)
    it(`delivers each key's messages in the order sent (jitter ${cv}, ${bulk ? 'lanes' : 'heap'})`, () => {
      const k = new Kernel();
      const hop = new Hop(k, new Jitter(cv), 0, 20_000, 5, bulk).keepOrder(3);
      // 3 keys × 400 messages, one every 10 µs: far closer than the 20 ms hop's spread.
      for (let i = 0; i < 1200; i++) k.scheduleAt(i * 10, 2, i);
      const sentDelays: number[] = [];
      const lastOf = [-1, -1, -1];
      let n = 0;
      let waited = 0;
      while (k.pop()) {
        if (k.type === 2) {
          const i = k.a;
          sentDelays.push(hop.send(1, i % 3, i, 0, 0, i % 3, i));
          continue;
        }
        n++;
        expect(k.b).toBeGreaterThan(lastOf[k.a]!);
        lastOf[k.a] = k.b;
      }
      expect(n).toBe(1200);
      // The same hop without order: each message's own delay. Some were held behind an earlier
      // one (the spread is real), and none arrived before its own delay.
      const free = new Hop(new Kernel(), new Jitter(cv), 0, 20_000, 5, bulk);
      for (let i = 0; i < 1200; i++) {
        const own = free.send(1, i % 3, i, 0, 0, i % 3, i);
        expect(sentDelays[i]!).toBeGreaterThanOrEqual(own);
        if (sentDelays[i]! > own) waited++;
      }
      expect(waited).toBeGreaterThan(0);
    });
});
