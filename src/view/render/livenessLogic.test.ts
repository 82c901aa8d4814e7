import { describe, expect, it } from 'vitest';
import { SimHarness } from '../../engine/testing/harness';
import { compact } from '../format';
import {
  acceptBar,
  bufferGauge,
  capX,
  clientDotStates,
  connectionScale,
  countdownText,
  detectionCountdowns,
  Dot,
  drainLabel,
  reconnectBins,
} from './livenessLogic';

// MECHANISMS.md: with pings every I and timeout T, each client of a crashed server notices at its
// own time, uniform on [T, I + T] after the crash. Socket.IO defaults: I = 25 s, T = 20 s.
const I = 25;
const T = 20;
const CRASH_S = 5;

function crashRun() {
  return new SimHarness({
    strategy: 'pubsub',
    users: 7_000,
    servers: 3,
    messagesPerUserPerMin: 1,
    durationS: 60,
  })
    .runTo(CRASH_S)
    .act('crash-server', 1);
}

/** Dot states of the drawing sample now, with the caller's per-slot memory. */
function dots(h: SimHarness, victim: Uint8Array): Uint8Array {
  const live = h.sim.live();
  const sample = h.sim.sampleView();
  const down = new Uint8Array(live.servers.length);
  for (const s of live.servers) down[s.id] = s.state === 'crashed' || s.state === 'removed' ? 1 : 0;
  return clientDotStates(sample, live.liveness!, down, victim, new Uint8Array(sample.users.length));
}
const count = (a: Uint8Array, v: number) => a.reduce((n, x) => n + (x === v ? 1 : 0), 0);

describe('detection countdown (a crashed server)', () => {
  it('counts down to crash + interval + timeout, with every victim unaware until the timeout', () => {
    const h = crashRun();
    const victims = h.result.timeline[0]!.usersMoved;
    expect(victims).toBeGreaterThan(1000);
    for (const at of [CRASH_S + 1, CRASH_S + 10, CRASH_S + T - 0.5]) {
      h.runTo(at);
      const cd = detectionCountdowns(h.sim.live().liveness!.servers, at);
      expect(cd).toHaveLength(1);
      expect(cd[0]!.server).toBe(1);
      expect(cd[0]!.remainingS).toBe(Math.ceil(CRASH_S + I + T - at));
      // Nobody notices before the timeout.
      expect(cd[0]!.unaware).toBe(victims);
    }
    // Half way through [T, I + T] about half have noticed (binomial sd ≈ 0.5 / √victims ≈ 1 %).
    const mid = CRASH_S + T + I / 2;
    h.runTo(mid);
    const half = detectionCountdowns(h.sim.live().liveness!.servers, mid)[0]!;
    expect(Math.abs(half.unaware / victims - 0.5)).toBeLessThan(0.06);
    expect(countdownText(half, true)).toBe(`≤ ${Math.ceil(I / 2)} s · ${compact(half.unaware)} unaware`);
    expect(countdownText(half, false)).toBe(`${Math.ceil(I / 2)} s`);
    // After interval + timeout everyone knows: no countdown left.
    h.runTo(CRASH_S + I + T + 0.01);
    expect(detectionCountdowns(h.sim.live().liveness!.servers, CRASH_S + I + T + 0.01)).toEqual([]);
  });

  it('never goes below zero when the page draws a moment past the deadline', () => {
    const s = {
      id: 2,
      acceptQueue: 0,
      listenBacklog: 511,
      maxConnections: 0,
      accepting: false,
      clientsUnnoticed: 3,
      detectionDeadlineS: 50,
    };
    expect(detectionCountdowns([s], 50.4)[0]!.remainingS).toBe(0);
    expect(detectionCountdowns([s], 49.01)[0]!.remainingS).toBe(1);
    expect(detectionCountdowns([{ ...s, detectionDeadlineS: null }], 10)).toEqual([]);
  });
});

describe('client dots of a crashed server', () => {
  it('stay unaware until the timeout, then go red one by one, then reconnect', () => {
    const h = crashRun();
    const victim = new Uint8Array(240);
    const before = dots(h, victim);
    const unawareAtCrash = count(before, Dot.Unaware);
    // A third of the users were on server 1.
    const n = before.length;
    expect(unawareAtCrash / n).toBeGreaterThan(0.2);
    expect(unawareAtCrash / n).toBeLessThan(0.45);
    expect(count(before, Dot.Reconnecting)).toBe(0);

    h.runTo(CRASH_S + T - 0.5);
    const justBefore = dots(h, victim);
    expect(count(justBefore, Dot.Unaware)).toBe(unawareAtCrash);

    // Sampled every second across [T, I + T]: the unaware count only falls, step by step.
    let prev = unawareAtCrash;
    let steps = 0;
    let sawRed = false;
    for (let t = CRASH_S + T; t <= CRASH_S + I + T; t += 1) {
      h.runTo(t);
      const d = dots(h, victim);
      const u = count(d, Dot.Unaware);
      expect(u).toBeLessThanOrEqual(prev);
      if (u < prev) steps++;
      if (count(d, Dot.Reconnecting) > 0) sawRed = true;
      prev = u;
    }
    expect(steps).toBeGreaterThan(10);
    expect(sawRed).toBe(true);
    expect(prev).toBe(0);
    // Reconnected within the backoff cap (5 s) plus set-up: all connected again.
    h.runTo(CRASH_S + I + T + 8);
    const after = dots(h, victim);
    expect(count(after, Dot.Unaware)).toBe(0);
    expect(count(after, Dot.Reconnecting)).toBe(0);
    expect(count(after, Dot.Connected)).toBe(n);
  });

  it('a sample taken before the crash does not count a dead server as connected', () => {
    const sample = {
      users: Uint32Array.from([0, 5, 10]),
      connectedTo: Uint16Array.from([1, 1, 0xffff]),
      moved: Uint8Array.from([0, 0, 1]),
    };
    const down = Uint8Array.from([0, 1]);
    const victim = Uint8Array.from([0, 1, 0]);
    const out = clientDotStates(
      sample,
      { tracedUsers: [0, 5, 10], tracedUnnoticed: [1, 0, 0] },
      down,
      victim,
      new Uint8Array(3),
    );
    expect(Array.from(out)).toEqual([Dot.Unaware, Dot.Reconnecting, Dot.Reconnecting]);
    down[1] = 0;
    sample.connectedTo[1] = 0;
    clientDotStates(sample, null, down, victim, out);
    expect(Array.from(out)).toEqual([Dot.Connected, Dot.Connected, Dot.Reconnecting]);
    expect(Array.from(victim)).toEqual([0, 0, 0]);
  });
});

describe('caps, accept queues, buffers, drains', () => {
  it('the cap sets the connection bar scale, so the line sits at the bar end', () => {
    expect(connectionScale([10, 40, 25], 0)).toBe(40);
    expect(connectionScale([10, 40, 25], 100)).toBe(100);
    expect(capX(100, connectionScale([10, 40], 100), 120)).toBe(120);
    expect(capX(0, 40, 120)).toBeNull();
  });

  it('connection caps from the engine: 1,000 users on 4 servers capped at 300', () => {
    const h = new SimHarness({
      strategy: 'pubsub',
      users: 1000,
      servers: 4,
      maxConnectionsPerServer: 300,
      durationS: 20,
    }).runTo(15);
    const live = h.sim.live();
    const cap = live.liveness!.servers[0]!.maxConnections;
    expect(cap).toBe(300);
    const conns = live.servers.map((s) => s.connections);
    for (const c of conns) expect(c).toBeLessThanOrEqual(300);
    expect(connectionScale(conns, cap)).toBe(300);
  });

  it('the accept queue fills against the listen backlog', () => {
    expect(acceptBar({ acceptQueue: 0, listenBacklog: 511 })).toEqual({ fill: 0, full: false, label: '0' });
    const b = acceptBar({ acceptQueue: 511, listenBacklog: 511 });
    expect(b.fill).toBe(1);
    expect(b.full).toBe(true);
    expect(acceptBar({ acceptQueue: 2_400, listenBacklog: 4096 }).label).toBe('2.4K');
  });

  it('an output buffer gauge fills against the hard limit and turns red when cut', () => {
    const base = { server: 2, queuedMsgs: 5000, redisKb: 0, hardKb: 32768, softKb: 8192, cut: false };
    expect(bufferGauge(base)).toEqual({
      server: 2,
      fill: 0,
      soft: 0.25,
      state: 'ok',
      label: '5.0K queued',
      short: '5.0K q',
    });
    const soft = bufferGauge({ ...base, redisKb: 16384 });
    expect(soft.fill).toBe(0.5);
    expect(soft.state).toBe('soft');
    expect(soft.label).toBe('16 MiB / 32 MiB');
    const cut = bufferGauge({ ...base, redisKb: 0, cut: true });
    expect(cut.fill).toBe(1);
    expect(cut.state).toBe('cut');
    expect(cut.short).toBe('cut');
    expect(soft.short).toBe('16 MiB');
  });

  it('slow consumers from the engine fill their gauge (kernel first, then Redis)', () => {
    const h = new SimHarness({
      strategy: 'pubsub',
      users: 2000,
      servers: 4,
      roomSize: 20,
      messagesPerUserPerMin: 30,
      slowConsumerShare: 0.25,
      slowConsumerMsgsPerS: 10,
      durationS: 30,
    }).runTo(15);
    const buffers = h.sim.live().liveness!.outputBuffers;
    expect(buffers.length).toBe(1);
    const g = bufferGauge(buffers[0]!);
    expect(g.fill).toBeGreaterThan(0);
    expect(g.soft).toBeCloseTo(8192 / 32768, 9);
  });

  it('a leaving server says whether it is a lame duck or closing, and how many it holds', () => {
    expect(drainLabel({ phase: 'grace', clientsHeld: 11_000 })).toBe('lame duck · 11.0K');
    expect(drainLabel({ phase: 'closing', clientsHeld: 420 })).toBe('draining · 420');
  });
});

describe('reconnects per 100 ms', () => {
  const storm = (reconnect: 'immediate' | 'exponential-jitter') =>
    new SimHarness({
      strategy: 'pubsub',
      users: 4000,
      servers: 4,
      drain: 'kill',
      reconnect,
      durationS: 30,
    })
      .runTo(10)
      .act('remove-server', 1)
      .runTo(13);

  it('a herd is a spike, jitter a smear', () => {
    const herd = reconnectBins(storm('immediate').sim.live().liveness!.reconnectSeries);
    const smear = reconnectBins(storm('exponential-jitter').sim.live().liveness!.reconnectSeries);
    expect(herd.binS).toBeCloseTo(0.1, 9);
    expect(herd.counts.length).toBe(100);
    expect(herd.total).toBeGreaterThan(500);
    expect(smear.total).toBeGreaterThan(500);
    // Everyone at once lands in one or two bins; jitter spreads the same clients over many.
    expect(herd.peakShare).toBeGreaterThan(0.5);
    expect(smear.peakShare).toBeLessThan(herd.peakShare / 2);
  });
});
