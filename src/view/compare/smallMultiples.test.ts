import { describe, expect, it } from 'vitest';
import type { SeriesRow } from '../../bridge/engine';
import { chartGeometry, logTicks, METRICS, sharedDomain, timeDomain, WINDOW_S } from './smallMultiples';

const row = (tS: number, p: Partial<SeriesRow> = {}): SeriesRow => ({
  tS,
  dbReads: 0,
  dbWrites: 0,
  polls: 0,
  deliveries: 0,
  reconnects: 0,
  latencyP50Ms: 0,
  latencyP99Ms: 0,
  emptyPolls: 0,
  dbRejected: 0,
  redirects: 0,
  lostDeliveries: 0,
  duplicateDeliveries: 0,
  brokerMessages: 0,
  connections: 0,
  ...p,
});
const spec = (id: string) => METRICS.find((m) => m.id === id)!;

describe('compare small multiples', () => {
  it('shares one y domain across lanes, from the largest value of any lane', () => {
    const lanes = [[row(1, { dbReads: 2000 })], [row(1, { dbReads: 0 })], [row(1, { dbReads: 10 })]];
    expect(sharedDomain(spec('db-reads'), lanes, 0)).toEqual([0, 2200]);
  });
  it('never divides by zero when nothing was measured', () => {
    expect(sharedDomain(spec('reconnects'), [[row(1)], [row(2)]], 0)).toEqual([0, 1]);
    expect(sharedDomain(spec('latency'), [[row(1)]], 0)).toEqual([0.1, 10]);
  });
  it('spans decades on the log latency scale, p99 included', () => {
    const lanes = [[row(1, { latencyP50Ms: 2500, latencyP99Ms: 4900 })], [row(1, { latencyP50Ms: 20 })]];
    expect(sharedDomain(spec('latency'), lanes, 0)).toEqual([10, 10_000]);
  });
  it('ignores rows that slid out of the window', () => {
    expect(
      sharedDomain(spec('db-reads'), [[row(1, { dbReads: 9e9 }), row(300, { dbReads: 10 })]], 200),
    ).toEqual([0, 11]);
  });
  it('slides a fixed window of time', () => {
    expect(timeDomain(5)).toEqual([0, 30]);
    expect(timeDomain(400)).toEqual([400 - WINDOW_S, 400]);
  });
  it('draws rules only for actions inside the window, and one path per line', () => {
    const g = chartGeometry(
      spec('latency'),
      [row(1, { latencyP50Ms: 10, latencyP99Ms: 20 }), row(2, { latencyP50Ms: 10, latencyP99Ms: 20 })],
      [0, 30],
      [1, 100],
      { width: 300, height: 100 },
      [
        { atS: 15, label: '+ server' },
        { atS: 45, label: 'crash' },
      ],
      String,
    );
    expect(g.paths.map((p) => p.dashed)).toEqual([false, true]);
    expect(g.paths[0]!.d.startsWith('M10,50')).toBe(true);
    expect(g.rules).toEqual([{ x: 150, label: '+ server' }]);
  });
  it('labels log axes by decade, three at most', () => {
    expect(logTicks([10, 1000])).toEqual([10, 100, 1000]);
    expect(logTicks([10, 10_000])).toEqual([10, 100, 10_000]);
    expect(logTicks([0.1, 1e6])).toHaveLength(3);
  });
});
