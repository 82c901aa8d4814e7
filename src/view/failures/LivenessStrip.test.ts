import { describe, expect, it } from 'vitest';
import { normalizeScenario } from '../../bridge/engine';
import { livenessTiles } from './LivenessStrip';

describe('liveness tiles', () => {
  it('show "Cut off" for a slow consumer of Redis, not of the Kafka-like log (its consumers pull and lag)', () => {
    const redis = normalizeScenario({ strategy: 'pubsub', slowConsumerShare: 0.25 });
    expect(livenessTiles(redis, null).map((t) => t.id)).toContain('metric-buffer-disconnects');
    const kafka = normalizeScenario({ ...redis, broker: 'kafka' });
    expect(livenessTiles(kafka, null).map((t) => t.id)).not.toContain('metric-buffer-disconnects');
  });
});
