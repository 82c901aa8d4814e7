import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeScenario, type ActionKind, type ActionReport } from '../bridge/engine';
import type { SimClient } from '../bridge/client';
import { createAppStore } from '../store/store';
import { createController } from './controller';
import type { FrameLoop } from './frameLoop';

/** A stand-in for the worker: answers each act with what the test queued. */
function fakeClient(answers: { report: ActionReport | null; error?: string }[]) {
  const acts: { kind: ActionKind; server?: number }[] = [];
  const client = {
    runId: 0,
    init() {
      return ++client.runId;
    },
    setPlaying() {},
    setSpeed() {},
    step() {},
    seek() {},
    take: () => null,
    dispose() {},
    act(kind: ActionKind, server?: number) {
      acts.push({ kind, server });
      return Promise.resolve(answers.shift() ?? { report: null, error: 'no answer' });
    },
  };
  return { client: client as unknown as SimClient, acts };
}

const loop: FrameLoop = { add: () => () => {}, start() {}, stop() {} } as unknown as FrameLoop;

const report = (over: Partial<ActionReport>): ActionReport => ({
  atS: 3.2000000001,
  action: 'add-server',
  server: 4,
  usersMoved: 0,
  reconnects: 0,
  serversBefore: 4,
  serversAfter: 5,
  ...over,
});

beforeEach(() => {
  // writeUrl needs a location and a history; the controller never needs more of a window here.
  const loc = { pathname: '/', search: '', hash: '' };
  (globalThis as Record<string, unknown>).window = {
    location: loc,
    history: {
      state: null,
      replaceState: (_s: unknown, _t: string, url: string) => (loc.search = url.slice(1)),
    },
    addEventListener() {},
  };
});
afterEach(() => {
  delete (globalThis as Record<string, unknown>).window;
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('controller: the engine owns what exists', () => {
  it('an action the engine refuses is a short notice and leaves the scenario as it was', async () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'pubsub' }) });
    const { client } = fakeClient([{ report: null, error: 'S3 is already down' }]);
    const ctl = createController(store, loop, client);
    const before = store.getState().scenario;
    ctl.act('remove-server', 3);
    await flush();
    expect(store.getState().scenario).toBe(before);
    expect(store.getState().notices.map((n) => n.text)).toEqual([
      'Remove server S3 not done: S3 is already down',
    ]);
    ctl.dispose();
  });

  it('records the server the engine names, and a queued change (-1) as the bare request', async () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'consistent-hashing' }) });
    const { client } = fakeClient([
      { report: report({}) },
      { report: report({ atS: 3.4, action: 'remove-server', server: -1 }) },
    ]);
    const ctl = createController(store, loop, client);
    ctl.addServer();
    ctl.removeServer();
    await flush();
    expect(store.getState().scenario.timeline).toEqual([
      { atS: 3.2, action: 'add-server' },
      { atS: 3.4, action: 'remove-server' },
    ]);
    expect(store.getState().notices).toEqual([]);
    ctl.dispose();
  });

  it('asks the engine to crash a server once, however fast the clicks', async () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'pubsub' }) });
    const { client, acts } = fakeClient([{ report: report({ action: 'crash-server', server: 1 }) }]);
    const ctl = createController(store, loop, client);
    ctl.crashServer(1);
    ctl.crashServer(1);
    await flush();
    expect(acts).toEqual([{ kind: 'crash-server', server: 1 }]);
    expect(store.getState().scenario.timeline).toEqual([{ atS: 3.2, action: 'crash-server', server: 1 }]);
    expect(store.getState().notices.at(-1)?.text).toBe('Crash S1 not done: S1 is already down.');
    ctl.dispose();
  });
});
