import { describe, expect, it } from 'vitest';
import { PairSet } from './pairSet';
import { Rng } from './rng';

describe('pair set', () => {
  it('holds what was added and not taken, like a set of (a, b) keys', () => {
    const r = new Rng(7, 'pairs');
    const set = new PairSet();
    const model = new Set<string>();
    const wrong: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      // Few distinct keys, so adds, repeats and takes collide and probe runs wrap.
      const a = r.int(40);
      const b = r.int(60) + (r.next() < 0.1 ? 0xffff0000 : 0);
      const key = `${a},${b}`;
      if (r.next() < 0.55) {
        set.add(a, b);
        model.add(key);
      } else if (set.take(a, b) !== model.delete(key)) wrong.push(`take ${key} at step ${step}`);
      if (step % 499 === 0)
        for (let x = 0; x < 40; x++)
          for (let y = 0; y < 60; y++)
            if (set.has(x, y) !== model.has(`${x},${y}`)) wrong.push(`has ${x},${y} at step ${step}`);
      if (set.size !== model.size) wrong.push(`size at step ${step}`);
    }
    expect(wrong).toEqual([]);
    expect(model.size).toBeGreaterThan(100);
  });

  it('grows past its first capacity and empties again', () => {
    const set = new PairSet();
    for (let i = 0; i < 5000; i++) set.add(i, i * 7);
    expect(set.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(set.take(i, i * 7)).toBe(true);
    expect(set.size).toBe(0);
    expect(set.has(3, 21)).toBe(false);
  });
});

describe('pair set pruning', () => {
  it('keeps exactly the pairs asked for, and finds them after', () => {
    const s = new PairSet();
    for (let a = 0; a < 300; a++) for (let b = 0; b < 5; b++) s.add(a, b * 1000);
    s.retain((a, b) => (a + b) % 3 === 0);
    let want = 0;
    for (let a = 0; a < 300; a++)
      for (let b = 0; b < 5; b++) {
        const kept = (a + b * 1000) % 3 === 0;
        if (kept) want++;
        expect(s.has(a, b * 1000)).toBe(kept);
      }
    expect(s.size).toBe(want);
    expect(s.take(3, 0)).toBe(true);
    expect(s.size).toBe(want - 1);
  });
});
