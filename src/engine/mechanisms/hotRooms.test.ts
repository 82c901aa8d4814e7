import { describe, expect, it } from 'vitest';
import { createSimulation } from '../simulation';

/** Generalised harmonic number H(n, s) = Σ_{k=1..n} k^−s. */
function harmonic(n: number, s: number): number {
  let h = 0;
  for (let k = 1; k <= n; k++) h += Math.pow(k, -s);
  return h;
}

describe('hot rooms (Zipf popularity)', () => {
  const rooms = 10_000;
  const run = () =>
    createSimulation({
      strategy: 'pubsub',
      users: 2 * rooms,
      roomSize: 2,
      topic: 'room',
      brokerShards: 4,
      brokerCapacityPerS: 1e7,
      messagesPerUserPerMin: 30,
      roomPopularity: 'zipf',
      zipfS: 1.1,
      durationS: 20,
    }).run();

  it('the top room gets 1/H(n, s) of the messages', () => {
    const sim = run();
    const hot = sim.live().liveness!.hotRoom!;
    const H = harmonic(rooms, 1.1);
    expect(hot.expectedShare).toBeCloseTo(1 / H, 12);
    // Room 0 is users 0 … roomSize − 1.
    expect([hot.firstUser, hot.members]).toEqual([0, 2]);
    const sent = sim.result().totals.messagesSent;
    // Binomial: 4 standard errors.
    const p = 1 / H;
    const tol = 4 * Math.sqrt((p * (1 - p)) / sent);
    expect(Math.abs(hot.messageShare - p), `share ${hot.messageShare} vs ${p}`).toBeLessThanOrEqual(tol);
  });

  it('the hottest shard carries the Zipf weight of the rooms hashed to it', () => {
    const sim = run();
    const hot = sim.live().liveness!.hotRoom!;
    // One-to-one rooms on room topics: each message is one publish and one delivery, both on its
    // room's shard, so a shard's share of traffic is the Zipf weight of its rooms.
    const H = harmonic(rooms, 1.1);
    const weight = new Array<number>(4).fill(0);
    // Which shard a room hashes to is the broker's key-slot map (pubsub.ts shardOf), restated.
    const shardOf = (room: number) => (Math.imul(room ^ 0x9e3779b9, 0x85ebca6b) >>> 0) % 4;
    expect(shardOf(0)).toBe(hot.shard);
    for (let k = 0; k < rooms; k++) weight[shardOf(k)]! += Math.pow(k + 1, -1.1) / H;
    const expected = Math.max(...weight);
    const share = sim.result().totals.hottestShardShare;
    const n = hot.shardTraffic.reduce((a, b) => a + b, 0) / 2;
    const tol = 4 * Math.sqrt((expected * (1 - expected)) / n);
    expect(Math.abs(share - expected), `share ${share} vs ${expected}`).toBeLessThanOrEqual(tol);
    expect(share).toBeGreaterThan(0.25 + 0.05);
  });

  it('uniform popularity spreads the shards evenly and reports no hot room', () => {
    const sim = createSimulation({
      strategy: 'pubsub',
      users: 20_000,
      topic: 'room',
      brokerShards: 4,
      messagesPerUserPerMin: 30,
      durationS: 10,
    }).run();
    expect(sim.live().liveness!.hotRoom).toBeNull();
    expect(Math.abs(sim.result().totals.hottestShardShare - 0.25)).toBeLessThan(0.03);
  });
});
