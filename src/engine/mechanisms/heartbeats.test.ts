import { describe, expect, it } from 'vitest';
import { expectNear, SimHarness } from '../testing/harness';
import { MsgKind, TRACE_STRIDE } from '../types';

// MECHANISMS.md: pings every I, timeout T → each client notices a crash uniformly on [T, I + T];
// Socket.IO defaults (I = 25 s, T = 20 s) → mean 32.5 s, never above 45 s.
const I = 25;
const T = 20;

describe('heartbeats', () => {
  const crashAtS = 5;
  const run = () =>
    new SimHarness({ strategy: 'pubsub', users: 20_000, servers: 4, messagesPerUserPerMin: 6, durationS: 70 })
      .runTo(crashAtS)
      .act('crash-server', 1)
      .runTo(70);

  it('with Socket.IO defaults each client notices at its own time: mean 32.5 s, never above 45 s, none before 20 s', () => {
    const h = run();
    const victims = h.result.timeline[0]!.usersMoved;
    expect(victims).toBeGreaterThan(4_000);
    const d = h.result.totals.detectionMs;
    // The mean of n uniforms on [T, I + T] has sd I / √(12 n) ≈ 0.1 s for n = 5,000: ±0.5 s is 5 sd.
    expect(Math.abs(d.mean / 1000 - (T + I / 2))).toBeLessThan(0.5);
    expect(d.max).toBeLessThanOrEqual((I + T) * 1000);
    // The largest of 5,000 uniforms on a 25 s range misses the top second with probability 0.96^5000.
    expect(d.max).toBeGreaterThan((I + T - 1) * 1000);
    // Nobody reconnects before the timeout; everyone has by interval + timeout (+ backoff).
    const early = h.rows(crashAtS + 1, crashAtS + T).reduce((n, r) => n + r.reconnects, 0);
    expect(early).toBe(0);
    const all = h.rows(crashAtS, 70).reduce((n, r) => n + r.reconnects, 0);
    expect(all).toBe(victims);
    // …spread evenly: about half notice in the first half of the window.
    const firstHalf = h.rows(crashAtS + T, crashAtS + T + I / 2).reduce((n, r) => n + r.reconnects, 0);
    expectNear(firstHalf / victims, 0.5, 0.06, 'share noticed in the first half of the window');
  });

  it('under at-most-once, what is sent to a dead server’s users before they notice and reconnect is lost', () => {
    const h = run();
    const victims = h.result.timeline[0]!.usersMoved;
    // One-to-one rooms: each user receives its partner's messages at λ = 6/min. Its copies are
    // lost from the crash until it notices (mean T + I/2), backs off (Socket.IO: mean base 1 s)
    // and has connected and subscribed again (handshake ≈ 45 ms + client RTT).
    const lambda = 6 / 60;
    const windowS = T + I / 2 + 1 + 0.045 + 0.04;
    expectNear(h.result.totals.lostDeliveries, victims * lambda * windowS, 0.05, 'lost deliveries');
    h.expectConservation();
  });

  it('draws a ping on each traced connection once per interval', () => {
    const h = new SimHarness({
      strategy: 'pubsub',
      users: 2_000,
      servers: 2,
      tracedUsers: 100,
      durationS: 60,
    });
    h.sim.drainTrace();
    h.runTo(50.5); // the ticks of seconds 1–50
    const tr = h.sim.drainTrace();
    let pings = 0;
    for (let i = 0; i < tr.length; i += TRACE_STRIDE) if (tr[i] === MsgKind.Heartbeat) pings++;
    // 100 traced connections, 50 s, one ping per 25 s each.
    expect(pings).toBe(100 * 2);
  });
});
