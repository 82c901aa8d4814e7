import { describe, expect, it } from 'vitest';
import { LIMITS, STRATEGIES } from '../bridge/engine';
import { MIN_CARD_H, computeLayout, slotPos, type NodeBox } from './layout';

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

describe('server cards stay legible up to the most servers the page allows', () => {
  for (const strategy of STRATEGIES)
    for (const [w, h] of [
      [690, 375],
      [1240, 640],
    ] as const)
      it(`${strategy} at ${w}×${h} with ${LIMITS.maxServers} servers: every card carries its name`, () => {
        const ids = Array.from({ length: LIMITS.maxServers }, (_, i) => i);
        const l = computeLayout(strategy, ids, w, h, 240);
        const cards = ids.map((id) => l.nodes.get(16 + id)!);
        for (const c of cards) {
          expect(c.h).toBeGreaterThanOrEqual(MIN_CARD_H);
          // Room for "S63" at the labels' 13 px.
          expect(c.w).toBeGreaterThanOrEqual(28);
        }
      });
  it('keeps one column while cards are tall enough', () => {
    const l = computeLayout('polling', [0, 1, 2, 3, 4, 5, 6], 690, 375, 240);
    const xs = new Set([0, 1, 2, 3, 4, 5, 6].map((id) => l.nodes.get(16 + id)!.x));
    expect(xs.size).toBe(1);
  });
});
