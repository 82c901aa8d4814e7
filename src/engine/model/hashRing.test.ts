import { describe, expect, it } from 'vitest';
import { HashRing } from './hashRing';
import { hashInt } from '../core/hash';
import { Rng } from '../core/rng';

const keys = (n: number) => Array.from({ length: n }, (_, u) => hashInt(u, 0x5eed));

describe('HashRing', () => {
  it('equals a ring rebuilt from scratch after random add/remove sequences (seeded fuzz)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed, 'ring-fuzz');
      const vnodes = 1 + rng.int(60);
      const ring = new HashRing(vnodes);
      const members = new Set<number>();
      for (let step = 0; step < 30; step++) {
        const id = rng.int(20);
        if (members.has(id) && rng.next() < 0.5) {
          ring.remove(id);
          members.delete(id);
        } else {
          ring.add(id);
          members.add(id);
        }
        const oracle = HashRing.build(
          [...members].sort((a, b) => b - a),
          vnodes,
        );
        expect(Array.from(ring.points), `seed ${seed} step ${step}`).toEqual(Array.from(oracle.points));
        expect(Array.from(ring.owners), `seed ${seed} step ${step}`).toEqual(Array.from(oracle.owners));
      }
    }
  });

  it('looks keys up at the first point clockwise, wrapping past the top', () => {
    const ring = HashRing.build([0, 1, 2], 5);
    const pts = Array.from(ring.points);
    for (const h of [0, pts[0]!, pts[0]! + 1, pts.at(-1)!, pts.at(-1)! + 1, 0xffffffff]) {
      const i = pts.findIndex((p) => p >= h);
      expect(ring.lookup(h)).toBe(ring.owners[i < 0 ? 0 : i]);
    }
  });

  it('moves keys only to the added server, about 1/(N+1) of them', () => {
    const ks = keys(100_000);
    for (const n of [3, 4, 8]) {
      const ring = HashRing.build([...Array(n).keys()], 150);
      const before = ks.map((k) => ring.lookup(k));
      ring.add(n);
      let moved = 0;
      ks.forEach((k, i) => {
        const o = ring.lookup(k);
        if (o !== before[i]) {
          moved++;
          expect(o).toBe(n);
        }
      });
      expect(Math.abs(moved / ks.length - 1 / (n + 1))).toBeLessThan(0.35 / (n + 1));
    }
  });

  it('balances better as virtual nodes grow (busiest/mean spread ≈ 1/√V)', () => {
    const ks = keys(200_000);
    const n = 10;
    const spread = (v: number) => {
      const ring = HashRing.build([...Array(n).keys()], v);
      const load = new Array(n).fill(0);
      for (const k of ks) load[ring.lookup(k)]++;
      return Math.max(...load) / (ks.length / n) - 1;
    };
    const s = [1, 10, 100, 1000].map(spread);
    expect(s[1]!).toBeLessThan(s[0]!);
    expect(s[2]!).toBeLessThan(s[1]!);
    expect(s[3]!).toBeLessThan(s[2]!);
    // "With ~100+ vnodes the busiest server holds within a few tens of percent of the mean."
    expect(s[2]!).toBeLessThan(0.35);
    // Order of magnitude of 1/√V (a max over 10 servers is a few standard deviations).
    expect(s[2]!).toBeGreaterThan(0.3 / Math.sqrt(100));
    expect(s[3]!).toBeLessThan(4 / Math.sqrt(1000));
  });
});
