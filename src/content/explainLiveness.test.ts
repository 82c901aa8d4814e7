import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario } from '../engine';
import { explain } from './explain';
import { explainLiveness, harmonic, livenessFromTotals } from './explainLiveness';

const figures = livenessFromTotals;

describe('explaining the liveness figures', () => {
  it('detection: the formula’s mean (timeout + interval / 2) matches a crash’s measured mean', () => {
    const sc = {
      strategy: 'pubsub' as const,
      users: 8000,
      servers: 4,
      timeline: [{ atS: 2, action: 'crash-server' as const, server: 3 }],
    };
    const sim = createSimulation({ ...sc, durationS: 50 });
    sim.run();
    const s = normalizeScenario(sc);
    const f = figures(sim.result().totals);
    const ex = explain('detection', s, { servers: 3, liveness: f });
    expect(ex.expected).toBe(32_500);
    expect(ex.lines.join(' ')).toContain('20 + 25 ÷ 2 = 32.5 s');
    // 2,000 clients each uniform on [20 s, 45 s]: the sample mean is within 1 s of 32.5 s.
    expect(Math.abs(f.detectionMeanMs - 32_500)).toBeLessThan(1000);
    expect(f.detectionMaxMs).toBeLessThanOrEqual(45_000);
    expect(ex.lines.join(' ')).toContain('never above 45 s');
  });

  it('hot shard: an even 1 / shards when uniform; the top room’s share plus an even slice of the rest under Zipf', () => {
    const uni = normalizeScenario({ strategy: 'pubsub', broker: 'redis-cluster', brokerShards: 4 });
    expect(explainLiveness('hot-shard', uni, undefined, 4).expected).toBe(0.25);
    const z = normalizeScenario({ ...uni, users: 2000, roomSize: 20, roomPopularity: 'zipf', zipfS: 1.1 });
    const top = 1 / harmonic(100, 1.1);
    expect(explainLiveness('hot-shard', z, undefined, 4).expected).toBeCloseTo(top + (1 - top) / 4, 12);
  });

  it('output buffer: states the time to the hard limit from the slow server’s backlog growth', () => {
    const s = normalizeScenario({
      strategy: 'pubsub',
      users: 60_000,
      servers: 4,
      messagesPerUserPerMin: 5,
      slowConsumerShare: 0.25,
    });
    const ex = explainLiveness('buffer-disconnects', s, undefined, 4);
    // 1,250/s in, 100/s read: 1,150/s; (4,224 + 32,768) KiB ÷ (1,150 × 1,064 B/s) ≈ 31 s.
    expect(ex.lines.join(' ')).toContain('grows 1,150 messages');
    expect(ex.lines.join(' ')).toContain('≈ 31 s');
  });

  it('refused: no cap means nothing to refuse', () => {
    const s = normalizeScenario({ strategy: 'pubsub' });
    expect(explainLiveness('refused', s, undefined, 4).expected).toBe(0);
  });
});
