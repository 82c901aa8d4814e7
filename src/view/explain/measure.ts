/**
 * Glue between the headline tiles and content/explain.ts: which explanation a tile shows, the
 * context it needs (servers before the last change), and the measured figure to set beside the
 * formula's prediction. Pure, so it is unit-tested.
 */
import type { Scenario } from '../../bridge/engine';
import type { ExplainContext, MetricId } from '../../content/explain';
import type { Summary } from '../../store/summary';
import { GUARANTEE_TILES, measuredGuarantee } from '../guarantees/figures';
import { LIVENESS_TILES, measuredLiveness } from '../failures/figures';

/** Tile test id → explanation; tiles not listed (sim time) explain nothing. */
export const TILE_METRIC: Record<string, MetricId> = {
  'metric-latency-p50': 'latency-p50',
  'metric-latency-p99': 'latency-p99',
  'metric-db-reads': 'db-reads',
  'metric-db-writes': 'db-writes',
  'metric-reconnects': 'reconnects',
  'metric-connections': 'connections',
  'metric-lost': 'lost',
  ...GUARANTEE_TILES,
  ...LIVENESS_TILES,
};

const SCALE = new Set(['add-server', 'remove-server', 'crash-server']);

export function explainContext(s: Scenario, sum: Summary | null): ExplainContext {
  const up = sum ? sum.servers.filter((x) => x.state === 'up' || x.state === 'draining').length : s.servers;
  const actions = (sum?.timeline ?? []).filter((a) => SCALE.has(a.action));
  const last = actions[actions.length - 1];
  const figures = sum?.guarantees;
  const liveness = sum?.liveness;
  if (!last) return { servers: up, figures, liveness };
  // The engine reports the live servers just before the change (a crash of an already-crashed
  // server or a refused action would throw off any count rebuilt here).
  return {
    servers: up,
    figures,
    liveness,
    lastAction: { ...last, serversBefore: Math.max(1, last.serversBefore) },
  };
}

export interface Measured {
  value: number | null;
  /** What exactly was measured ("last 5 s", "since the last change"). */
  note: string;
}

export function measured(metric: MetricId, sum: Summary | null): Measured {
  if (!sum) return { value: null, note: 'waiting for the first simulated second' };
  switch (metric) {
    case 'latency-p50':
      return { value: sum.latencyCount > 0 ? sum.latencyP50Ms : null, note: `last ${sum.latencyWindowS} s` };
    case 'latency-p99':
      return { value: sum.latencyCount > 0 ? sum.latencyP99Ms : null, note: `last ${sum.latencyWindowS} s` };
    case 'db-reads':
      return { value: sum.dbReadsPerS, note: 'last whole second' };
    case 'db-writes':
      return { value: sum.dbWritesPerS, note: 'last whole second' };
    case 'empty-polls':
      return { value: sum.polls > 0 ? sum.emptyPolls / sum.polls : null, note: 'of all polls so far' };
    case 'reconnects': {
      const scale = sum.timeline.filter((a) => SCALE.has(a.action));
      const last = scale[scale.length - 1];
      return last
        ? { value: last.reconnects, note: `since "${last.action}" at ${last.atS.toFixed(1)} s` }
        : { value: sum.reconnects, note: 'since t = 0' };
    }
    case 'connections':
      return { value: sum.connections, note: 'open now' };
    case 'lost':
      return { value: sum.lost, note: 'since t = 0' };
    case 'broker':
      return { value: sum.brokerPerS, note: 'last whole second' };
    case 'gaps':
    case 'recovered':
    case 'duplicates-dropped':
    case 'redeliveries':
    case 'consumer-lag':
    case 'cluster-bus':
      return measuredGuarantee(metric, sum.guarantees);
    case 'detection':
    case 'accept-queue':
    case 'connect-drops':
    case 'refused':
    case 'buffer-disconnects':
    case 'hot-shard':
      return measuredLiveness(metric, sum.liveness);
  }
}

/** "1,234.5" style, the unit appended; percentages for shares. */
export function formatValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (unit === '%') return `${(v * 100).toFixed(1)} %`;
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
  const n = v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 2 : 0 });
  return unit ? `${n} ${unit}` : n;
}

/** Measured ÷ expected as words a learner can check at a glance. */
export function agreement(measuredV: number | null, expected: number | null): string {
  if (measuredV === null || expected === null) return '';
  if (expected === 0) return measuredV === 0 ? 'matches' : '';
  const r = measuredV / expected;
  if (!Number.isFinite(r)) return '';
  const off = Math.abs(r - 1);
  return off <= 0.1
    ? `within ${Math.max(1, Math.round(off * 100))} % of the formula`
    : `${r.toFixed(2)}× the formula`;
}
