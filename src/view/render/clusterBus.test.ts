import { describe, expect, it } from 'vitest';
import { BusDots, MAX_BUS_DOTS, busTargets } from './clusterBus';

describe('cluster bus', () => {
  it('PUBLISH reaches every other node, masters × (1 + replicas) − 1; SPUBLISH only its replicas', () => {
    for (const masters of [1, 3, 6])
      for (const replicas of [0, 1, 2]) {
        const pub = busTargets(1 % masters, masters, replicas, 'publish');
        expect(pub).toHaveLength(masters * (1 + replicas) - 1);
        expect(pub.some((t) => t.master === 1 % masters && t.replica === -1)).toBe(false);
        const sp = busTargets(1 % masters, masters, replicas, 'spublish');
        expect(sp).toHaveLength(replicas);
        expect(sp.every((t) => t.master === 1 % masters && t.replica >= 0)).toBe(true);
      }
  });

  it('a master whose bus count grew sends one publish worth of dots; they travel over the trip and end', () => {
    const d = new BusDots();
    d.observe([0, 0, 0], 1, 'publish', 0);
    expect(d.sent).toBe(0);
    d.observe([5, 0, 10], 1, 'publish', 1000);
    expect(d.sent).toBe(2 * 5);
    expect(d.bursts).toBe(2);
    const seen: [number, number, number, number][] = [];
    expect(d.forEach(1500, 1000, (a, b, c, f) => seen.push([a, b, c, f]))).toBe(10);
    expect(new Set(seen.map((s) => s[0]))).toEqual(new Set([0, 2]));
    expect(seen.every((s) => s[3] === 0.5)).toBe(true);
    expect(d.forEach(2000, 1000, () => {})).toBe(0); // arrived
    d.observe([5, 0, 10], 1, 'publish', 2100); // nothing new: no dots
    expect(d.sent).toBe(10);
  });

  it('SPUBLISH keeps its dots inside the shard, and none without replicas', () => {
    const d = new BusDots();
    d.observe([0, 0], 2, 'spublish', 0);
    d.observe([2, 0], 2, 'spublish', 10);
    const to: number[] = [];
    d.forEach(10, 100, (from, m) => to.push(from, m));
    expect(to).toEqual([0, 0, 0, 0]);
    const none = new BusDots();
    none.observe([0, 0], 0, 'spublish', 0);
    none.observe([0, 0], 0, 'spublish', 10);
    expect(none.sent).toBe(0);
  });

  it('starts afresh on a new run or a rewind, and reuses the oldest dot when full', () => {
    const d = new BusDots();
    d.observe([0, 0, 0, 0], 5, 'publish', 0);
    for (let t = 1; t <= 10; t++) d.observe([t, t, t, t], 5, 'publish', t);
    expect(d.sent).toBe(10 * 4 * 23);
    expect(d.forEach(10, 100, () => {})).toBe(MAX_BUS_DOTS);
    d.observe([1, 1, 1, 1], 5, 'publish', 5); // time went back
    expect(d.sent).toBe(0);
    expect(d.forEach(5, 100, () => {})).toBe(0);
  });
});
