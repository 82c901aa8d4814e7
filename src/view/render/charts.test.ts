import { describe, expect, it } from 'vitest';
import { actionLabel, labelEvery, labelShift, ruleLevels } from './charts';

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

describe('server names under the bars', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, id) => ({ id }));
  it('are all shown when each bar has room', () => {
    expect(labelEvery(40, ids(4))).toBe(1);
  });
  it('thin out when two-digit names would touch ("S10S11")', () => {
    // 12 bars in 200 px: 16.7 px each, "S11" needs ~26.5 px.
    expect(labelEvery(200 / 12, ids(12))).toBe(2);
  });
  it('thin out further for 64 servers', () => {
    expect(labelEvery(360 / 64, ids(64))).toBe(5);
  });
});

describe('action markers', () => {
  it('name a deploy and a restart as such, not as a crash', () => {
    expect(actionLabel({ action: 'deploy', server: -1 })).toBe('deploy');
    expect(actionLabel({ action: 'restart-server', server: 2 })).toBe('S2 restart');
    expect(actionLabel({ action: 'crash-server', server: 2 })).toBe('S2 crashed');
  });
});

describe('rule labels near the right edge', () => {
  it('sit right of the rule when they fit, slide left when not, never past the axis', () => {
    expect(labelShift(100, 50, 40, 300)).toBe(3);
    expect(labelShift(280, 50, 40, 300)).toBe(-30);
    // 60 px from the axis, 80 px wide in a 100 px plot: starts at the axis.
    expect(labelShift(100, 80, 40, 140)).toBe(-40);
    expect(labelShift(50, 200, 40, 140)).toBe(-10);
  });
});
