import { describe, expect, it } from 'vitest';
import { withParam } from './mode';

describe('withParam (entering and leaving compare mode)', () => {
  it('adds and removes one key and leaves the rest of the link exactly as written', () => {
    const q = '?strategy=pubsub&users=1000&timeline=8.158:add-server,9.5:crash-server:2';
    const on = withParam(q, 'mode', 'compare');
    expect(on).toBe(`${q}&mode=compare`);
    expect(withParam(on, 'mode', null)).toBe(q);
    expect(withParam(on, 'mode', null)).not.toMatch(/%3A|%2C/i);
  });

  it('replaces a key that is already there (even twice) and handles an empty query', () => {
    expect(withParam('?mode=evil&a=1&mode=x', 'mode', 'compare')).toBe('?a=1&mode=compare');
    expect(withParam('', 'mode', null)).toBe('');
    expect(withParam('?mode=compare', 'mode', null)).toBe('');
  });
});
