import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, normalizeScenario, type Scenario } from '../../bridge/engine';
import {
  brokerNA,
  brokerPatch,
  busPerPublish,
  clientGuaranteesNA,
  sequenceNumbersPatch,
  whyNot,
} from './logic';
import { guaranteeTiles } from './GuaranteeStrip';

const sc = (over: Partial<Scenario> = {}): Scenario => normalizeScenario({ ...DEFAULT_SCENARIO, ...over });

describe('the Guarantees panel rules', () => {
  it('explains recovery and idempotency without sequence numbers in the engine’s words', () => {
    const s = sc({ strategy: 'pubsub' });
    expect(whyNot(s, { recovery: 'db' })).toMatch(/^needs sequenceNumbers/);
    expect(whyNot(s, { idempotent: true })).toMatch(/^needs sequenceNumbers/);
    expect(whyNot(s, { sequenceNumbers: true })).toBeNull();
  });

  it('offers log recovery with the Kafka-like broker, and says what it needs otherwise', () => {
    const kafka = sc({ strategy: 'pubsub', broker: 'kafka', sequenceNumbers: true });
    expect(whyNot(kafka, { recovery: 'log' })).toBeNull();
    const redis = sc({ strategy: 'pubsub', sequenceNumbers: true });
    expect(whyNot(redis, { recovery: 'log' })).toMatch(/^"log" needs broker "kafka"/);
    const ring = sc({ strategy: 'consistent-hashing', broker: 'kafka', sequenceNumbers: true });
    expect(whyNot(ring, { recovery: 'log' })).toMatch(/needs strategy "pubsub"/);
  });

  it('turning sequence numbers off takes recovery and idempotency with it, and says so', () => {
    const s = sc({ strategy: 'pubsub', sequenceNumbers: true, recovery: 'db', idempotent: true });
    const { patch, note } = sequenceNumbersPatch(s, false);
    expect(patch).toEqual({ sequenceNumbers: false, recovery: 'none', idempotent: false });
    expect(note).toMatch(/recovery and the idempotent client need them/);
    expect(whyNot(s, patch)).toBeNull();
    expect(sequenceNumbersPatch(sc(), false).note).toBeNull();
  });

  it('leaving the Kafka-like broker moves log recovery to the DB', () => {
    const s = {
      ...sc({ strategy: 'pubsub', broker: 'kafka', sequenceNumbers: true }),
      recovery: 'log' as const,
    };
    expect(brokerPatch(s, 'redis').patch).toEqual({ broker: 'redis', recovery: 'db' });
    expect(brokerPatch(s, 'kafka').note).toBeNull();
  });

  it('a Redis Cluster starts with three masters, and leaving it returns to one node', () => {
    const s = sc({ strategy: 'pubsub' });
    const to = brokerPatch(s, 'redis-cluster');
    expect(to.patch).toEqual({ broker: 'redis-cluster', brokerShards: 3 });
    expect(to.note).toMatch(/at least 3 masters/);
    const c = sc({ strategy: 'pubsub', broker: 'redis-cluster', brokerShards: 6, brokerReplicas: 1 });
    expect(brokerPatch(c, 'redis-cluster').patch).toEqual({ broker: 'redis-cluster' });
    expect(brokerPatch(c, 'redis').patch).toEqual({ broker: 'redis', brokerShards: 1, brokerReplicas: 0 });
  });

  it('says which strategies the settings apply to', () => {
    expect(clientGuaranteesNA(sc({ strategy: 'polling' }))).not.toBeNull();
    // Long polling reads the DB after its last sequence number on every request: nothing to add.
    expect(clientGuaranteesNA(sc({ strategy: 'long-polling' }))).toMatch(/Long polling/);
    const all = {
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      delivery: 'at-least-once',
    } as const;
    expect(guaranteeTiles(sc({ strategy: 'long-polling', ...all }), null)).toEqual([]);
    expect(guaranteeTiles(sc({ strategy: 'pubsub', ...all }), null).map((t) => t.id)).toEqual([
      'metric-gaps',
      'metric-recovered',
      'metric-duplicates-dropped',
      'metric-redeliveries',
    ]);
    for (const strategy of ['modulo-hashing', 'consistent-hashing', 'pubsub'] as const)
      expect(clientGuaranteesNA(sc({ strategy }))).toBeNull();
    expect(brokerNA(sc({ strategy: 'consistent-hashing' }))).not.toBeNull();
    expect(brokerNA(sc({ strategy: 'pubsub' }))).toBeNull();
  });

  it('counts bus messages per publish as MECHANISMS.md does', () => {
    // PUBLISH: shards × (1 + replicas) − 1; SPUBLISH: the shard's replicas.
    expect(busPerPublish({ brokerShards: 3, brokerReplicas: 1, clusterPublish: 'publish' })).toBe(5);
    expect(busPerPublish({ brokerShards: 6, brokerReplicas: 0, clusterPublish: 'publish' })).toBe(5);
    expect(busPerPublish({ brokerShards: 3, brokerReplicas: 1, clusterPublish: 'spublish' })).toBe(1);
    expect(busPerPublish({ brokerShards: 1, brokerReplicas: 0, clusterPublish: 'publish' })).toBe(0);
  });
});
