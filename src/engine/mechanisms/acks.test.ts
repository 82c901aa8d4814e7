import { describe, expect, it } from 'vitest';
import { SimHarness } from '../testing/harness';
import type { ScenarioInput } from '../scenario';

const crash: ScenarioInput = {
  strategy: 'pubsub',
  users: 3000,
  roomSize: 3,
  servers: 4,
  messagesPerUserPerMin: 20,
  durationS: 40,
  failureDetectionS: 3,
  // Clients notice the crash 3 s after it (heartbeats: no ping interval, a 3 s timeout), as the LB does.
  heartbeatIntervalS: 0,
  heartbeatTimeoutS: 3,
  timeline: [{ atS: 10, action: 'crash-server' }],
};

/** Recipients whose in-order mark is below their room's last number at `durationS − tailS`. */
function behindAfter(scenario: ScenarioInput, tailS = 5): { behind: number; h: SimHarness } {
  const durationS = scenario.durationS!;
  const h = new SimHarness(scenario).runTo(durationS - tailS);
  const before = h.sim.sequenceState()!.roomSeq;
  h.runTo(durationS + 1e-6);
  const { mark } = h.sim.sequenceState()!;
  let behind = 0;
  for (let u = 0; u < mark.length; u++) {
    const room = Math.min(before.length - 1, Math.floor(u / scenario.roomSize!));
    if (mark[u]! < before[room]!) behind++;
  }
  return { behind, h };
}

describe('at-least-once', () => {
  it('sends again every copy a crash swallowed: nothing lost', () => {
    const atMostOnce = new SimHarness(crash).runTo(40).result.totals;
    expect(atMostOnce.lostDeliveries).toBeGreaterThan(0);
    const t = new SimHarness({ ...crash, delivery: 'at-least-once' }).runTo(40).result.totals;
    expect(t.lostDeliveries).toBe(0);
    // Each swallowed copy is sent again at least once (more while its user is still away).
    expect(t.redeliveries).toBeGreaterThanOrEqual(atMostOnce.lostDeliveries * 0.9);
  });

  it('with sequence numbers and an idempotent client: every recipient has every message once', () => {
    const { behind, h } = behindAfter({
      ...crash,
      delivery: 'at-least-once',
      sequenceNumbers: true,
      idempotent: true,
    });
    const t = h.result.totals;
    expect(behind).toBe(0);
    expect(t.duplicateDeliveries).toBe(0);
    expect(t.recoveryReads, 'no recovery: the resends alone bring everything').toBe(0);
  });

  it('sends nothing again when every ack comes back within the timeout', () => {
    const t = new SimHarness({ ...crash, timeline: [], delivery: 'at-least-once', durationS: 10 }).runTo(10)
      .result.totals;
    expect(t.deliveries).toBeGreaterThan(0);
    expect(t.redeliveries).toBe(0);
    expect(t.duplicateDeliveries).toBe(0);
  });

  it('a timeout shorter than the trip resends copies that were only slow: duplicates', () => {
    // Client RTT 40 ms: a copy needs more than 20 ms, so a 5 ms timeout resends every one.
    const fast: ScenarioInput = {
      ...crash,
      timeline: [],
      delivery: 'at-least-once',
      durationS: 10,
      ackTimeoutMs: 5,
    };
    const t = new SimHarness(fast).runTo(10).result.totals;
    expect(t.redeliveries).toBeGreaterThanOrEqual(t.deliveries);
    expect(t.duplicateDeliveries, 'the application sees them without sequence numbers').toBeGreaterThan(0);
    const d = new SimHarness({ ...fast, sequenceNumbers: true, idempotent: true }).runTo(10).result.totals;
    expect(d.duplicateDeliveries).toBe(0);
    expect(d.duplicatesDropped).toBeGreaterThan(0);
  });

  it('works for consistent hashing through a crash', () => {
    const { behind } = behindAfter({
      ...crash,
      strategy: 'consistent-hashing',
      delivery: 'at-least-once',
      sequenceNumbers: true,
      idempotent: true,
    });
    expect(behind).toBe(0);
  });
});
