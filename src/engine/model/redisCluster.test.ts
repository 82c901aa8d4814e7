import { describe, expect, it } from 'vitest';
import { SimHarness, expectNear } from '../testing/harness';
import { channelSlot, crc16, keySlot, masterOfSlot, SLOTS } from './redisCluster';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('Redis Cluster key slots (cluster specification)', () => {
  it('CRC16 is CRC-16/XMODEM: the specification test vector', () => {
    expect(crc16(ascii('123456789'))).toBe(0x31c3);
  });

  it('gives the slots Redis gives (CLUSTER KEYSLOT), hash tags included', () => {
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('bar{hash_tag}')).toBe(2515);
    // An empty tag hashes the whole name.
    expect(keySlot('foo{}bar')).toBe(crc16(ascii('foo{}bar')) % SLOTS);
  });

  it('computes a channel slot without allocating, as the string would', () => {
    for (const id of [0, 7, 42, 1000, 99_999, 1_999_999])
      expect(channelSlot('user:', id)).toBe(keySlot(`user:${id}`));
  });

  it('splits the slots into contiguous ranges, one per master', () => {
    expect(masterOfSlot(0, 3)).toBe(0);
    expect(masterOfSlot(5461, 3)).toBe(0);
    expect(masterOfSlot(5462, 3)).toBe(1);
    expect(masterOfSlot(SLOTS - 1, 3)).toBe(2);
  });
});

describe('Redis Cluster pub/sub', () => {
  const base = {
    strategy: 'pubsub',
    broker: 'redis-cluster',
    users: 3000,
    durationS: 10,
    messagesPerUserPerMin: 6,
    brokerShards: 3,
    brokerReplicas: 1,
  } as const;

  it('PUBLISH crosses the bus to every other node: shards × (1 + replicas) − 1 per publish', () => {
    const t = new SimHarness(base).runTo(10).result.totals;
    const accepted = t.brokerPublishes - t.brokerDropped;
    expect(accepted).toBeGreaterThan(0);
    expect(t.clusterBusMessages).toBe(accepted * (3 * (1 + 1) - 1));
  });

  it("SPUBLISH only to its shard's replicas", () => {
    const t = new SimHarness({ ...base, clusterPublish: 'spublish', brokerReplicas: 2 }).runTo(10).result
      .totals;
    expect(t.clusterBusMessages).toBe((t.brokerPublishes - t.brokerDropped) * 2);
  });

  it("a master's crash loses only its slots' traffic", () => {
    const users = 20_000;
    // The share of user channels in master 1's slots, from the slot function on channel names.
    let onMaster1 = 0;
    for (let u = 0; u < users; u++) if (masterOfSlot(keySlot(`user:${u}`), 4) === 1) onMaster1++;
    const h = new SimHarness({
      ...base,
      users,
      brokerShards: 4,
      durationS: 12,
      timeline: [{ atS: 4, action: 'crash-broker', server: 1 }],
    }).runTo(12);
    const rows = h.rows(5, 12);
    const lost = rows.reduce((s, r) => s + r.lostDeliveries, 0);
    const delivered = rows.reduce((s, r) => s + r.deliveries, 0);
    expectNear(lost / (lost + delivered), onMaster1 / users, 0.1, "lost share = master 1's share");
    expect(h.sim.live().broker.cluster?.slotStart).toEqual([0, 4096, 8192, 12288, 16384]);
  });
});
