import { describe, expect, it } from 'vitest';
import { oneLine } from './failure';

describe('oneLine', () => {
  it('keeps the first non-empty line of a multi-line message (a stack stays off the page)', () => {
    expect(oneLine('\nboom in tick\n    at Kernel.run (kernel.ts:10)\n')).toBe('boom in tick');
  });
  it('shortens a long message to 140 characters with an ellipsis', () => {
    const s = oneLine('x'.repeat(500));
    expect(s).toHaveLength(140);
    expect(s.endsWith('…')).toBe(true);
  });
  it('drops a trailing full stop (the page adds its own) and names an empty message', () => {
    expect(oneLine('out of memory.')).toBe('out of memory');
    expect(oneLine('  ')).toBe('unknown error');
  });
});
