import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario, type Totals } from '../engine';
import { GUARANTEE_PRESETS, type GuaranteePreset } from './guaranteePresets';
import { presetById } from './presets';

const byId = (id: string): GuaranteePreset => {
  const p = GUARANTEE_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return p;
};

/** The figure a promise reads, from the engine's totals (what the page's tile shows). */
function figure(tile: string, t: Totals): number {
  switch (tile) {
    case 'metric-lost':
      return t.lostDeliveries;
    case 'metric-redeliveries':
      return t.redeliveries;
    case 'metric-cluster-bus':
      // The promise is per publish: bus messages ÷ publishes the broker accepted.
      return t.clusterBusMessages / (t.brokerPublishes - t.brokerDropped);
    default:
      throw new Error(`no reading for ${tile}`);
  }
}

describe('delivery-guarantee presets', () => {
  it('are in the Presets menu', () => {
    expect(GUARANTEE_PRESETS.length).toBeGreaterThanOrEqual(4);
    for (const p of GUARANTEE_PRESETS) expect(presetById(p.id)).toBe(p);
  });

  it('"Redis forgets": lost ≈ the crashed server’s users × their rate × the mean heartbeat detection', () => {
    const p = byId('redis-forgets');
    const s = normalizeScenario(p.scenario);
    const onCrashed = s.users / s.servers;
    // MECHANISMS.md: detection uniform on [T, I + T], mean T + I/2 (32.5 s with Socket.IO's defaults).
    const detectS = s.heartbeatTimeoutS + s.heartbeatIntervalS / 2;
    const expected = onCrashed * ((s.messagesPerUserPerMin * (s.roomSize - 1)) / 60) * detectS;
    expect(p.promise.min).toBeLessThan(expected);
    expect(p.promise.max).toBeGreaterThan(expected);
    expect(p.watch).toContain(`≈ ${Math.floor(expected / 10) * 10}`);
    expect(s.broker).toBe('redis');
    expect(s.recovery).toBe('none');
  });

  it('"Kafka replays": the replay is bounded by one commit interval of the crashed consumer’s records', () => {
    const p = byId('kafka-replays');
    const s = normalizeScenario(p.scenario);
    const perConsumerPerS = (s.users * s.messagesPerUserPerMin) / 60 / s.servers;
    const bound = (s.autoCommitIntervalMs / 1000) * perConsumerPerS;
    expect(s.consumerCommit).toBe('after-processing');
    expect(s.topic).toBe('user');
    expect(s.roomSize).toBe(2); // one record, one copy per message
    expect([p.promise.min, p.promise.max]).toEqual([0, bound]);
    expect(p.watch).toContain(`= ${bound}`);
  });

  it('"Deploy without losing a message" turns on what the exactly-once invariant needs', () => {
    const s = normalizeScenario(byId('deploy-no-loss').scenario);
    expect([s.sequenceNumbers, s.recovery !== 'none', s.idempotent]).toEqual([true, true, true]);
    expect(s.timeline.some((e) => e.action === 'deploy')).toBe(true);
  });

  it('"Cluster fan-out": bus messages per publish = shards × (1 + replicas) − 1', () => {
    const p = byId('cluster-publish');
    const s = normalizeScenario(p.scenario);
    const per = s.brokerShards * (1 + s.brokerReplicas) - 1;
    expect([p.promise.min, p.promise.max]).toEqual([per, per]);
    expect(p.watch).toContain(`= ${per} other nodes`);
  });

  for (const p of GUARANTEE_PRESETS)
    it(`"${p.title}": the engine shows the promised figure by ${p.promise.atS} s`, () => {
      const sim = createSimulation({ ...p.scenario, durationS: p.promise.atS });
      sim.run();
      const t = sim.result().totals;
      const v = figure(p.promise.tile, t);
      expect(v, p.promise.formula).toBeGreaterThanOrEqual(p.promise.min);
      expect(v, p.promise.formula).toBeLessThanOrEqual(p.promise.max);
      if (p.id === 'kafka-replays' || p.id === 'deploy-no-loss') {
        expect(t.lostDeliveries).toBe(0);
        expect(t.duplicateDeliveries).toBe(0);
      }
    });
});
