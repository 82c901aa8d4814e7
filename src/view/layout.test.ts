import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../bridge/engine';
import { computeLayout, slotPos, type NodeBox } from './layout';

const overlap = (a: NodeBox, b: NodeBox) =>
  Math.abs(a.x - b.x) < (a.w + b.w) / 2 && Math.abs(a.y - b.y) < (a.h + b.h) / 2;

describe('computeLayout', () => {
  for (const strategy of STRATEGIES)
    for (const [w, h] of [
      [690, 375],
      [880, 470],
    ] as const)
      for (const n of [1, 4, 12, 64])
        it(`${strategy} at ${w}×${h} with ${n} servers keeps boxes apart and on stage`, () => {
          const l = computeLayout(
            strategy,
            Array.from({ length: n }, (_, i) => i),
            w,
            h,
            240,
          );
          const boxes = [...l.nodes.values()];
          const right = l.ringArea ? l.ringArea.x : w;
          for (const b of boxes) {
            expect(b.x - b.w / 2).toBeGreaterThanOrEqual(0);
            expect(b.x + b.w / 2).toBeLessThanOrEqual(right + 0.5);
            expect(b.y - b.h / 2).toBeGreaterThanOrEqual(0);
            expect(b.y + b.h / 2).toBeLessThanOrEqual(h);
          }
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
          // The client grid stays left of the load balancer.
          const lb = l.nodes.get(1)!;
          expect(l.clients.x + l.clients.w).toBeLessThan(lb.x - lb.w / 2);
          const [sx, sy] = slotPos(l, l.clients.capacity - 1);
          expect(sx).toBeLessThanOrEqual(l.clients.x + l.clients.w);
          expect(sy).toBeLessThanOrEqual(h);
        });
});
