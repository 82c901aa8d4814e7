import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeScenario, type ActionKind, type ActionReport, type LiveSnapshot } from '../bridge/engine';
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

  it('starts one deploy however fast the clicks; another only once a frame shows the first done', async () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'pubsub' }) });
    const { client, acts } = fakeClient([
      { report: report({ action: 'deploy', server: -1 }) },
      { report: report({ atS: 9.5, action: 'deploy', server: -1 }) },
    ]);
    const ctl = createController(store, loop, client);
    ctl.deploy();
    ctl.deploy();
    await flush();
    expect(acts).toEqual([{ kind: 'deploy', server: undefined }]);
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Deploy not done: a deploy is already starting; wait until it is done.',
    );
    // A frame of the engine still rolling it: refused, naming where it is.
    const frame = (nowUs: number, deploy: { order: number[]; done: number; waiting: number } | null) =>
      ({ nowUs, servers: [], liveness: { deploy, leaving: [] } }) as unknown as LiveSnapshot;
    ctl.world.live = frame(5e6, { order: [0, 1, 2, 3], done: 2, waiting: 0 });
    ctl.deploy();
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Deploy not done: a deploy is already rolling through the servers (S1, 2 of 4); wait until it is done.',
    );
    // Done: a second deploy is a new one.
    ctl.world.live = frame(9e6, null);
    ctl.deploy();
    await flush();
    expect(acts.length).toBe(2);
    expect(store.getState().scenario.timeline).toEqual([
      { atS: 3.2, action: 'deploy' },
      { atS: 9.5, action: 'deploy' },
    ]);
    ctl.dispose();
  });

  it('restarts a crashed server once per click burst, and lets it be crashed again once up', async () => {
    const store = createAppStore({ scenario: normalizeScenario({ strategy: 'pubsub' }) });
    const { client, acts } = fakeClient([
      { report: report({ atS: 2, action: 'crash-server', server: 1 }) },
      { report: report({ atS: 4, action: 'restart-server', server: 1 }) },
      { report: report({ atS: 6, action: 'crash-server', server: 1 }) },
    ]);
    const ctl = createController(store, loop, client);
    const frame = (nowUs: number, state: string) =>
      ({
        nowUs,
        servers: [{ id: 1, state }],
        liveness: { deploy: null, leaving: [] },
      }) as unknown as LiveSnapshot;
    ctl.crashServer(1);
    await flush();
    ctl.world.live = frame(3e6, 'crashed');
    ctl.restartServer(1);
    ctl.restartServer(1);
    await flush();
    expect(store.getState().notices.at(-1)?.text).toBe('Restart S1 not done: S1 is not down.');
    ctl.world.live = frame(4.1e6, 'up');
    ctl.crashServer(1);
    await flush();
    expect(acts).toEqual([
      { kind: 'crash-server', server: 1 },
      { kind: 'restart-server', server: 1 },
      { kind: 'crash-server', server: 1 },
    ]);
    expect(store.getState().scenario.timeline).toEqual([
      { atS: 2, action: 'crash-server', server: 1 },
      { atS: 4, action: 'restart-server', server: 1 },
      { atS: 6, action: 'crash-server', server: 1 },
    ]);
    ctl.dispose();
  });
});
