import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, MsgKind, ScenarioError, TRACE_STRIDE, createSimulation } from '../engine';
import type { ActionReport, LiveSnapshot, RingView, SampleView, Scenario, SeriesRow } from '../engine';
import { SimHost, type HostSim } from './host';
import type { Frame, FromWorker } from './protocol';

/**
 * A test double with the Simulation's shape: a clock, one traced hop per simulated millisecond and
 * one series row per simulated second. Only the host's plumbing is under test here, so the
 * snapshot's numbers are zeros.
 */
function stubSim(scenario: Scenario): HostSim & { ringVersion: number } {
  let nowUs = 0;
  let traced = 0;
  const rows: SeriesRow[] = [];
  const zeroRow = (tS: number): SeriesRow => ({
    tS,
    dbReads: 0,
    dbWrites: 0,
    polls: 0,
    deliveries: 0,
    reconnects: 0,
    latencyP50Ms: 0,
    latencyP99Ms: 0,
    emptyPolls: 0,
    dbRejected: 0,
    redirects: 0,
    lostDeliveries: 0,
    duplicateDeliveries: 0,
    brokerMessages: 0,
    connections: 0,
  });
  const sim = {
    scenario,
    ringVersion: 1,
    get nowUs() {
      return nowUs;
    },
    runUntil(untilUs: number) {
      const ran = Math.max(0, Math.floor(untilUs / 1000) - Math.floor(nowUs / 1000));
      nowUs = untilUs;
      while ((rows.length + 1) * 1_000_000 <= nowUs) rows.push(zeroRow(rows.length + 1));
      return ran;
    },
    act(): ActionReport {
      sim.ringVersion++;
      return {
        atS: nowUs / 1e6,
        action: 'add-server',
        server: 4,
        usersMoved: 0,
        reconnects: 0,
        serversBefore: 4,
        serversAfter: 5,
      };
    },
    live(): LiveSnapshot {
      return {
        nowUs,
        events: 0,
        totals: {} as LiveSnapshot['totals'],
        servers: [],
        connections: 0,
        db: { queue: 0, busy: 0, concurrency: 16, utilization: 0, capacityPerS: 0 },
        broker: { queue: 0, utilization: 0, capacityPerS: 0, topics: 0, subscriptions: 0 },
        recentLatency: { p50Ms: 0, p99Ms: 0, count: 0, windowS: 5 },
        lastSecond: rows[rows.length - 1] ?? null,
        migration: null,
        timeline: [],
        ringVersion: sim.ringVersion,
      };
    },
    drainTrace() {
      const upto = Math.floor(nowUs / 1000);
      const n = upto - traced;
      const out = new Float64Array(n * TRACE_STRIDE);
      for (let i = 0; i < n; i++) {
        const t = (traced + i) * 1000;
        out.set([0, 0, 16, t, t + 500, 0], i * TRACE_STRIDE);
      }
      traced = upto;
      return out;
    },
    ringView(): RingView {
      return {
        version: sim.ringVersion,
        kind: 'none',
        servers: [],
        points: new Uint32Array(),
        owners: new Uint16Array(),
      };
    },
    sampleView(): SampleView {
      const z = new Uint32Array();
      return {
        users: z,
        hashes: z,
        owners: new Uint16Array(),
        connectedTo: new Uint16Array(),
        moved: new Uint8Array(),
        usersPerSample: 1,
      };
    },
    series() {
      return rows.slice();
    },
  };
  return sim;
}

function harness(opts: { maxTraceRecords?: number } = {}) {
  const clock = { t: 0 };
  const posted: FromWorker[] = [];
  let created: ReturnType<typeof stubSim> | null = null;
  const host = new SimHost({
    now: () => clock.t,
    create: (s) => (created = stubSim(s)),
    post: (m) => posted.push(m),
    ...opts,
  });
  const frames = () => posted.filter((m): m is Frame => m.type === 'frame');
  return { clock, posted, host, frames, sim: () => created! };
}

describe('SimHost', () => {
  it('announces a run, sends a first frame, then waits for its acknowledgement', () => {
    const h = harness();
    h.host.handle({ type: 'init', runId: 7, scenario: DEFAULT_SCENARIO, playing: true, speed: 1 });
    expect(h.posted[0]).toMatchObject({ type: 'ready', runId: 7 });
    expect(h.frames()).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      h.clock.t += 16;
      h.host.tick();
    }
    expect(h.frames()).toHaveLength(1); // nothing more until acknowledged
    h.host.handle({ type: 'ack', seq: 1 });
    h.clock.t += 16;
    h.host.tick();
    const frames = h.frames();
    expect(frames).toHaveLength(2);
    // Hops traced while the page was busy are merged into the next frame, not lost.
    expect(frames[1]!.trace.length / TRACE_STRIDE).toBeGreaterThanOrEqual(5 * 16 - 1);
    expect(frames[1]!.pace).toMatchObject({ playing: true, requestedSpeed: 1 });
  });

  it('trims traced hops to the newest maxTraceRecords and drops those long finished', () => {
    const h = harness({ maxTraceRecords: 10 });
    h.host.handle({ type: 'init', runId: 1, scenario: DEFAULT_SCENARIO, playing: true, speed: 1 });
    h.host.tick();
    for (let i = 0; i < 60; i++) {
      h.clock.t += 16;
      h.host.tick();
    }
    h.host.handle({ type: 'ack', seq: 1 });
    h.clock.t += 16;
    h.host.tick();
    const f = h.frames()[1]!;
    expect(f.trace.length).toBe(10 * TRACE_STRIDE);
    const lastSend = f.trace[f.trace.length - TRACE_STRIDE + 3]!;
    expect(lastSend).toBeGreaterThan(f.live.nowUs - 2000);
  });

  it('sends each series row once and the ring view only when its version changes', () => {
    const h = harness();
    h.host.handle({ type: 'init', runId: 1, scenario: DEFAULT_SCENARIO, playing: true, speed: 50 });
    expect(h.frames()[0]!.ring).toBeDefined();
    const rows: number[] = [];
    let ringsSent = 1;
    for (let i = 0; i < 40; i++) {
      h.clock.t += 16;
      h.host.tick();
      const f = h.frames().at(-1)!;
      if (f.seq > 1 || i === 0) h.host.handle({ type: 'ack', seq: f.seq });
      if (i === 20) h.host.handle({ type: 'act', reqId: 1, kind: 'add-server' });
    }
    for (const f of h.frames()) {
      rows.push(...f.series.map((r) => r.tS));
      if (f.seq > 1 && f.ring) ringsSent++;
    }
    expect(rows).toEqual(rows.map((_, i) => i + 1));
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(ringsSent).toBe(2);
    expect(h.posted.find((m) => m.type === 'acted')).toMatchObject({
      reqId: 1,
      report: { action: 'add-server' },
    });
  });

  it('reports a bad scenario as an error naming the field, without a frame', () => {
    const posted: FromWorker[] = [];
    const host = new SimHost({
      now: () => 0,
      create: () => {
        throw new ScenarioError('users', 'users: too big');
      },
      post: (m) => posted.push(m),
    });
    host.handle({ type: 'init', runId: 3, scenario: DEFAULT_SCENARIO, playing: true, speed: 1 });
    expect(posted).toEqual([{ type: 'error', runId: 3, field: 'users', message: 'users: too big' }]);
    expect(host.busy).toBe(false);
  });

  it('says it is saturated only while ticks run out of wall budget (the worker then skips the timer)', () => {
    const clock = { t: 0 };
    const host = new SimHost({
      // Every reading of the clock is 5 ms later: a tick's 12 ms budget runs out mid-way.
      now: () => (clock.t += 5),
      create: (s) => createSimulation(s),
      post: () => {},
    });
    const scenario = { ...DEFAULT_SCENARIO, users: 20_000 };
    host.handle({ type: 'init', runId: 1, scenario, playing: true, speed: 1000 });
    for (let i = 0; i < 3; i++) host.tick();
    expect(host.saturated).toBe(true);
    host.handle({ type: 'speed', speed: 0.001 });
    for (let i = 0; i < 3; i++) host.tick();
    expect(host.saturated).toBe(false);
    host.handle({ type: 'play', playing: false });
    host.tick();
    expect(host.saturated).toBe(false);
  });

  it("ships each traced hop's room sequence number beside it: chat pushes carry one, writes not yet committed none", () => {
    const clock = { t: 0 };
    const posted: FromWorker[] = [];
    const host = new SimHost({
      now: () => clock.t,
      create: (s) => createSimulation(s),
      post: (m) => posted.push(m),
    });
    const scenario = { ...DEFAULT_SCENARIO, strategy: 'pubsub' as const, users: 2000, sequenceNumbers: true };
    host.handle({ type: 'init', runId: 1, scenario, playing: true, speed: 5 });
    for (let i = 0; i < 120; i++) {
      clock.t += 16;
      host.tick();
      host.handle({ type: 'ack', seq: posted.filter((m) => m.type === 'frame').length });
    }
    const pushSeqs: number[] = [];
    let writes = 0;
    for (const f of posted.filter((m): m is Frame => m.type === 'frame')) {
      expect(f.traceSeqs.length).toBe(f.trace.length / TRACE_STRIDE);
      for (let r = 0; r < f.traceSeqs.length; r++) {
        const kind = f.trace[r * TRACE_STRIDE]!;
        if (kind === MsgKind.Push || kind === MsgKind.Fanout) pushSeqs.push(f.traceSeqs[r]!);
        if (kind === MsgKind.Write) {
          writes++;
          expect(f.traceSeqs[r]).toBe(0);
        }
      }
    }
    expect(writes).toBeGreaterThan(0);
    expect(pushSeqs.length).toBeGreaterThanOrEqual(5);
    // Room sequence numbers start at 1: every chat message on its way carries one.
    expect(Math.min(...pushSeqs)).toBeGreaterThanOrEqual(1);
  });
});
