import { describe, expect, it } from 'vitest';
import { ruleLevels } from './charts';

describe('chart action labels', () => {
  it('stay on the first line when far apart', () => {
    expect(
      ruleLevels(
        [
          { x: 0, width: 30 },
          { x: 200, width: 62 },
        ],
        3,
      ),
    ).toEqual([0, 0]);
  });
  it('stack when a label would print over the one before ("− S4S1 crashed")', () => {
    expect(
      ruleLevels(
        [
          { x: 100, width: 30 },
          { x: 104, width: 62 },
        ],
        3,
      ),
    ).toEqual([0, 1]);
  });
  it('go back up to a free line', () => {
    const r = ruleLevels(
      [
        { x: 0, width: 30 },
        { x: 5, width: 30 },
        { x: 300, width: 30 },
      ],
      3,
    );
    expect(r).toEqual([0, 1, 0]);
  });
  it('are left out, not overprinted, when every line is taken', () => {
    const r = ruleLevels(
      [0, 2, 4].map((x) => ({ x, width: 62 })),
      2,
    );
    expect(r).toEqual([0, 1, -1]);
  });
  it('are placed by position whatever the input order', () => {
    expect(
      ruleLevels(
        [
          { x: 104, width: 62 },
          { x: 100, width: 30 },
        ],
        3,
      ),
    ).toEqual([1, 0]);
  });
});
