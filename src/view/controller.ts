/**
 * Glue between the store (intent), the bridge (the worker) and the world (what is drawn). Lives
 * outside React: created once in main.tsx, it turns store changes into worker messages, worker
 * frames into the world, and the world into a ≤ 10 Hz summary for React.
 */
import { DEFAULT_SCENARIO, normalizeScenario, type ActionKind, type Scenario } from '../bridge/engine';
import { SimClient } from '../bridge/client';
import type { AppStore } from '../store/store';
import type { Summary } from '../store/summary';
import { writeUrl } from '../store/url';
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
  act(kind: ActionKind, server?: number): void;
  step(): void;
  /** Rewind: pause and move the run to simulated second `tS` (restore a checkpoint, re-run). */
  seek(tS: number): void;
  dispose(): void;
}

export function createController(store: AppStore, loop: FrameLoop, client?: SimClient): Controller {
  const world = new World();
  const sim =
    client ??
    new SimClient({
      onError: (_runId, field, message) =>
        store.getState().pushNotice(`The engine refused the scenario (${field}): ${message}`),
    });

  let runTimer: ReturnType<typeof setTimeout> | null = null;
  let urlTimer: ReturnType<typeof setTimeout> | null = null;
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
    if (keep.length !== st.scenario.timeline.length) st.setTimeline(keep);
    world.headUs = live.nowUs;
  };

  const act = (kind: ActionKind, server?: number) => {
    forkIfInPast();
    void sim.act(kind, server).then(({ report, error }) => {
      const st = store.getState();
      if (error && error !== 'run replaced')
        st.pushNotice(`Could not ${kind.replace('-', ' ')}: ${error}`, 'info');
      if (!report) return;
      const entry = {
        atS: report.atS,
        action: report.action,
        ...(kind === 'add-server' ? {} : { server: report.server }),
      };
      st.recordAction(entry);
    });
  };

  startRun();
  writeUrl(store.getState().scenario);

  return {
    world,
    loop,
    addServer: () => act('add-server'),
    removeServer: () => act('remove-server'),
    crashServer: (id) => act('crash-server', id),
    act,
    seek: (tS) => {
      if (store.getState().playing) store.getState().setPlaying(false);
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
      if (runTimer !== null) clearTimeout(runTimer);
      if (urlTimer !== null) clearTimeout(urlTimer);
      sim.dispose();
    },
  };
}

export function buildSummary(world: World): Summary {
  const live = world.live!;
  const pace = world.pace;
  const last = live.lastSecond;
  const t = live.totals;
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
      state: s.state,
      connections: s.connections,
      handledPerS: s.handledPerS,
    })),
    timeline: live.timeline,
    migration: live.migration,
    playing: pace?.playing ?? false,
    requestedSpeed: pace?.requestedSpeed ?? 1,
    achievedSpeed: pace?.achievedSpeed ?? 0,
    behind: pace?.behind ?? false,
  };
}
