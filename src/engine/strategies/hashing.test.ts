import { describe, expect, it } from 'vitest';
import { SimHarness, expectNear } from '../testing/harness';
import { HashRing } from '../model/hashRing';
import { hashInt } from '../core/hash';

// Clients notice a crash after a fixed 3 s here (heartbeats are tested in their own module).
const base = {
  users: 20_000,
  servers: 4,
  messagesPerUserPerMin: 6,
  durationS: 40,
  heartbeatIntervalS: 0,
  heartbeatTimeoutS: 3,
};

describe('simple (modulo) hashing', () => {
  it('moves ≈ N/(N+1) of users when a server is added, each reconnecting once', () => {
    for (const servers of [3, 4, 6]) {
      const h = new SimHarness({ ...base, strategy: 'modulo-hashing', servers })
        .runTo(10)
        .act('add-server')
        .runTo(30);
      const rep = h.result.timeline[0]!;
      expectNear(rep.usersMoved / base.users, servers / (servers + 1), 0.03, `moved share, N=${servers}`);
      expect(rep.reconnects).toBe(rep.usersMoved);
      h.expectConservation();
    }
  });

  it('connects through a redirect: LB → any server → owner', () => {
    const h = new SimHarness({ ...base, strategy: 'modulo-hashing', lbPolicy: 'random' })
      .runTo(5)
      .act('add-server')
      .runTo(30);
    const t = h.result.totals;
    // A reconnecting user reaches its owner first try with probability 1/(N+1) under a random LB.
    expectNear(t.redirects / t.reconnects, 4 / 5, 0.05, 'redirect share');
    // Afterwards everyone is connected to its owner.
    const conns = h.result.servers.reduce((s, x) => s + x.connections, 0);
    expect(conns).toBe(base.users);
  });

  it('moves ≈ (N−1)/N of users when one of N servers crashes', () => {
    const h = new SimHarness({ ...base, strategy: 'modulo-hashing', servers: 5 })
      .runTo(5)
      .act('crash-server', 2)
      .runTo(30);
    const rep = h.result.timeline[0]!;
    expectNear(rep.usersMoved / base.users, 4 / 5, 0.05, 'moved share on crash');
    expect(h.result.totals.lostDeliveries).toBeGreaterThan(0);
    h.expectConservation();
  });
});

describe('consistent hashing', () => {
  it('moves ≈ 1/(N+1) of users on scale-out — exactly the new server’s share of the ring', () => {
    const h = new SimHarness({ ...base, strategy: 'consistent-hashing', vnodes: 100 })
      .runTo(10)
      .act('add-server')
      .runTo(30);
    const rep = h.result.timeline[0]!;
    const before = HashRing.build([0, 1, 2, 3], 100);
    const after = HashRing.build([0, 1, 2, 3, 4], 100);
    let oracle = 0;
    for (let u = 0; u < base.users; u++) {
      const k = hashInt(u, 0x5eed);
      if (before.lookup(k) !== after.lookup(k)) {
        oracle++;
        expect(after.lookup(k)).toBe(4);
      }
    }
    expect(rep.usersMoved).toBe(oracle);
    expect(Math.abs(rep.usersMoved / base.users - 1 / 5)).toBeLessThan(0.06);
    expect(rep.reconnects).toBe(rep.usersMoved);
    h.expectConservation();
  });

  it('dual-sends during the migration: no loss, duplicates dropped by the client', () => {
    const h = new SimHarness({ ...base, strategy: 'consistent-hashing', messagesPerUserPerMin: 30 })
      .runTo(10)
      .act('add-server');
    h.runFor(1);
    expect(h.sim.live().migration?.phase).toBe('draining');
    h.runTo(30);
    const t = h.result.totals;
    expect(t.lostDeliveries).toBe(0);
    expect(t.duplicateDeliveries).toBeGreaterThan(0);
    expect(h.sim.live().migration).toBeNull();
    // Moved users now sit on the new server: it holds ≈ 1/(N+1) of connections.
    const s4 = h.result.servers.find((s) => s.id === 4)!;
    expect(s4.connections).toBe(h.result.timeline[0]!.usersMoved);
    h.expectConservation();
  });

  it('moves only the victim’s users when a server crashes', () => {
    const h = new SimHarness({ ...base, strategy: 'consistent-hashing', servers: 5 }).runTo(5);
    const victims = h.result.servers.find((s) => s.id === 2)!.connections;
    h.act('crash-server', 2).runTo(30);
    const rep = h.result.timeline[0]!;
    expect(rep.usersMoved).toBe(victims);
    expect(rep.reconnects).toBe(victims);
    expectNear(rep.usersMoved / base.users, 1 / 5, 0.3, 'victim share');
    h.expectConservation();
  });

  it('removes a server gracefully through the same migration: its users move, nothing is lost', () => {
    const h = new SimHarness({ ...base, strategy: 'consistent-hashing' }).runTo(5);
    const held = h.result.servers.find((s) => s.id === 3)!.connections;
    h.act('remove-server', 3).runTo(30);
    expect(h.result.timeline[0]!.usersMoved).toBe(held);
    expect(h.result.servers.find((s) => s.id === 3)).toBeUndefined();
    expect(h.result.totals.lostDeliveries).toBe(0);
    h.expectConservation();
  });
});
