import { describe, expect, it } from 'vitest';
import { Series, SERIES_FIELDS } from './series';

const row = (x: number) => Float64Array.from(SERIES_FIELDS, (f) => (f === 'latencyP99Ms' ? x * 10 : x));

describe('Series', () => {
  it('keeps one row per second up to its capacity, growing as it goes', () => {
    const s = new Series(1000);
    for (let t = 0; t < 700; t++) s.push(t, row(t));
    expect(s.length).toBe(700);
    expect(s.widthS).toBe(1);
    expect(s.row(699)).toMatchObject({ tS: 699, dbReads: 699, latencyP99Ms: 6990 });
  });

  it('stays bounded on a long run by merging pairs: rates averaged, p99 the max', () => {
    const s = new Series(8);
    for (let t = 0; t < 8; t++) s.push(t, row(t));
    s.push(8, row(8)); // full: halves, then appends at width 2
    expect(s.widthS).toBe(2);
    expect(s.row(0)).toMatchObject({ tS: 0, dbReads: 0.5, latencyP99Ms: 10 });
    for (let t = 9; t < 1000; t++) s.push(t, row(t));
    expect(s.length).toBeLessThanOrEqual(8);
    expect(s.widthS).toBeGreaterThan(64);
    // The averaged rate of the last row lies within the seconds it covers.
    const last = s.row(s.length - 1);
    expect(last.dbReads).toBeGreaterThanOrEqual(last.tS);
    expect(last.dbReads).toBeLessThan(1000);
  });

  it('hands a reader only the rows after its cursor, the same rows a full read gives', () => {
    const s = new Series(1000);
    for (let t = 0; t < 50; t++) s.push(t, row(t));
    expect(s.rowsAfter(-1)).toEqual(s.rows());
    expect(s.rowsAfter(46).map((r) => r.tS)).toEqual([47, 48, 49]);
    expect(s.rowsAfter(49)).toEqual([]);
    expect(s.rowsAfter(10.5)[0]!.tS).toBe(11);
    // After pairs merge, a cursor still picks up exactly the rows that start after it.
    const m = new Series(8);
    for (let t = 0; t < 20; t++) m.push(t, row(t));
    const all = m.rows();
    // Every row keeps its start time through the merges (a full store once lost one: NaN).
    expect(all.map((r) => r.tS)).toEqual([...all.map((r) => r.tS)].sort((a, b) => a - b));
    for (const r of all) expect(Number.isFinite(r.tS)).toBe(true);
    const cut = all[2]!.tS;
    expect(m.rowsAfter(cut)).toEqual(all.filter((r) => r.tS > cut));
  });
});
