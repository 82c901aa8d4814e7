/**
 * Pure geometry of compare mode's small multiples: one row per metric, one column per strategy,
 * every chart of a row on the SAME y scale and every chart on the same time axis, so a glance
 * across a row compares architectures honestly.
 */
import { line, scaleLinear, scaleLog } from 'd3';
import type { SeriesRow } from '../../bridge/engine';

export interface MetricSpec {
  id: string;
  title: string;
  unit: string;
  log: boolean;
  /** One or two lines per chart (p50 solid, p99 dashed). */
  lines: { key: string; label: string; dashed: boolean; value: (r: SeriesRow) => number }[];
}

export const METRICS: MetricSpec[] = [
  {
    id: 'latency',
    title: 'Delivery latency',
    unit: 'ms',
    log: true,
    lines: [
      { key: 'p50', label: 'p50', dashed: false, value: (r) => r.latencyP50Ms },
      { key: 'p99', label: 'p99', dashed: true, value: (r) => r.latencyP99Ms },
    ],
  },
  {
    id: 'db-reads',
    title: 'DB reads',
    unit: '/s',
    log: false,
    lines: [{ key: 'reads', label: 'reads/s', dashed: false, value: (r) => r.dbReads }],
  },
  {
    id: 'reconnects',
    title: 'Reconnects',
    unit: '/s',
    log: false,
    lines: [{ key: 'reconnects', label: 'reconnects/s', dashed: false, value: (r) => r.reconnects }],
  },
  {
    id: 'broker',
    title: 'Broker messages',
    unit: '/s',
    log: false,
    lines: [{ key: 'broker', label: 'msgs/s', dashed: false, value: (r) => r.brokerMessages }],
  },
];

/** Seconds of history a chart shows; older rows slide out on the left. */
export const WINDOW_S = 180;

export function timeDomain(nowS: number): [number, number] {
  const hi = Math.max(30, Math.ceil(nowS));
  return [Math.max(0, hi - WINDOW_S), hi];
}

/**
 * The y domain one row shares across all lanes. Log scales start at the smallest positive value
 * seen (latency spans 0.1 ms … minutes); linear ones at 0 with a floor of 1 so an all-zero row
 * (no DB reads under push) draws a flat line at the bottom rather than a divide by zero.
 */
export function sharedDomain(
  spec: MetricSpec,
  lanes: readonly (readonly SeriesRow[])[],
  t0: number,
): [number, number] {
  let lo = Infinity;
  let hi = 0;
  for (const rows of lanes)
    for (const r of rows) {
      if (r.tS < t0) continue;
      for (const l of spec.lines) {
        const v = l.value(r);
        if (!(v > 0)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  if (spec.log) {
    if (!(hi > 0)) return [0.1, 10];
    const a = Math.pow(10, Math.floor(Math.log10(lo)));
    const b = Math.pow(10, Math.ceil(Math.log10(hi)));
    return [a, b > a ? b : a * 10];
  }
  return [0, Math.max(1, hi * 1.1)];
}

export interface ChartGeometry {
  width: number;
  height: number;
  paths: { key: string; d: string; dashed: boolean }[];
  ticks: { y: number; label: string }[];
  rules: { x: number; label: string }[];
}

export function chartGeometry(
  spec: MetricSpec,
  rows: readonly SeriesRow[],
  x: [number, number],
  y: [number, number],
  size: { width: number; height: number },
  rules: readonly { atS: number; label: string }[],
  fmt: (v: number) => string,
): ChartGeometry {
  const sx = scaleLinear().domain(x).range([0, size.width]);
  const sy = (spec.log ? scaleLog() : scaleLinear()).domain(y).range([size.height, 0]).clamp(true);
  const visible = rows.filter((r) => r.tS >= x[0] - 1);
  const paths = spec.lines.map((l) => {
    const gen = line<SeriesRow>()
      .defined((r) => !spec.log || l.value(r) > 0)
      .x((r) => sx(r.tS))
      .y((r) => sy(spec.log ? l.value(r) : Math.max(0, l.value(r))));
    return { key: l.key, d: gen(visible) ?? '', dashed: l.dashed };
  });
  const ticks = spec.log
    ? logTicks(y).map((v) => ({ y: sy(v), label: fmt(v) }))
    : [0, y[1] / 2, y[1]].map((v) => ({ y: sy(v), label: fmt(v) }));
  const rulesOut = rules
    .filter((r) => r.atS >= x[0] && r.atS <= x[1])
    .map((r) => ({ x: sx(r.atS), label: r.label }));
  return { width: size.width, height: size.height, paths, ticks, rules: rulesOut };
}

/** Decades from bottom to top, thinned to three labels so short charts stay legible. */
export function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) out.push(v);
  if (out.length <= 3) return out;
  return [out[0]!, out[Math.floor((out.length - 1) / 2)]!, out[out.length - 1]!];
}
