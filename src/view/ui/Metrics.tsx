/**
 * Headline metrics (right rail). Test ids and meanings are a contract (DESIGN.md "The page"):
 * every figure is a number with its unit, straight from the engine's snapshot.
 */
import { useEffect, useRef } from 'react';
import type { SeriesRow } from '../../bridge/engine';
import { selSummary } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { createSparks } from '../render/sparks';
import { compact, duration, durationParts, load } from '../format';
import { LATENCY_WINDOW_S } from '../../content/warmup';
import { ExplainTip, explainId, isExplainable } from '../explain/ExplainTip';

interface Tile {
  id: string;
  /** Per-second series drawn as a sparkline on tall screens. */
  spark?: (r: SeriesRow) => number;
  label: string;
  value: string;
  unit: string;
  sub: string;
  tone?: 'bad' | 'good' | 'warming';
  title: string;
}

export function Metrics() {
  const s = useApp(selSummary);
  const { controller } = useServices();
  const tilesRef = useRef<HTMLDivElement>(null);
  const dash = '—';
  const lat = (ms: number): [string, string] => (s && s.latencyCount > 0 ? durationParts(ms) : [dash, 'ms']);
  const [p50, p50u] = lat(s?.latencyP50Ms ?? 0);
  const [p99, p99u] = lat(s?.latencyP99Ms ?? 0);
  const rate = (v: number | null | undefined) => (v === null || v === undefined ? dash : compact(v));
  const live = s ? s.servers.filter((x) => x.state === 'up' || x.state === 'draining').length : 0;
  const util = s?.dbUtilization ?? 0;
  const warming = s !== null && s.simTimeS < s.warmUpS;
  const win = `last ${s?.latencyWindowS || LATENCY_WINDOW_S} s`;
  // Overload shows where losses do: sends the DB refused, and what waits in the DB and broker
  // queues (a queue of q at capacity c is q/c seconds of wait the latency does not count yet).
  const lostSub: string[] = [];
  if (s && s.sendsFailed > 0) lostSub.push(`${compact(s.sendsFailed)} sends failed`);
  if (s && s.dbQueue > 0)
    lostSub.push(`DB queue ${compact(s.dbQueue)} (${duration((s.dbQueue / s.dbCapacityPerS) * 1000)})`);
  if (s && s.brokerQueue > 0) lostSub.push(`broker queue ${compact(s.brokerQueue)}`);
  const overloaded =
    s !== null &&
    (s.sendsFailed > 0 ||
      (s.dbQueue > 0 && s.dbUtilization >= 0.95) ||
      (s.brokerQueue > 0 && s.brokerUtilization >= 0.95));

  const tiles: Tile[] = [
    {
      id: 'metric-sim-time',
      label: 'Sim time',
      value: s ? s.simTimeS.toFixed(1) : '0.0',
      unit: 's',
      sub:
        s && s.playing
          ? `at ×${s.achievedSpeed >= 10 ? Math.round(s.achievedSpeed) : s.achievedSpeed.toPrecision(2)}`
          : 'paused',
      title: 'Seconds of simulated time since the run started.',
    },
    {
      id: 'metric-latency-p50',
      spark: (r) => r.latencyP50Ms,
      label: 'Latency p50',
      value: p50,
      unit: p50u,
      sub: warming ? `warm-up → ${Math.ceil(s.warmUpS)} s` : win,
      tone: warming ? 'warming' : undefined,
      title:
        'Median delivery latency: client receipt time − DB commit time, over the last few simulated seconds.',
    },
    {
      id: 'metric-latency-p99',
      spark: (r) => r.latencyP99Ms,
      label: 'Latency p99',
      value: p99,
      unit: p99u,
      sub: `${win} · n = ${compact(s?.latencyCount ?? 0)}`,
      tone: warming ? 'warming' : undefined,
      title: '99th percentile delivery latency over the last few simulated seconds.',
    },
    {
      id: 'metric-db-reads',
      spark: (r) => r.dbReads,
      label: 'DB reads',
      value: rate(s?.dbReadsPerS),
      unit: '/s',
      sub: s ? `last 1 s · ${load(util)} busy` : dash,
      tone: util >= 0.95 ? 'bad' : undefined,
      title: 'Reads the DB completed in the last whole simulated second.',
    },
    {
      id: 'metric-db-writes',
      spark: (r) => r.dbWrites,
      label: 'DB writes',
      value: rate(s?.dbWritesPerS),
      unit: '/s',
      sub: s && (s.dbRejectedPerS ?? 0) > 0 ? `rejects ${compact(s.dbRejectedPerS ?? 0)}/s` : 'chat messages',
      tone: s && (s.dbRejectedPerS ?? 0) > 0 ? 'bad' : undefined,
      title: 'Writes the DB completed in the last whole simulated second (one per chat message).',
    },
    {
      id: 'metric-reconnects',
      spark: (r) => r.reconnects,
      label: 'Reconnects',
      value: compact(s?.reconnects ?? 0),
      unit: 'total',
      sub: 'since t = 0',
      tone: s && s.reconnects > 0 ? 'bad' : undefined,
      title: 'Reconnections started after a disconnect, since the run started.',
    },
    {
      id: 'metric-connections',
      spark: (r) => r.connections,
      label: 'Connections',
      value: compact(s?.connections ?? 0),
      unit: 'open',
      sub: `on ${live} server${live === 1 ? '' : 's'}`,
      title: 'Client connections open now, over all endpoint servers.',
    },
    {
      id: 'metric-lost',
      spark: (r) => r.lostDeliveries,
      label: 'Lost',
      value: compact(s?.lost ?? 0),
      unit: 'msgs',
      sub: lostSub.length ? lostSub.join(' · ') : `of ${compact((s?.deliveries ?? 0) + (s?.lost ?? 0))}`,
      tone: s && (s.lost > 0 || overloaded) ? 'bad' : undefined,
      title:
        'Deliveries that will never arrive (cumulative), with the sends the DB refused and what waits in the DB and broker queues.',
    },
  ];

  const sparkKeys = tiles.map((t) => t.spark ?? null);
  const sparkRef = useRef(sparkKeys);
  useEffect(() => {
    sparkRef.current = sparkKeys;
  });
  useEffect(() => {
    const sparks = createSparks(tilesRef.current!, controller.world, () => sparkRef.current);
    const off = controller.loop.add((wall) => sparks.tick(wall), 30);
    return () => {
      off();
      sparks.destroy();
    };
  }, [controller]);

  return (
    <aside className="rail right" aria-label="Metrics">
      <h2>Now</h2>
      <div className="tiles" ref={tilesRef}>
        {tiles.map((t) => (
          <div
            key={t.id}
            className={`tile${t.tone ? ` ${t.tone}` : ''}`}
            // Explainable tiles take focus and describe themselves with the arithmetic instead.
            title={isExplainable(t.id) ? undefined : t.title}
            tabIndex={isExplainable(t.id) ? 0 : undefined}
            aria-describedby={isExplainable(t.id) ? explainId(t.id) : undefined}
          >
            {isExplainable(t.id) ? <ExplainTip tileId={t.id} /> : null}
            <div className="tile-label">{t.label}</div>
            <div className="tile-value" data-testid={t.id}>
              <span className="num">{t.value}</span> <span className="unit">{t.unit}</span>
            </div>
            <div className="tile-sub" data-testid={`${t.id}-sub`}>
              {t.sub}
            </div>
            {t.spark ? <svg className="spark" aria-hidden="true" /> : null}
          </div>
        ))}
      </div>
    </aside>
  );
}
