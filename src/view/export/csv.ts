/**
 * CSV and JSON for downloads: the engine's per-second series (one row per simulated second, the
 * SeriesRow fields in the engine's order) and compare mode's table. Pure, so it is unit-tested.
 */
import { SERIES_METRICS, type SeriesRow, type Strategy } from '../../bridge/engine';
import type { CompareRow } from '../../content/compare';

/** The SeriesRow fields, in the engine's column order (time first). */
export const SERIES_FIELDS: readonly (keyof SeriesRow)[] = ['tS', ...SERIES_METRICS];

/** RFC 4180 quoting: only fields holding a comma, quote or line break are quoted. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Keeps one row per simulated second (the last one wins if a second was received twice), in order. */
export function uniqueSeconds(rows: readonly SeriesRow[]): SeriesRow[] {
  const m = new Map<number, SeriesRow>();
  for (const r of rows) m.set(r.tS, r);
  return [...m.values()].sort((a, b) => a.tS - b.tS);
}

export function seriesCsv(rows: readonly SeriesRow[], strategy?: Strategy): string {
  const head = strategy ? ['strategy', ...SERIES_FIELDS] : [...SERIES_FIELDS];
  const body = uniqueSeconds(rows).map((r) => {
    const cells = SERIES_FIELDS.map((f) => r[f]);
    return strategy ? [strategy, ...cells] : cells;
  });
  return toCsv(head, body);
}

export const COMPARE_FIELDS = [
  'strategy',
  'latencyP50Ms',
  'latencyP99Ms',
  'dbReadsPerS',
  'reconnectsLastScale',
  'brokerMsgsPerS',
  'lost',
  'duplicates',
  'movingParts',
] as const;

export function compareCsv(rows: readonly CompareRow[], verdicts?: ReadonlyMap<Strategy, string>): string {
  const head: string[] = [...COMPARE_FIELDS, ...(verdicts ? ['verdict'] : [])];
  const body = rows.map((r) => [
    ...COMPARE_FIELDS.map((f) => (f === 'movingParts' ? r.movingParts.join('; ') : r[f])),
    ...(verdicts ? [verdicts.get(r.strategy) ?? ''] : []),
  ]);
  return toCsv(head, body);
}

/** File-name friendly stamp of a scenario: `hopscope-pubsub-100000u-seed3`. */
export function fileStem(s: { strategy: string; users: number; seed: number }, kind: string): string {
  return `hopscope-${kind}-${s.strategy}-${s.users}u-seed${s.seed}`;
}
