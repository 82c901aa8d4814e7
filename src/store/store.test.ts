import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, LIMITS, normalizeScenario } from '../bridge/engine';
import { selBehind, selUpServers, selUsers } from './selectors';
import { SPEEDS, createAppStore, fitTimeline } from './store';
import type { Summary } from './summary';

describe('scenario slice', () => {
  it('starts from the given scenario without sharing it', () => {
    const s = normalizeScenario({ users: 500 });
    const store = createAppStore({ scenario: s });
    store.getState().setField('users', 700);
    expect(s.users).toBe(500);
    expect(selUsers(store.getState())).toBe(700);
  });

  it('bumps runKey only on real changes', () => {
    const store = createAppStore();
    const k0 = store.getState().runKey;
    store.getState().setStrategy('polling'); // already polling
    store.getState().setField('users', DEFAULT_SCENARIO.users);
    expect(store.getState().runKey).toBe(k0);
    store.getState().setStrategy('pubsub');
    store.getState().setField('pollIntervalS', 5);
    store.getState().reset();
    expect(store.getState().runKey).toBe(k0 + 3);
  });

  it('keeps edited values inside what the engine accepts', () => {
    const store = createAppStore();
    const st = () => store.getState();
    st().setField('users', 1e12);
    expect(st().scenario.users).toBe(LIMITS.maxUsers);
    st().setField('servers', 0);
    expect(st().scenario.servers).toBe(1);
    st().setField('vnodes', Number.NaN);
    expect(st().scenario.vnodes).toBe(DEFAULT_SCENARIO.vnodes);
    st().setField('roomSize', 50);
    st().setField('users', 10); // shrinks the room with it
    expect(st().scenario.roomSize).toBe(10);
    st().setField('roomSize', 100);
    expect(st().scenario.roomSize).toBe(10);
    expect(() => normalizeScenario(st().scenario)).not.toThrow();
  });

  it('records live actions in the timeline without restarting the run', () => {
    const store = createAppStore();
    const k0 = store.getState().runKey;
    store.getState().recordAction({ atS: 3.5, action: 'add-server' });
    expect(store.getState().scenario.timeline).toEqual([{ atS: 3.5, action: 'add-server' }]);
    expect(store.getState().runKey).toBe(k0);
    store.getState().clearTimeline();
    expect(store.getState().scenario.timeline).toEqual([]);
    expect(store.getState().runKey).toBe(k0 + 1);
  });

  it('keeps the untouched parts of state referentially stable (immer)', () => {
    const store = createAppStore();
    const before = store.getState();
    store.getState().setSpeed(10);
    expect(store.getState().scenario).toBe(before.scenario);
    expect(store.getState().notices).toBe(before.notices);
  });
});

describe('playback slice', () => {
  it('toggles and clamps speed', () => {
    const store = createAppStore({ playing: false });
    store.getState().togglePlaying();
    expect(store.getState().playing).toBe(true);
    store.getState().setSpeed(1e9);
    expect(store.getState().speed).toBe(SPEEDS[SPEEDS.length - 1]);
    store.getState().setSpeed(-1);
    expect(store.getState().speed).toBe(SPEEDS[SPEEDS.length - 1]);
  });
});

describe('ui slice', () => {
  it('deduplicates notices, keeps a few, and dismisses by id', () => {
    const store = createAppStore({ notices: ['a', 'a', 'b'] });
    expect(store.getState().notices.map((n) => n.text)).toEqual(['a', 'b']);
    for (const t of ['c', 'd', 'e']) store.getState().pushNotice(t);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['b', 'c', 'd', 'e']);
    store.getState().dismissNotice(store.getState().notices[0]!.id);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['c', 'd', 'e']);
  });
});

describe('summary selectors', () => {
  it('count servers taking traffic and flag a worker that cannot keep up', () => {
    const store = createAppStore();
    expect(selUpServers(store.getState())).toBe(DEFAULT_SCENARIO.servers);
    const summary = {
      servers: [
        { id: 0, state: 'up', connections: 1, handledPerS: 0 },
        { id: 1, state: 'crashed', connections: 0, handledPerS: 0 },
        { id: 2, state: 'draining', connections: 1, handledPerS: 0 },
      ],
      playing: true,
      behind: true,
      achievedSpeed: 37,
      requestedSpeed: 100,
    } as Summary;
    store.getState().setSummary(summary);
    expect(selUpServers(store.getState())).toBe(2);
    expect(selBehind(store.getState())).toBe(37);
  });
});

describe('every scenario edit goes through validation', () => {
  it('refuses an action the scenario cannot hold, keeps the scenario and says why', () => {
    const store = createAppStore({ scenario: normalizeScenario({ servers: 2 }) });
    const st = () => store.getState();
    expect(st().recordAction({ atS: 1, action: 'crash-server', server: 7 })).toBe(false);
    expect(st().scenario.timeline).toEqual([]);
    expect(st().notices.at(-1)?.text).toMatch(/refused.*timeline\.0\.server/);
    // A later edit is not poisoned by the refused one.
    st().setField('users', 500);
    expect(st().scenario.users).toBe(500);
    expect(() => normalizeScenario(st().scenario)).not.toThrow();
  });

  it('never stores a server id the engine had not picked (-1) and rounds times to the millisecond', () => {
    const store = createAppStore();
    expect(
      store.getState().recordAction({ atS: 8.158400000000139, action: 'remove-server', server: -1 }),
    ).toBe(true);
    expect(store.getState().scenario.timeline).toEqual([{ atS: 8.158, action: 'remove-server' }]);
  });

  it('switching strategy clears the old run’s actions and says so', () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'modulo-hashing' }) });
    store.getState().recordAction({ atS: 2, action: 'add-server' });
    store.getState().setStrategy('consistent-hashing');
    expect(store.getState().scenario.timeline).toEqual([]);
    expect(store.getState().notices.at(-1)?.text).toMatch(/the 1 action of the previous run was cleared/);
  });

  it('leaving Pub/Sub with recovery from the log moves recovery to the DB, and says so', () => {
    const store = createAppStore({
      scenario: normalizeScenario({
        strategy: 'pubsub',
        broker: 'kafka',
        sequenceNumbers: true,
        recovery: 'log',
      }),
    });
    store.getState().setStrategy('consistent-hashing');
    expect(store.getState().scenario.strategy).toBe('consistent-hashing');
    expect(store.getState().scenario.recovery).toBe('db');
    expect(store.getState().notices.at(-1)?.text).toMatch(/recovery now reads the DB/);
  });

  it('refuses a whole invalid scenario (a file, a preset) without touching the current one', () => {
    const store = createAppStore();
    const bad = { ...DEFAULT_SCENARIO, users: 0 };
    expect(store.getState().replaceScenario(bad)).toBe(false);
    expect(store.getState().scenario).toEqual(DEFAULT_SCENARIO);
  });
});

describe('fitTimeline: a live action that pre-empts a scripted one', () => {
  // A stand-in for a validator that knows a server cannot be removed twice.
  const noDoubleRemove = (s: { timeline: { action: string; server?: number }[] }) => {
    const removed = s.timeline.filter((x) => x.action === 'remove-server').map((x) => x.server);
    return new Set(removed).size === removed.length;
  };

  it('drops the later scripted entry the live one makes impossible, keeps the rest', () => {
    const s = normalizeScenario({
      servers: 3,
      timeline: [
        { atS: 1, action: 'add-server' },
        { atS: 5, action: 'remove-server', server: 2 },
        { atS: 7, action: 'add-server' },
      ],
    });
    const fit = fitTimeline(s, { atS: 2, action: 'remove-server', server: 2 }, noDoubleRemove);
    expect(fit?.timeline).toEqual([
      { atS: 1, action: 'add-server' },
      { atS: 2, action: 'remove-server', server: 2 },
      { atS: 7, action: 'add-server' },
    ]);
    expect(fit?.dropped).toEqual([{ atS: 5, action: 'remove-server', server: 2 }]);
  });

  it('leaves a valid timeline alone and will not drop entries to excuse a bad live one', () => {
    const s = normalizeScenario({ timeline: [{ atS: 5, action: 'add-server' }] });
    expect(fitTimeline(s, { atS: 6, action: 'add-server' }, noDoubleRemove)).toBeNull();
    const bad = normalizeScenario({ timeline: [{ atS: 1, action: 'remove-server', server: 1 }] });
    expect(fitTimeline(bad, { atS: 2, action: 'remove-server', server: 1 }, noDoubleRemove)).toBeNull();
  });
});

describe('fitTimeline at the same millisecond', () => {
  it('puts the live entry first and drops the scripted one it pre-empts', () => {
    const noDoubleRemove = (s: { timeline: { action: string; server?: number }[] }) => {
      const removed = s.timeline.filter((x) => x.action === 'remove-server').map((x) => x.server);
      return new Set(removed).size === removed.length;
    };
    const s = normalizeScenario({ servers: 3, timeline: [{ atS: 0, action: 'remove-server', server: 2 }] });
    const fit = fitTimeline(s, { atS: 0, action: 'remove-server', server: 2 }, noDoubleRemove);
    expect(fit).toEqual({
      timeline: [{ atS: 0, action: 'remove-server', server: 2 }],
      dropped: [{ atS: 0, action: 'remove-server', server: 2 }],
    });
  });
});
