import { describe, expect, it } from 'vitest';
import { BufferPush, MigrationBuffer } from './migrationBuffer';

describe('MigrationBuffer', () => {
  it('refuses copies past its byte budget (and says so), then takes them again once released', () => {
    const buf = new MigrationBuffer(10_000, 256, 2048 * 12);
    let kept = 0;
    let over = 0;
    for (let i = 0; i < 5000; i++) {
      const r = buf.push(i % 10_000, i, i);
      if (r === BufferPush.Kept) kept++;
      else if (r === BufferPush.OverBudget) over++;
    }
    expect(kept).toBe(2048);
    expect(over).toBe(5000 - 2048);
    expect(buf.bytes - 10_000 * 10).toBeLessThanOrEqual(2048 * 12);
    const seen: number[] = [];
    buf.release(0, (seq) => seen.push(seq));
    expect(seen.length).toBeGreaterThan(0);
    expect(buf.push(0, 1, 1)).toBe(BufferPush.Kept);
  });

  it('tells a full user buffer apart from a full pool', () => {
    const buf = new MigrationBuffer(4, 2);
    expect(buf.push(1, 1, 0)).toBe(BufferPush.Kept);
    expect(buf.push(1, 2, 0)).toBe(BufferPush.Kept);
    expect(buf.push(1, 3, 0)).toBe(BufferPush.UserFull);
    expect(buf.push(2, 3, 0)).toBe(BufferPush.Kept);
  });
});
