/** The delivery-guarantee figures: from the engine's snapshot into the summary, and back out to the tiles. */
import type { LiveSnapshot } from '../../bridge/engine';
import type { GuaranteeFigures, GuaranteeMetricId } from '../../content/explainGuarantees';
import type { Measured } from '../explain/measure';

export function guaranteeFigures(live: LiveSnapshot): GuaranteeFigures {
  const t = live.totals;
  const k = live.broker.kafka;
  return {
    gapsDetected: t.gapsDetected,
    recoveredDeliveries: t.recoveredDeliveries,
    recoveryReads: t.recoveryReads,
    redeliveries: t.redeliveries,
    duplicatesDropped: t.duplicatesDropped,
    duplicateDeliveries: t.duplicateDeliveries,
    orderViolations: t.orderViolations,
    clusterBusMessages: t.clusterBusMessages,
    consumerLagMax: t.consumerLagMax,
    publishesAccepted: t.brokerPublishes - t.brokerDropped,
    deliveries: t.deliveries,
    lostDeliveries: t.lostDeliveries,
    dedupeWindowLost: t.dedupeWindowLost,
    replayedCopies: k?.replayedCopies ?? 0,
    lostRecords: k?.lostRecords ?? 0,
    consumerLagNow: k ? [...k.consumerLag] : [],
  };
}

/** Tile test id → explanation, for the guarantee tiles. */
export const GUARANTEE_TILES: Record<string, GuaranteeMetricId> = {
  'metric-gaps': 'gaps',
  'metric-recovered': 'recovered',
  'metric-duplicates-dropped': 'duplicates-dropped',
  'metric-redeliveries': 'redeliveries',
  'metric-consumer-lag': 'consumer-lag',
  'metric-cluster-bus': 'cluster-bus',
};

export function measuredGuarantee(metric: GuaranteeMetricId, g: GuaranteeFigures | undefined): Measured {
  if (!g) return { value: null, note: 'waiting for the first frame' };
  switch (metric) {
    case 'gaps':
      return { value: g.gapsDetected, note: 'since t = 0' };
    case 'recovered':
      return { value: g.recoveredDeliveries, note: 'since t = 0' };
    case 'duplicates-dropped':
      return { value: g.duplicatesDropped, note: 'since t = 0' };
    case 'redeliveries':
      return { value: g.redeliveries, note: 'since t = 0' };
    case 'consumer-lag':
      return { value: g.consumerLagMax, note: 'largest so far' };
    case 'cluster-bus':
      return { value: g.clusterBusMessages, note: 'since t = 0' };
  }
}
