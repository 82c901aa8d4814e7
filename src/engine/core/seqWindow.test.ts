import { describe, expect, it } from 'vitest';
import { hasSeq, markSeq, SEQ_WINDOW } from './seqWindow';

describe('sequence window', () => {
  const fresh = () => ({ mark: new Uint32Array(1), win: new Uint32Array(1) });

  it('advances the mark over numbers had in order', () => {
    const { mark, win } = fresh();
    for (let q = 1; q <= 5; q++) markSeq(mark, win, 0, q);
    expect(mark[0]).toBe(5);
    expect(win[0]).toBe(0);
  });

  it('keeps a number above a gap in the window, and closes the gap when it comes', () => {
    const { mark, win } = fresh();
    markSeq(mark, win, 0, 1);
    markSeq(mark, win, 0, 3);
    expect(mark[0]).toBe(1);
    expect(hasSeq(mark, win, 0, 2)).toBe(false);
    expect(hasSeq(mark, win, 0, 3)).toBe(true);
    markSeq(mark, win, 0, 2);
    expect(mark[0]).toBe(3);
    expect(win[0]).toBe(0);
  });

  it('slides past a gap wider than the window: older numbers count as had', () => {
    const { mark, win } = fresh();
    markSeq(mark, win, 0, 1);
    markSeq(mark, win, 0, 1 + SEQ_WINDOW + 10);
    expect(mark[0]).toBe(1 + 10);
    expect(hasSeq(mark, win, 0, 5)).toBe(true);
    expect(hasSeq(mark, win, 0, 1 + SEQ_WINDOW + 10)).toBe(true);
    expect(hasSeq(mark, win, 0, 1 + SEQ_WINDOW + 9)).toBe(false);
  });

  it('ignores a number it already has', () => {
    const { mark, win } = fresh();
    markSeq(mark, win, 0, 1);
    markSeq(mark, win, 0, 4);
    const before = [mark[0], win[0]];
    markSeq(mark, win, 0, 4);
    markSeq(mark, win, 0, 1);
    expect([mark[0], win[0]]).toEqual(before);
  });
});
