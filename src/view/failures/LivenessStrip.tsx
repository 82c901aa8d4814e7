/**
 * The liveness, capacity and deploy figures (issue 11) as small tiles across the top of the stage,
 * beside the delivery-guarantee ones: each shown while its mechanism is in play, each explaining
 * itself ("Explain this number").
 */
import type { Scenario } from '../../bridge/engine';
import { brokerSlices } from '../../content/explainLiveness';
import { selScenario, selSummary } from '../../store/selectors';
import type { Summary } from '../../store/summary';
import { useApp } from '../context';
import { FigureStrip, type StripFigure } from '../ui/FigureStrip';
import { compact } from '../format';

type Figure = StripFigure;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function livenessTiles(s: Scenario, sum: Summary | null): Figure[] {
  const f = sum?.liveness;
  const out: Figure[] = [];
  if (s.strategy === 'polling') return out;
  const pubsub = s.strategy === 'pubsub';
  const crashed = (sum?.timeline ?? []).some((a) => a.action === 'crash-server');
  if (crashed || (f?.detectionMaxMs ?? 0) > 0)
    out.push({
      id: 'metric-detection',
      label: 'Noticed after',
      value: f && f.detectionMaxMs > 0 ? secs(f.detectionMeanMs) : '—',
      sub: f && f.detectionMaxMs > 0 ? `mean · max ${secs(f.detectionMaxMs)}` : 'waiting for heartbeats',
    });
  if ((sum?.reconnects ?? 0) > 0 || (f?.connectDropped ?? 0) > 0) {
    const full = f !== undefined && f.connectQueueMax >= s.listenBacklog;
    out.push({
      id: 'metric-accept-queue',
      label: 'Accept queue',
      value: compact(f?.connectQueueMax ?? 0),
      sub: `max of ${compact(s.listenBacklog)}`,
      tone: full ? 'bad' : undefined,
    });
    out.push({
      id: 'metric-connect-drops',
      label: 'Connect drops',
      value: compact(f?.connectDropped ?? 0),
      sub: 'at a full backlog',
      tone: (f?.connectDropped ?? 0) > 0 ? 'bad' : 'good',
    });
  }
  if (s.maxConnectionsPerServer > 0)
    out.push({
      id: 'metric-refused',
      label: 'Refused',
      value: compact(f?.connectionsRejected ?? 0),
      sub: `cap ${compact(s.maxConnectionsPerServer)}/server`,
      tone: (f?.connectionsRejected ?? 0) > 0 ? 'bad' : undefined,
    });
  // A Kafka-like consumer is never cut off: it lags (the Lag tile of the guarantees strip).
  if (pubsub && s.slowConsumerShare > 0 && s.broker !== 'kafka')
    out.push({
      id: 'metric-buffer-disconnects',
      label: 'Cut off',
      value: compact(f?.bufferDisconnects ?? 0),
      sub: `slow ${Math.round(s.slowConsumerShare * 100)} %`,
      tone: (f?.bufferDisconnects ?? 0) > 0 ? 'bad' : undefined,
    });
  // With one broker node (or partition) every room shares it: no shard can be hotter than another.
  if (pubsub && s.roomPopularity === 'zipf' && brokerSlices(s) > 1)
    out.push({
      id: 'metric-hot-shard',
      label: 'Hot shard',
      value: f && f.hottestShardShare > 0 ? pct(f.hottestShardShare) : '—',
      sub: `even ${pct(1 / brokerSlices(s))}`,
    });
  return out;
}

export function LivenessStrip() {
  const s = useApp(selScenario);
  const sum = useApp(selSummary);
  return (
    <FigureStrip figures={livenessTiles(s, sum)} label="Failures and capacity" className="g-strip f-strip" />
  );
}
