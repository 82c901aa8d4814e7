/**
 * Glue between the store (intent), the bridge (the worker) and the world (what is drawn). Lives
 * outside React: created once in main.tsx, it turns store changes into worker messages, worker
 * frames into the world, and the world into a ≤ 10 Hz summary for React.
 */
import { DEFAULT_SCENARIO, normalizeScenario, type ActionKind, type Scenario } from '../bridge/engine';
import { SimClient } from '../bridge/client';
import type { AppStore } from '../store/store';
import { guaranteeFigures } from './guarantees/figures';
import { livenessFigures } from './failures/figures';
import type { Summary } from '../store/summary';
import { warmUpS } from '../content/warmup';
import { writeUrl } from '../store/url';
import { createFailureStore, oneLine, type FailureStore } from './failure';
import { getViewFlags, onViewModeChange } from './compare/mode';
import { compareActions, getCompareServers } from './compare/snapshot';
import type { FrameLoop } from './frameLoop';
import { World } from './world';

const SUMMARY_EVERY_MS = 100;
const RESTART_DEBOUNCE_MS = 90;
const PAGE_TRACED_USERS = 3000;

export interface Controller {
  readonly world: World;
  readonly loop: FrameLoop;
  addServer(): void;
  removeServer(): void;
  crashServer(id: number): void;
  /** Brings a crashed server back (empty); without an id, the last one crashed. */
  restartServer(id?: number): void;
  /** A rolling restart of every server up, each leaving by the scenario's `drain`. */
  deploy(): void;
  act(kind: ActionKind, server?: number): void;
  step(): void;
  /** Rewind: pause and move the run to simulated second `tS` (restore a checkpoint, re-run). */
  seek(tS: number): void;
  /** Set when the engine stopped (an exception in the worker); cleared by restartAfterFailure. */
  readonly failure: FailureStore;
  /** Continues from the newest checkpoint, or starts afresh when the worker itself is gone. */
  restartAfterFailure(): void;
  dispose(): void;
}

export function createController(store: AppStore, loop: FrameLoop, client?: SimClient): Controller {
  const world = new World();
  const failure = createFailureStore();
  /** The scenario the engine said it runs (its `ready` message), for the current run only. */
  let engine: { runId: number; scenario: Scenario } | null = null;
  /** Servers this run was asked to crash (until the engine answers and a frame shows it down). */
  const crashing = new Set<number>();
  /**
   * Crashed servers this run was asked to restart, with the engine time of its answer (Infinity
   * until it comes): until a frame past it shows the server up, a second click is refused.
   */
  const restarting = new Map<number, number>();
  /**
   * A deploy asked for and not yet seen running: from the click until a frame past the engine's
   * answer (the frame that shows it rolling, or already done). NaN: none.
   */
  let deployAskedUs = Number.NaN;
  const sim =
    client ??
    new SimClient({
      onReady: (runId, scenario) => {
        engine = { runId, scenario };
      },
      onError: (_runId, field, message) =>
        store.getState().pushNotice(`The engine refused the scenario (${field}): ${message}`),
      onCrash: (message, checkpointUs) => {
        failure.setState({
          current: {
            message: oneLine(message),
            checkpointS: checkpointUs === null ? null : checkpointUs / 1e6,
          },
        });
        if (store.getState().playing) store.getState().setPlaying(false);
      },
    });

  let runTimer: ReturnType<typeof setTimeout> | null = null;
  let urlTimer: ReturnType<typeof setTimeout> | null = null;
  let actsInFlight = 0;
  let lastSummary = -Infinity;
  let summaryVersion = -1;

  const startRun = () => {
    runTimer = null;
    const st = store.getState();
    let scenario: Scenario;
    try {
      const input = structuredClone(st.scenario);
      // Dots in flight = traced messages per simulated second × hop time, whatever the speed, so
      // the page traces a bigger (still deterministic) sample than a headless run. Tracing only
      // records; it changes no model number.
      if (input.tracedUsers === DEFAULT_SCENARIO.tracedUsers) input.tracedUsers = PAGE_TRACED_USERS;
      scenario = normalizeScenario(input);
    } catch (e) {
      st.pushNotice(`Scenario not valid: ${(e as Error).message}`);
      return;
    }
    const runId = sim.init(scenario, st.playing, st.speed);
    engine = null;
    crashing.clear();
    restarting.clear();
    deployAskedUs = Number.NaN;
    world.clear(runId, st.scenario);
    st.setSummary(null);
  };

  const scheduleRun = (immediate: boolean) => {
    if (runTimer !== null) clearTimeout(runTimer);
    // Slider drags fire many edits: restart once the hand pauses, so the worker is not flooded.
    runTimer = setTimeout(startRun, immediate ? 0 : RESTART_DEBOUNCE_MS);
  };

  const scheduleUrl = () => {
    if (urlTimer !== null) return;
    urlTimer = setTimeout(() => {
      urlTimer = null;
      writeUrl(store.getState().scenario);
    }, 150);
  };

  const unsub = store.subscribe((s, prev) => {
    if (s.runKey !== prev.runKey) scheduleRun(s.scenario.strategy !== prev.scenario.strategy);
    if (s.scenario !== prev.scenario) scheduleUrl();
    if (s.playing !== prev.playing) {
      if (s.playing) forkIfInPast();
      sim.setPlaying(s.playing);
    }
    if (s.speed !== prev.speed) sim.setSpeed(s.speed);
  });

  const onFrame = (wall: number, dt: number) => {
    const d = sim.take();
    if (d) world.ingest(d);
    world.advance(dt);
    if (wall - lastSummary >= SUMMARY_EVERY_MS && world.frameVersion !== summaryVersion && world.live) {
      lastSummary = wall;
      summaryVersion = world.frameVersion;
      store.getState().setSummary(buildSummary(world));
    }
  };
  const unloop = loop.add(onFrame, -100);

  /**
   * Playing or acting from a rewound moment discards the old future (the worker does the same):
   * actions recorded live after now leave the URL; the scenario's own scripted ones stay.
   */
  const forkIfInPast = () => {
    const live = world.live;
    if (!live || live.nowUs >= world.headUs) return;
    const nowS = live.nowUs / 1e6;
    const scripted = world.scenario?.timeline ?? [];
    const st = store.getState();
    const keep = st.scenario.timeline.filter(
      (e) => e.atS <= nowS || scripted.some((x) => x.atS === e.atS && x.action === e.action),
    );
    const dropped = st.scenario.timeline.length - keep.length;
    if (dropped) {
      st.setTimeline(keep);
      st.pushNotice(
        `Going on from ${nowS.toFixed(1)} s: ${dropped === 1 ? 'the action' : `the ${dropped} actions`} taken after it ${dropped === 1 ? 'was' : 'were'} discarded.`,
        'info',
      );
    }
    world.headUs = live.nowUs;
  };

  const act = (kind: ActionKind, server?: number) => {
    // Compare mode runs its own four lanes: the same buttons act there, at the lanes' clock.
    if (getViewFlags().mode === 'compare') {
      if (!compareActions.current?.(kind, server))
        store.getState().pushNotice('Compare mode is still starting: try again in a moment.', 'info');
      return;
    }
    if (kind === 'crash-server' && server !== undefined) {
      // A second click on a server that is going down (before the next frame shows it) must not
      // take another one with it: ask the engine once per server and run.
      const state = world.live?.servers.find((x) => x.id === server)?.state;
      if (crashing.has(server) || (state !== undefined && state !== 'up' && state !== 'draining')) {
        store.getState().pushNotice(`Crash S${server} not done: S${server} is already down.`, 'info');
        return;
      }
      crashing.add(server);
    }
    if (kind === 'restart-server' && server !== undefined) {
      // A double click on a crashed server's Restart button restarts it once.
      const live = world.live;
      const state = live?.servers.find((x) => x.id === server)?.state;
      const askedUs = restarting.get(server);
      const pending = askedUs !== undefined && (!live || live.nowUs <= askedUs);
      if (pending || (state !== undefined && state !== 'crashed')) {
        store.getState().pushNotice(`Restart S${server} not done: S${server} is not down.`, 'info');
        return;
      }
      restarting.set(server, Infinity);
    }
    if (kind === 'deploy') {
      // One rolling deploy at a time from the page: a second click (a held key, a double click)
      // while one rolls would queue another full round behind it, which nobody means.
      const why = deployRefusal();
      if (why !== null) {
        store.getState().pushNotice(`Deploy not done: ${why}`, 'info');
        return;
      }
      deployAskedUs = Infinity;
    }
    forkIfInPast();
    const runAtAct = world.runId;
    actsInFlight++;
    void sim.act(kind, server).then(({ report, error }) => {
      actsInFlight--;
      const st = store.getState();
      if (kind === 'crash-server' && server !== undefined && (error || world.runId !== runAtAct))
        crashing.delete(server);
      if (kind === 'restart-server' && server !== undefined && world.runId === runAtAct) {
        if (error || !report) restarting.delete(server);
        else {
          restarting.set(server, report.atS * 1e6);
          // It is up again: it can be crashed again.
          crashing.delete(server);
        }
      }
      if (kind === 'deploy' && world.runId === runAtAct)
        deployAskedUs = error || !report ? Number.NaN : report.atS * 1e6;
      if (error) {
        // The engine refused (a server already down or gone, a rewind in progress): the scenario
        // stays as it was, and the reason is shown in a word.
        if (error !== 'run replaced')
          st.pushNotice(`${actionLabel(kind, server)} not done: ${error}`, 'info');
        return;
      }
      if (!report) return;
      // The engine names the server it acted on; -1 means it has not picked one yet (a change
      // queued behind a running migration), so the entry keeps the request and replays it as such.
      const entry =
        kind === 'add-server' || report.server < 0
          ? { atS: report.atS, action: report.action }
          : { atS: report.atS, action: report.action, server: report.server };
      // If the scenario cannot hold what the engine did, restart from the scenario so the run and
      // the controls agree again (the store has said why).
      if (!st.recordAction(entry)) st.reset();
    });
  };

  /** Why the page will not start a deploy now (one is rolling or about to), or null. */
  const deployRefusal = (): string | null => {
    const live = world.live;
    const d = live?.liveness?.deploy ?? null;
    if (d !== null) {
      const srv = d.order[Math.max(0, d.done - 1)];
      const at = srv === undefined ? '' : ` (S${srv}, ${d.done} of ${d.order.length})`;
      return `a deploy is already rolling through the servers${at}; wait until it is done.`;
    }
    if (!Number.isNaN(deployAskedUs) && (!live || live.nowUs <= deployAskedUs))
      return 'a deploy is already starting; wait until it is done.';
    return null;
  };

  /** The server the rail's Restart button brings back: the last one crashed, as the engine picks. */
  const lastCrashed = (): number | undefined => {
    const live = world.live;
    if (!live) return undefined;
    for (let i = live.servers.length - 1; i >= 0; i--) {
      const x = live.servers[i]!;
      const askedUs = restarting.get(x.id);
      if (x.state === 'crashed' && !(askedUs !== undefined && live.nowUs <= askedUs)) return x.id;
    }
    return undefined;
  };

  const restartAfterFailure = () => {
    const f = failure.getState().current;
    if (!f) return;
    failure.setState({ current: null });
    if (f.checkpointS === null) {
      sim.respawn();
      startRun();
    } else {
      // Actions taken after the checkpoint are not replayed (one of them may be what failed): they
      // leave the URL too, as after a rewind; the scenario's scripted ones stay.
      const atS = f.checkpointS;
      const scripted = world.scenario?.timeline ?? [];
      const st = store.getState();
      const keep = st.scenario.timeline.filter(
        (e) => e.atS <= atS || scripted.some((x) => x.atS === e.atS && x.action === e.action),
      );
      if (keep.length !== st.scenario.timeline.length) st.setTimeline(keep);
      world.headUs = atS * 1e6;
      sim.restore();
    }
    store.getState().setPlaying(true);
  };
  // Compare mode records its actions in the timeline; the single run (paused meanwhile) did not
  // take them, so leaving compare mode restarts it from the scenario the controls now show.
  const unmode = onViewModeChange((mode) => {
    if (mode !== 'single') return;
    const ran = world.scenario;
    if (ran && JSON.stringify(ran.timeline) !== JSON.stringify(store.getState().scenario.timeline))
      store.getState().reset();
  });

  const hook = {
    /** Read-only view for tests: what the engine runs next to what the controls show. */
    state: () => {
      const live = world.live;
      const s = store.getState();
      return structuredClone({
        runId: world.runId,
        engine: engine && engine.runId === world.runId ? engine.scenario : null,
        page: s.scenario,
        live: live
          ? {
              nowS: live.nowUs / 1e6,
              upServers: live.servers.filter((x) => x.state === 'up' || x.state === 'draining').length,
              migrating: live.migration !== null,
              timeline: live.timeline.map((a) => ({ atS: a.atS, action: a.action, server: a.server })),
              /** Per server as the stage shows it: a deploy's restart drains like a removal. */
              servers: live.servers.map((x) => ({
                id: x.id,
                state: serverPhase(x.state, live.liveness?.leaving.some((l) => l.server === x.id) ?? false),
                connections: x.connections,
              })),
              deploy: live.liveness?.deploy ?? null,
            }
          : null,
        notices: s.notices.map((n) => n.text),
        /** Work the page owes: actions the engine has not answered, an address-bar write due. */
        pending: { acts: actsInFlight, url: urlTimer !== null },
        mode: getViewFlags().mode,
        /** Servers up in the compare lanes (null outside compare mode). */
        compareServers: getCompareServers(),
      });
    },
  };
  if (typeof window !== 'undefined' && !('__hopscope' in window))
    Object.defineProperty(window, '__hopscope', { value: Object.freeze(hook), writable: false });

  startRun();
  writeUrl(store.getState().scenario);

  return {
    world,
    loop,
    addServer: () => act('add-server'),
    removeServer: () => act('remove-server'),
    crashServer: (id) => act('crash-server', id),
    restartServer: (id) => act('restart-server', id ?? lastCrashed()),
    deploy: () => act('deploy'),
    act,
    failure,
    restartAfterFailure,
    seek: (tS) => {
      if (store.getState().playing) store.getState().setPlaying(false);
      // The past may have those servers up again: the frames say which are down from now on.
      crashing.clear();
      restarting.clear();
      deployAskedUs = Number.NaN;
      sim.seek(Math.max(0, tS) * 1e6);
    },
    step: () => {
      if (store.getState().playing) store.getState().setPlaying(false);
      forkIfInPast();
      sim.step();
    },
    dispose: () => {
      unsub();
      unloop();
      unmode();
      if (runTimer !== null) clearTimeout(runTimer);
      if (urlTimer !== null) clearTimeout(urlTimer);
      sim.dispose();
    },
  };
}

/** A server's state in a word: up, draining (leaving, or a deploy restarting it), down or gone. */
export function serverPhase(
  state: 'up' | 'draining' | 'crashed' | 'removed',
  leaving: boolean,
): 'up' | 'draining' | 'down' | 'gone' {
  if (state === 'crashed') return 'down';
  if (state === 'removed') return 'gone';
  return state === 'draining' || leaving ? 'draining' : 'up';
}

function actionLabel(kind: ActionKind, server?: number): string {
  const id = server === undefined ? '' : ` S${server}`;
  switch (kind) {
    case 'add-server':
      return 'Add server';
    case 'remove-server':
      return `Remove server${id}`;
    case 'crash-server':
      return `Crash${id}`;
    case 'crash-broker':
      return 'Crash broker';
    case 'recover-broker':
      return 'Recover broker';
    case 'restart-server':
      return `Restart${id}`;
    case 'deploy':
      return 'Deploy';
  }
}

export function buildSummary(world: World): Summary {
  const live = world.live!;
  const pace = world.pace;
  const last = live.lastSecond;
  const t = live.totals;
  const leaving = new Set(live.liveness?.leaving.map((l) => l.server));
  const d = live.liveness?.deploy ?? null;
  return {
    runId: world.runId,
    simTimeS: live.nowUs / 1e6,
    headS: Math.max(world.headUs, live.nowUs) / 1e6,
    latencyP50Ms: live.recentLatency.p50Ms,
    latencyP99Ms: live.recentLatency.p99Ms,
    latencyCount: live.recentLatency.count,
    latencyWindowS: live.recentLatency.windowS,
    dbReadsPerS: last ? last.dbReads : null,
    dbWritesPerS: last ? last.dbWrites : null,
    dbRejectedPerS: last ? last.dbRejected : null,
    pollsPerS: last ? last.polls : null,
    brokerPerS: last ? last.brokerMessages : null,
    dbCapacityPerS: live.db.capacityPerS,
    dbUtilization: live.db.utilization,
    dbQueue: live.db.queue,
    brokerQueue: live.broker.queue,
    sendsFailed: t.sendsFailed,
    warmUpS: world.scenario ? warmUpS(world.scenario) : 0,
    brokerCapacityPerS: live.broker.capacityPerS,
    brokerUtilization: live.broker.utilization,
    // The stage labels this figure "topics": the broker's real topic count (engine v2).
    brokerSubscriptions: live.broker.topics,
    brokerDown: (live.broker.shards ?? []).filter((s) => !s.up).length,
    reconnects: t.reconnects,
    connections: live.connections,
    lost: t.lostDeliveries,
    deliveries: t.deliveries,
    duplicates: t.duplicateDeliveries,
    polls: t.polls,
    emptyPolls: t.emptyPolls,
    servers: live.servers.map((s) => ({
      id: s.id,
      // A deploy's restart drains its clients like a removal: the stage shows it draining.
      state: s.state === 'up' && leaving.has(s.id) ? 'draining' : s.state,
      connections: s.connections,
      handledPerS: s.handledPerS,
      ...(s.parked !== undefined ? { parked: s.parked } : {}),
    })),
    timeline: live.timeline,
    migration: live.migration,
    playing: pace?.playing ?? false,
    requestedSpeed: pace?.requestedSpeed ?? 1,
    achievedSpeed: pace?.achievedSpeed ?? 0,
    behind: pace?.behind ?? false,
    guarantees: guaranteeFigures(live),
    deploy: d && {
      server: d.order[Math.max(0, d.done - 1)] ?? -1,
      done: d.done,
      of: d.order.length,
    },
    liveness: livenessFigures(live),
  };
}
