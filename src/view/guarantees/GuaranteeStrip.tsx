/**
 * The delivery-guarantee figures (issue 10) as a strip of small tiles across the top of the stage,
 * each shown only while its mechanism is on, each explaining itself ("Explain this number"). The
 * right rail is full at 1280×720; the stage's top edge is free at both sizes.
 */
import { MsgKind, type Scenario } from '../../bridge/engine';
import { MSG_COLOR } from '../palette';
import { clusterBusPerPublish } from '../../content/explainGuarantees';
import { clientGuaranteesApply } from './logic';
import { selScenario, selSummary } from '../../store/selectors';
import type { Summary } from '../../store/summary';
import { useApp } from '../context';
import { FigureStrip } from '../ui/FigureStrip';
import { compact, duration } from '../format';
import './guarantees.css';

interface Figure {
  id: string;
  label: string;
  value: number;
  sub: string;
  tone?: 'bad' | 'good';
}

export function guaranteeTiles(s: Scenario, sum: Summary | null): Figure[] {
  const g = sum?.guarantees;
  const v = (x: number | undefined) => x ?? 0;
  const out: Figure[] = [];
  const push = clientGuaranteesApply(s);
  const pubsub = s.strategy === 'pubsub';
  if (push && s.sequenceNumbers)
    out.push({
      id: 'metric-gaps',
      label: 'Gaps',
      value: v(g?.gapsDetected),
      sub: `${compact(v(g?.orderViolations))} late`,
      tone: v(g?.gapsDetected) > 0 ? 'bad' : undefined,
    });
  if (push && s.sequenceNumbers && s.recovery !== 'none')
    out.push({
      id: 'metric-recovered',
      label: 'Recovered',
      value: v(g?.recoveredDeliveries),
      sub: `${compact(v(g?.recoveryReads))} reads`,
      tone: v(g?.recoveredDeliveries) > 0 ? 'good' : undefined,
    });
  if (push && s.idempotent)
    out.push({
      id: 'metric-duplicates-dropped',
      label: 'Deduped',
      value: v(g?.duplicatesDropped),
      sub: `app saw ${compact(v(g?.duplicateDeliveries))}`,
    });
  if (push && (s.delivery === 'at-least-once' || (pubsub && s.broker === 'kafka')))
    out.push({
      id: 'metric-redeliveries',
      label: 'Redeliveries',
      value: v(g?.redeliveries),
      sub:
        pubsub && s.broker === 'kafka'
          ? `${compact(v(g?.replayedCopies))} replayed`
          : `ack ${duration(s.ackTimeoutMs)}`,
    });
  if (pubsub && s.broker === 'kafka')
    out.push({
      id: 'metric-consumer-lag',
      label: 'Lag',
      value: v(g?.consumerLagMax),
      sub: `now ${compact((g?.consumerLagNow ?? []).reduce((m, x) => Math.max(m, x), 0))}`,
      tone: v(g?.lostRecords) > 0 ? 'bad' : undefined,
    });
  if (pubsub && s.broker === 'redis-cluster')
    out.push({
      id: 'metric-cluster-bus',
      label: 'Bus msgs',
      value: v(g?.clusterBusMessages),
      sub: `${clusterBusPerPublish(s)}/publish`,
    });
  return out;
}

export function GuaranteeStrip() {
  const s = useApp(selScenario);
  const sum = useApp(selSummary);
  const figures = guaranteeTiles(s, sum).map((t) => ({ ...t, value: compact(t.value) }));
  return <FigureStrip figures={figures} label="Delivery guarantees" />;
}

/** Legend entries for the guarantee marks, shown with sequence numbers on a push strategy. */
export function GuaranteeLegend() {
  const s = useApp(selScenario);
  if (!s.sequenceNumbers || !clientGuaranteesApply(s)) return null;
  return (
    <ul className="g-legend" aria-label="Delivery-guarantee marks">
      <li>
        <span className="g-mark gap" aria-hidden="true" />
        gap detected
      </li>
      <li>
        <span className={`g-mark dup${s.idempotent ? ' struck' : ''}`} aria-hidden="true" />
        {s.idempotent ? 'duplicate dropped' : 'duplicate seen'}
      </li>
      {s.recovery !== 'none' ? (
        <li>
          <span className="swatch" style={{ background: MSG_COLOR[MsgKind.Recovery] }} />
          recovery fetch
        </li>
      ) : null}
    </ul>
  );
}
