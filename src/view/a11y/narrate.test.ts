import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type ActionReport, type Scenario } from '../../bridge/engine';
import type { Summary } from '../../store/summary';
import { describeAction, digest, initialNarration, narrate, settleS } from './narrate';

const scen = (p: Partial<Scenario> = {}): Scenario => ({ ...structuredClone(DEFAULT_SCENARIO), ...p });
const summary = (p: Partial<Summary> = {}): Summary => ({
  runId: 1,
  simTimeS: 0,
  latencyP50Ms: 0,
  latencyP99Ms: 0,
  latencyCount: 0,
  latencyWindowS: 5,
  dbReadsPerS: null,
  dbWritesPerS: null,
  dbRejectedPerS: null,
  pollsPerS: null,
  brokerPerS: null,
  dbCapacityPerS: 16000,
  dbUtilization: 0,
  dbQueue: 0,
  brokerQueue: 0,
  sendsFailed: 0,
  warmUpS: 5,
  brokerCapacityPerS: 1e5,
  brokerUtilization: 0,
  brokerSubscriptions: 0,
  brokerDown: 0,
  reconnects: 0,
  connections: 0,
  lost: 0,
  deliveries: 0,
  duplicates: 0,
  polls: 0,
  emptyPolls: 0,
  servers: [],
  timeline: [],
  migration: null,
  playing: true,
  requestedSpeed: 1,
  achievedSpeed: 1,
  behind: false,
  ...p,
});
const action = (p: Partial<ActionReport>): ActionReport => ({
  atS: 10,
  action: 'add-server',
  server: 4,
  usersMoved: 0,
  reconnects: 0,
  serversBefore: 4,
  serversAfter: 5,
  ...p,
});

describe('live narration', () => {
  it('says who moves when a server joins, per strategy', () => {
    const a = action({ usersMoved: 2100 });
    expect(describeAction(a, scen({ strategy: 'consistent-hashing', users: 10_000 }))).toBe(
      'Server 4 added; 21 % of users (2,100) are moving to a new owner.',
    );
    expect(describeAction(action({}), scen({ strategy: 'pubsub' }))).toContain('nobody has to move');
    expect(
      describeAction(
        action({ action: 'crash-server', server: 2, usersMoved: 2500 }),
        scen({ strategy: 'pubsub', users: 10_000 }),
      ),
    ).toBe('Server 2 crashed; 2,500 users (25 %) must reconnect.');
    expect(
      describeAction(action({ action: 'restart-server', server: 2 }), scen({ strategy: 'pubsub' })),
    ).toBe('Server 2 restarted, empty; it takes new connections again.');
    expect(
      describeAction(action({ action: 'deploy', server: -1 }), scen({ strategy: 'pubsub', drain: 'kill' })),
    ).toMatch(/^A rolling deploy started: .*kill/);
  });
  it('announces actions and DB saturation at once, digests otherwise every few simulated seconds', () => {
    const s = scen({ users: 200_000, pollIntervalS: 1 });
    let st = initialNarration();
    let r = narrate(st, summary({ simTimeS: 3 }), s);
    expect(r.say).toEqual([]);
    st = r.next;
    r = narrate(st, summary({ simTimeS: 4, dbUtilization: 1, dbRejectedPerS: 8400 }), s);
    expect(r.say).toEqual(['DB saturated: 8,400 rejected/s.']);
    st = r.next;
    r = narrate(
      st,
      summary({ simTimeS: 5, dbUtilization: 1, dbRejectedPerS: 8000, timeline: [action({ atS: 5 })] }),
      s,
    );
    expect(r.say).toEqual(['Server 4 added; polls now spread over one more server, nobody reconnects.']);
    st = r.next;
    r = narrate(
      st,
      summary({ simTimeS: 16, dbUtilization: 1, dbRejectedPerS: 8000, timeline: [action({ atS: 5 })] }),
      s,
    );
    expect(r.say).toHaveLength(1);
    expect(r.say[0]).toMatch(/^At 0:16: /);
    // A new run starts the story again.
    r = narrate(r.next, summary({ runId: 2, simTimeS: 1, timeline: [action({ atS: 1 })] }), s);
    expect(r.say).toHaveLength(1);
    expect(r.say[0]).toContain('Server 4 added');
  });
  it('digests the figures that matter for the strategy', () => {
    const d = digest(
      summary({ simTimeS: 75, latencyCount: 10, latencyP50Ms: 2500, latencyP99Ms: 4900, dbReadsPerS: 2000 }),
      scen({ strategy: 'polling' }),
    );
    expect(d).toBe('At 1:15: latency p50 2.5 s, p99 4.9 s; 2,000 DB reads/s; 0 reconnects; 0 lost.');
  });
});

describe('live narration timing', () => {
  it('announces a hashing scale-out only once the engine knows who moves', () => {
    const s = scen({ strategy: 'consistent-hashing', users: 10_000 });
    const add = action({ atS: 3, usersMoved: 0 });
    let r = narrate(initialNarration(), summary({ simTimeS: 3.02, timeline: [add] }), s);
    expect(r.say).toEqual([]);
    r = narrate(r.next, summary({ simTimeS: 4, timeline: [{ ...add, usersMoved: 2_100 }] }), s);
    expect(r.say).toEqual(['Server 4 added; 21 % of users (2,100) are moving to a new owner.']);
    expect(r.digest).toBe(false);
  });

  it('waits for the detection timeout before announcing a crash under hashing', () => {
    const s = scen({ strategy: 'modulo-hashing', users: 10_000 });
    const crash = action({ atS: 5, action: 'crash-server', server: 1 });
    expect(settleS(crash, s)).toBeGreaterThan(s.failureDetectionS);
    expect(settleS(crash, scen({ strategy: 'pubsub' }))).toBe(0);
  });
});
