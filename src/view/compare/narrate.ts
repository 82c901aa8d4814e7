/**
 * Compare mode's words for the live region: one sentence per scale event across the five lanes,
 * and a periodic digest of the table. Pure; the view decides when to speak.
 */
import type { ActionReport, Strategy } from '../../bridge/engine';
import { STRATEGY_LABEL, type CompareRow } from '../../content/compare';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (v: number) =>
  v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

const VERB: Record<string, string> = {
  'add-server': 'Server added',
  'remove-server': 'Server removed',
  'crash-server': 'Server crashed',
  'crash-broker': 'Broker crashed',
  'recover-broker': 'Broker recovered',
  'restart-server': 'Server restarted',
  deploy: 'Rolling deploy started',
};

const COUNT: Record<number, string> = { 2: 'two', 3: 'three', 4: 'four', 5: 'five' };

export function describeCompareAction(
  lanes: readonly { strategy: Strategy; users: number; report: ActionReport }[],
): string {
  const first = lanes[0]?.report;
  if (!first) return '';
  const parts = lanes.map(({ strategy, users, report }) => {
    const share = users > 0 ? Math.round((report.usersMoved / users) * 100) : 0;
    return `${STRATEGY_LABEL[strategy]} ${int(report.usersMoved)} (${share} %)`;
  });
  return `${VERB[first.action] ?? first.action} in all ${COUNT[lanes.length] ?? lanes.length} at ${first.atS.toFixed(1)} s; users who must move: ${parts.join(', ')}.`;
}

export function compareDigest(rows: readonly CompareRow[], nowS: number): string {
  const m = Math.floor(nowS / 60);
  const s = String(Math.floor(nowS - m * 60)).padStart(2, '0');
  const lat = rows
    .filter((r) => r.latencyP50Ms > 0)
    .map((r) => `${STRATEGY_LABEL[r.strategy]} ${ms(r.latencyP50Ms)}`)
    .join(', ');
  const reads = rows
    .filter((r) => r.dbReadsPerS > 0)
    .map((r) => `${STRATEGY_LABEL[r.strategy]} ${int(r.dbReadsPerS)}`);
  return `At ${m}:${s}: median latency ${lat || 'not measured yet'}; DB reads/s ${reads.length ? reads.join(', ') : 'none'}.`;
}
