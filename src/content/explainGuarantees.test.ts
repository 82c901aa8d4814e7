import { describe, expect, it } from 'vitest';
import { normalizeScenario } from '../engine';
import { explain } from './explain';
import {
  clusterBusPerPublish,
  explainGuarantee,
  replayBound,
  NO_GUARANTEE_FIGURES,
  type GuaranteeFigures,
} from './explainGuarantees';

const figures = (over: Partial<GuaranteeFigures>): GuaranteeFigures => ({ ...NO_GUARANTEE_FIGURES, ...over });

describe('explaining the delivery-guarantee figures', () => {
  it('predicts cluster bus messages as accepted publishes × (shards × (1 + replicas) − 1)', () => {
    const s = normalizeScenario({
      strategy: 'pubsub',
      broker: 'redis-cluster',
      brokerShards: 3,
      brokerReplicas: 1,
    });
    const ex = explainGuarantee('cluster-bus', s, figures({ publishesAccepted: 1000 }), 4);
    expect(ex.expected).toBe(1000 * (3 * 2 - 1));
    expect(ex.lines.join(' ')).toContain('3 × (1 + 1) − 1 = 5');
    const sp = normalizeScenario({ ...s, clusterPublish: 'spublish' });
    expect(explainGuarantee('cluster-bus', sp, figures({ publishesAccepted: 1000 }), 4).expected).toBe(1000);
    expect(clusterBusPerPublish(sp)).toBe(1);
  });

  it('bounds a Kafka-like replay by one commit interval of the consumer’s records', () => {
    // 12,000 users × 1/min = 200 messages/s, one record each (one-to-one rooms), over 4 consumers:
    // 50 records/s each; a 5 s interval replays at most 250.
    const s = normalizeScenario({ strategy: 'pubsub', broker: 'kafka', users: 12_000 });
    expect(replayBound(s, 4)).toBeCloseTo(250, 9);
    const before = normalizeScenario({ ...s, consumerCommit: 'before-processing' });
    expect(explainGuarantee('redeliveries', before, figures({}), 4).expected).toBe(0);
  });

  it('uses the model’s own counts in the arithmetic', () => {
    const s = normalizeScenario({ strategy: 'pubsub', sequenceNumbers: true, recovery: 'db' });
    const ex = explainGuarantee('recovered', s, figures({ recoveryReads: 40, recoveredDeliveries: 10 }), 4);
    expect(ex.lines.join(' ')).toContain('10 ÷ 40 = 0.25 per read');
  });

  it('names the copies the bounded window dropped as lost, only when there is no recovery', () => {
    const s = normalizeScenario({ strategy: 'pubsub', sequenceNumbers: true, idempotent: true });
    const text = explainGuarantee('duplicates-dropped', s, figures({ dedupeWindowLost: 12 }), 4).lines.join(
      ' ',
    );
    expect(text).toContain('more than 32 behind');
    expect(text).toContain('12 so far, counted lost');
    const rec = normalizeScenario({ ...s, recovery: 'db' });
    expect(explainGuarantee('duplicates-dropped', rec, figures({}), 4).lines.join(' ')).not.toContain(
      '32 behind',
    );
  });

  it('is reachable through explain() like every other headline figure', () => {
    const s = normalizeScenario({ strategy: 'pubsub', broker: 'redis-cluster', brokerShards: 2 });
    const ex = explain('cluster-bus', s, { servers: 4, figures: figures({ publishesAccepted: 7 }) });
    expect(ex.metric).toBe('cluster-bus');
    expect(ex.expected).toBe(7);
  });
});
