import type { LiveSnapshot, Scenario, Strategy } from '../engine';

/** One architecture's line in the comparison table, from its own run. */
export interface CompareRow {
  strategy: Strategy;
  latencyP50Ms: number;
  latencyP99Ms: number;
  dbReadsPerS: number;
  /** Reconnects caused by the last scale event (0 when none happened). */
  reconnectsLastScale: number;
  brokerMsgsPerS: number;
  lost: number;
  duplicates: number;
  /** Infrastructure beyond LB + endpoint servers + DB. */
  movingParts: string[];
}

export const STRATEGY_LABEL: Record<Strategy, string> = {
  polling: 'Polling',
  'modulo-hashing': 'Simple hashing',
  'consistent-hashing': 'Consistent hashing',
  pubsub: 'Pub/Sub',
  'long-polling': 'Long polling',
};

export function movingParts(s: Scenario): string[] {
  switch (s.strategy) {
    case 'polling':
      return [];
    case 'modulo-hashing':
      return ['coordination service'];
    case 'consistent-hashing':
      return ['coordination service', 'hash ring + migration procedure'];
    case 'pubsub':
      return [s.brokerShards > 1 ? `broker cluster (${s.brokerShards} shards)` : 'broker (one node)'];
    case 'long-polling':
      return [
        s.brokerShards > 1
          ? `broker cluster for news (${s.brokerShards} shards)`
          : 'broker for news (one node)',
      ];
  }
}

/** Builds a row from a run's live snapshot. */
export function compareRow(s: Scenario, live: LiveSnapshot): CompareRow {
  const scale = [...live.timeline]
    .reverse()
    .find((r) => r.action !== 'crash-broker' && r.action !== 'recover-broker');
  return {
    strategy: s.strategy,
    latencyP50Ms: live.recentLatency.p50Ms,
    latencyP99Ms: live.recentLatency.p99Ms,
    dbReadsPerS: live.lastSecond?.dbReads ?? 0,
    reconnectsLastScale: scale?.reconnects ?? 0,
    brokerMsgsPerS: live.lastSecond?.brokerMessages ?? 0,
    lost: live.totals.lostDeliveries,
    duplicates: live.totals.duplicateDeliveries,
    movingParts: movingParts(s),
  };
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`);

/**
 * What the numbers support, one sentence per architecture, derived from the measured rows:
 * superlatives only where a row is actually best or worst, costs only where they were measured.
 */
export function verdicts(rows: CompareRow[]): Map<Strategy, string> {
  const out = new Map<Strategy, string>();
  const withLatency = rows.filter((r) => r.latencyP50Ms > 0);
  const minLat = Math.min(...withLatency.map((r) => r.latencyP50Ms));
  const maxLat = Math.max(...withLatency.map((r) => r.latencyP50Ms));
  const maxChurn = Math.max(...rows.map((r) => r.reconnectsLastScale));
  const scaled = maxChurn > 0;
  for (const r of rows) {
    const pros: string[] = [];
    const cons: string[] = [];
    if (r.latencyP50Ms > 0 && r.latencyP50Ms <= minLat * 1.05)
      pros.push(`lowest latency (${ms(r.latencyP50Ms)} median)`);
    else if (r.latencyP50Ms > 0 && r.latencyP50Ms >= maxLat * 0.95 && maxLat > minLat * 2)
      cons.push(
        `slowest: ${ms(r.latencyP50Ms)} median, ${Math.round(r.latencyP50Ms / Math.max(minLat, 0.001))}× the fastest`,
      );
    if (r.dbReadsPerS > 0) cons.push(`${compact.format(r.dbReadsPerS)} DB reads/s just to find out`);
    else pros.push('no DB reads to deliver');
    if (scaled) {
      if (r.reconnectsLastScale === 0) pros.push('no churn when scaling');
      else if (r.reconnectsLastScale === maxChurn)
        cons.push(`reconnect storm: ${nf.format(r.reconnectsLastScale)} reconnects on the last change`);
      else cons.push(`${nf.format(r.reconnectsLastScale)} reconnects on the last change`);
    }
    if (r.lost > 0) cons.push(`${nf.format(r.lost)} deliveries lost`);
    if (r.duplicates > 0) cons.push(`${nf.format(r.duplicates)} duplicates dropped by clients`);
    if (r.movingParts.length === 0) pros.push('no extra infrastructure');
    else if (r.strategy === 'pubsub') {
      const load = r.brokerMsgsPerS > 0 ? ` carrying ${compact.format(r.brokerMsgsPerS)} msgs/s` : '';
      cons.push(
        r.movingParts[0]!.includes('one node')
          ? `a broker${load} — a single point of failure`
          : `a ${r.movingParts[0]}${load}`,
      );
    } else cons.push(`needs a ${r.movingParts.join(' and a ')}`);
    const p = pros.length > 0 ? pros.join(', ') : 'no clear advantage here';
    out.set(
      r.strategy,
      `${STRATEGY_LABEL[r.strategy]}: ${p}${cons.length > 0 ? `; ${cons.join('; ')}` : ''}.`,
    );
  }
  return out;
}
