import { describe, expect, it } from 'vitest';
import { clock, compact, duration, load, speedLabel } from './format';

describe('format', () => {
  it('compacts counts like UI.md', () => {
    expect(compact(950)).toBe('950');
    expect(compact(12_345)).toBe('12.3K');
    expect(compact(1_000_000)).toBe('1.0M');
    expect(compact(100_000)).toBe('100K');
    expect(compact(99_999)).toBe('100K');
    expect(compact(2_500)).toBe('2.5K');
    expect(compact(0.5)).toBe('0.5');
    expect(compact(0)).toBe('0');
  });
  it('switches ms to s at 1,000 ms', () => {
    expect(duration(0.42)).toBe('0.42 ms');
    expect(duration(41.7)).toBe('41.7 ms');
    expect(duration(999)).toBe('999 ms');
    expect(duration(5012)).toBe('5.01 s');
  });
  it('formats the clock and speed', () => {
    expect(clock(75.25)).toBe('1:15.25');
    expect(clock(3.5)).toBe('0:03.500');
    expect(speedLabel(0.05)).toBe('×0.05');
    expect(speedLabel(100)).toBe('×100');
  });
});

describe('load against capacity', () => {
  it('reads as a percentage up to 999 %', () => {
    expect(load(0)).toBe('0 %');
    expect(load(0.914)).toBe('91 %');
    expect(load(9.99)).toBe('999 %');
  });
  it('reads as a multiple past 999 %, never capped', () => {
    expect(load(10)).toBe('×10');
    expect(load(12.6)).toBe('×12.6');
    expect(load(126)).toBe('×126');
    expect(load(12_600)).toBe('×12.6K');
  });
});
