import { describe, expect, it } from 'vitest';
import { SimHarness } from '../testing/harness';
import type { ScenarioInput } from '../scenario';

const GUARANTEES = { sequenceNumbers: true, recovery: 'db', idempotent: true } as const;

/**
 * MECHANISMS.md invariant: with sequence numbers, recovery and idempotency, every message accepted
 * before the end minus the last few seconds reaches every recipient exactly once, in order.
 * Checked per recipient from the clients' in-order marks, not from the model's counters.
 */
function expectExactlyOnceInOrder(scenario: ScenarioInput, tailS = 5): SimHarness {
  const durationS = scenario.durationS ?? 60;
  const h = new SimHarness({ ...scenario, ...GUARANTEES }).runTo(durationS - tailS);
  const before = h.sim.sequenceState()!.roomSeq;
  h.runTo(durationS + 1e-6);
  const { mark } = h.sim.sequenceState()!;
  const roomSize = scenario.roomSize ?? 2;
  const rooms = before.length;
  let behind = 0;
  for (let u = 0; u < mark.length; u++) {
    const room = Math.min(rooms - 1, Math.floor(u / roomSize));
    if (mark[u]! < before[room]!) behind++;
  }
  const t = h.result.totals;
  expect(behind, 'recipients missing a message accepted before the tail').toBe(0);
  expect(t.lostDeliveries, 'lost').toBe(0);
  expect(t.duplicateDeliveries, 'duplicates the application saw').toBe(0);
  expect(t.orderViolations, 'out of order').toBe(0);
  expect(t.deliveries).toBeLessThanOrEqual(t.expectedDeliveries);
  expect(t.deliveries).toBeGreaterThan(0.9 * t.expectedDeliveries);
  return h;
}

const base = {
  users: 2000,
  roomSize: 4,
  servers: 4,
  messagesPerUserPerMin: 30,
  durationS: 40,
  failureDetectionS: 3,
  // Clients notice a crash 3 s after it (heartbeats: no ping interval, a 3 s timeout), as the LB does.
  heartbeatIntervalS: 0,
  heartbeatTimeoutS: 3,
} as const;

describe('sequence numbers, recovery and idempotency: exactly once, in order', () => {
  it('through a pub/sub server crash (without recovery the crash loses messages)', () => {
    const scenario: ScenarioInput = {
      ...base,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    };
    const bare = new SimHarness(scenario).runTo(40).result.totals;
    expect(bare.lostDeliveries, 'the crash loses copies without the guarantees').toBeGreaterThan(0);
    const t = expectExactlyOnceInOrder(scenario).result.totals;
    expect(t.recoveredDeliveries, 'recovered').toBeGreaterThan(0);
    expect(t.recoveryReads).toBeGreaterThan(0);
    // Every recovery read is a real DB read.
    expect(t.dbReads).toBe(t.recoveryReads);
  });

  it('through a pub/sub server crash noticed by default heartbeats (20–45 s later)', () => {
    const { heartbeatIntervalS: _i, heartbeatTimeoutS: _t, ...rest } = base;
    const t = expectExactlyOnceInOrder({
      ...rest,
      durationS: 70,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    }).result.totals;
    expect(t.recoveredDeliveries, 'recovered after the late reconnects').toBeGreaterThan(0);
  });

  it('a quiet room recovers on reconnect, not only on the next message', () => {
    // One message a minute in one-to-one rooms: after the crash most rooms send nothing more for
    // a long while, so only the read on reconnect can bring the missed messages.
    const scenario: ScenarioInput = {
      ...base,
      users: 4000,
      roomSize: 2,
      messagesPerUserPerMin: 2,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    };
    const t = expectExactlyOnceInOrder(scenario).result.totals;
    expect(t.recoveryReads, 'one read per reconnect at least').toBeGreaterThanOrEqual(t.reconnects);
  });

  it('through a consistent-hashing server crash', () => {
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 10, action: 'crash-server' }],
    });
  });

  it('through a ring scale-out: 0 lost, 0 duplicates seen, duplicates dropped > 0', () => {
    const t = expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 10, action: 'add-server' }],
    }).result.totals;
    expect(t.duplicatesDropped, 'dual-send copies dropped by (room, seq)').toBeGreaterThan(0);
  });

  it('through a scale-in and a broker crash with user and room topics', () => {
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 8, action: 'remove-server' }],
    });
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'pubsub',
      topic: 'room',
      timeline: [
        { atS: 8, action: 'crash-broker' },
        { atS: 9, action: 'recover-broker' },
      ],
    });
  });
});

describe('sequence numbers without recovery', () => {
  it('detect the gap a crash leaves, and do not hide the loss', () => {
    const h = new SimHarness({
      ...base,
      strategy: 'pubsub',
      sequenceNumbers: true,
      timeline: [{ atS: 10, action: 'crash-server' }],
    }).runTo(40);
    const t = h.result.totals;
    expect(t.lostDeliveries).toBeGreaterThan(0);
    expect(t.gapsDetected).toBeGreaterThan(0);
    expect(t.recoveryReads).toBe(0);
    h.expectConservation();
  });

  it('without idempotency the application sees the dual-send copies', () => {
    const t = new SimHarness({
      ...base,
      strategy: 'consistent-hashing',
      sequenceNumbers: true,
      timeline: [{ atS: 10, action: 'add-server' }],
    }).runTo(40).result.totals;
    expect(t.duplicatesDropped).toBe(0);
    expect(t.duplicateDeliveries).toBeGreaterThan(0);
  });
});

describe('traced messages carry their sequence number', () => {
  it('labels pushes, gaps and recovery fetches with the room sequence number', () => {
    const sim = new SimHarness({
      ...base,
      ...GUARANTEES,
      strategy: 'pubsub',
      tracedUsers: 2000,
      timeline: [{ atS: 2, action: 'crash-server' }],
    }).runTo(8).sim;
    const records = sim.drainTrace();
    const seqs = sim.traceSeqs();
    expect(seqs.length * 6).toBe(records.length);
    const { roomSeq } = sim.sequenceState()!;
    let pushes = 0;
    let recoveries = 0;
    for (let i = 0; i < seqs.length; i++) {
      const kind = records[i * 6]!;
      const user = records[i * 6 + 5]!;
      const room = Math.min(roomSeq.length - 1, Math.floor(user / base.roomSize));
      if (kind === 3 /* Push */) {
        pushes++;
        expect(seqs[i]).toBeGreaterThan(0);
        expect(seqs[i]).toBeLessThanOrEqual(roomSeq[room]!);
      }
      if (kind === 11 /* Recovery */) recoveries++;
    }
    expect(pushes).toBeGreaterThan(0);
    expect(recoveries).toBeGreaterThan(0);
  });
});
