/** The liveness, capacity and deploy figures (issue 11): from the engine's snapshot into the summary. */
import type { LiveSnapshot } from '../../bridge/engine';
import {
  livenessFromTotals,
  type LivenessFigures,
  type LivenessMetricId,
} from '../../content/explainLiveness';
import type { Measured } from '../explain/measure';

export function livenessFigures(live: LiveSnapshot): LivenessFigures {
  return livenessFromTotals(live.totals);
}

/** Tile test id → explanation, for the liveness tiles. */
export const LIVENESS_TILES: Record<string, LivenessMetricId> = {
  'metric-detection': 'detection',
  'metric-accept-queue': 'accept-queue',
  'metric-connect-drops': 'connect-drops',
  'metric-refused': 'refused',
  'metric-buffer-disconnects': 'buffer-disconnects',
  'metric-hot-shard': 'hot-shard',
};

export function measuredLiveness(metric: LivenessMetricId, f: LivenessFigures | undefined): Measured {
  if (!f) return { value: null, note: 'waiting for the first frame' };
  switch (metric) {
    case 'detection':
      return f.detectionMaxMs > 0
        ? { value: f.detectionMeanMs, note: 'mean over clients that noticed' }
        : { value: null, note: 'no client has noticed a dead server yet' };
    case 'accept-queue':
      return { value: f.connectQueueMax, note: 'longest so far' };
    case 'connect-drops':
      return { value: f.connectDropped, note: 'since t = 0' };
    case 'refused':
      return { value: f.connectionsRejected, note: 'since t = 0' };
    case 'buffer-disconnects':
      return { value: f.bufferDisconnects, note: 'since t = 0' };
    case 'hot-shard':
      return { value: f.hottestShardShare, note: 'of broker traffic so far' };
  }
}
