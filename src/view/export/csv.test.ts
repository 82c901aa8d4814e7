import { describe, expect, it } from 'vitest';
import type { SeriesRow } from '../../bridge/engine';
import type { CompareRow } from '../../content/compare';
import { compareCsv, csvCell, fileStem, SERIES_FIELDS, seriesCsv, toCsv } from './csv';

const row = (tS: number): SeriesRow =>
  Object.fromEntries(SERIES_FIELDS.map((f) => [f, f === 'tS' ? tS : tS * 10])) as unknown as SeriesRow;

describe('CSV export', () => {
  it('quotes only cells that need it (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
  it('writes the engine SeriesRow fields, one row per simulated second, in order', () => {
    const csv = seriesCsv([row(2), row(1), row(2), row(3)]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(SERIES_FIELDS.join(','));
    expect(lines.length).toBe(1 + 3);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([1, 2, 3]);
    expect(SERIES_FIELDS).toContain('latencyP99Ms');
    expect(SERIES_FIELDS.length).toBe(15);
  });
  it('prefixes a strategy column for compare lanes', () => {
    const csv = seriesCsv([row(1)], 'pubsub');
    expect(csv.split('\r\n')[0]).toBe(`strategy,${SERIES_FIELDS.join(',')}`);
    expect(csv.split('\r\n')[1]!.startsWith('pubsub,1,')).toBe(true);
  });
  it('writes the comparison table with moving parts and verdicts', () => {
    const r: CompareRow = {
      strategy: 'consistent-hashing',
      latencyP50Ms: 20.5,
      latencyP99Ms: 21,
      dbReadsPerS: 0,
      reconnectsLastScale: 2000,
      brokerMsgsPerS: 0,
      lost: 0,
      duplicates: 92,
      movingParts: ['coordination service', 'hash ring + migration procedure'],
    };
    const csv = compareCsv(
      [r],
      new Map([['consistent-hashing', 'Consistent hashing: low churn, needs a ring.']]),
    );
    const [head, body] = csv.trimEnd().split('\r\n');
    expect(head).toBe(
      'strategy,latencyP50Ms,latencyP99Ms,dbReadsPerS,reconnectsLastScale,brokerMsgsPerS,lost,duplicates,movingParts,verdict',
    );
    expect(body).toBe(
      'consistent-hashing,20.5,21,0,2000,0,0,92,coordination service; hash ring + migration procedure,"Consistent hashing: low churn, needs a ring."',
    );
  });
  it('names files after the scenario', () => {
    expect(fileStem({ strategy: 'pubsub', users: 1000, seed: 3 }, 'series')).toBe(
      'hopscope-series-pubsub-1000u-seed3',
    );
  });
});
