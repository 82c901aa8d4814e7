/**
 * The page's one store: zustand vanilla + immer at the root, typed slices. It owns UI *intent*
 * (the scenario being edited, playing/speed, selection, notices) and a ≤ 10 Hz summary of the run.
 * Anything faster (frames, dots) bypasses it: see src/view/frameLoop.ts.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { immer } from 'zustand/middleware/immer';
import {
  DEFAULT_SCENARIO,
  LIMITS,
  normalizeScenario,
  type Scenario,
  type Strategy,
  type TimelineEntry,
} from '../bridge/engine';
import type { Summary } from './summary';

/** Scenario fields the page edits directly. */
export type EditableField =
  | 'users'
  | 'servers'
  | 'pollIntervalS'
  | 'messagesPerUserPerMin'
  | 'roomSize'
  | 'vnodes'
  | 'seed'
  | 'holdTimeoutS';

export const SPEEDS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000,
] as const;
export const DEFAULT_SPEED = 1;

export interface ScenarioSlice {
  scenario: Scenario;
  /** Bumps on every change that needs a fresh run (scenario edit or Reset). */
  runKey: number;
  /** Switching strategy starts a new run at t = 0 and clears the old run's timeline (a notice says so). */
  setStrategy(s: Strategy): void;
  setField(field: EditableField, value: number): void;
  /**
   * An action taken live; kept in the timeline so the URL reproduces the run. Returns false (with
   * a notice) when the entry would make the scenario invalid: the edit is refused, never stored.
   */
  recordAction(entry: TimelineEntry): boolean;
  clearTimeline(): void;
  /** Rewind forked the run: the live-recorded actions of the abandoned future go (no restart). */
  setTimeline(entries: TimelineEntry[]): void;
  /** Replaces the whole scenario (preset, tour, opened file); refused with a notice when invalid. */
  replaceScenario(s: Scenario): boolean;
  reset(): void;
}

export interface PlaybackSlice {
  playing: boolean;
  speed: number;
  setPlaying(p: boolean): void;
  togglePlaying(): void;
  setSpeed(speed: number): void;
}

export interface SelectionSlice {
  /** Server whose card is open (hover/focus), or null. */
  selectedServer: number | null;
  selectServer(id: number | null): void;
}

export type NoticeTone = 'info' | 'warn';
export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

export interface UiSlice {
  notices: Notice[];
  showHelp: boolean;
  pushNotice(text: string, tone?: NoticeTone): void;
  dismissNotice(id: number): void;
  setShowHelp(v: boolean): void;
}

export interface SummarySlice {
  summary: Summary | null;
  setSummary(s: Summary | null): void;
}

export type AppState = ScenarioSlice & PlaybackSlice & SelectionSlice & UiSlice & SummarySlice;
type Slice<T> = StateCreator<AppState, [['zustand/immer', never]], [], T>;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Keeps an edited value inside what the engine accepts, so a slider can never make a bad run. */
export function sanitizeField(s: Scenario, field: EditableField, value: number): number {
  if (!Number.isFinite(value)) return s[field];
  switch (field) {
    case 'users':
      return clamp(Math.round(value), 2, LIMITS.maxUsers);
    case 'servers':
      return clamp(Math.round(value), 1, LIMITS.maxServers);
    case 'pollIntervalS':
      return clamp(value, 0.05, 3600);
    case 'messagesPerUserPerMin':
      return clamp(value, 0, 600);
    case 'roomSize':
      return clamp(Math.round(value), 2, Math.min(LIMITS.maxRoomSize, s.users));
    case 'vnodes':
      return clamp(Math.round(value), 1, LIMITS.maxVnodes);
    case 'seed':
      return clamp(Math.round(value), 0, 0xffffffff);
    case 'holdTimeoutS':
      return clamp(value, 0.05, 3600);
  }
}

/** Live actions are stamped at engine time (µs): a link carries them to the millisecond. */
export function roundActionTimeS(atS: number): number {
  return Math.round(atS * 1000) / 1000;
}

function countActions(t: readonly TimelineEntry[]): string {
  return t.length === 1 ? '1 action' : `${t.length} actions`;
}

function describeEntry(e: TimelineEntry): string {
  const who = e.server === undefined ? 'a server' : `S${e.server}`;
  const what =
    e.action === 'add-server'
      ? 'add a server'
      : e.action === 'remove-server'
        ? `remove ${who}`
        : e.action === 'crash-server'
          ? `crash ${who}`
          : e.action === 'restart-server'
            ? `restart ${who === 'a server' ? 'the last crashed server' : who}`
            : e.action.replace('-', ' ');
  return `The scripted "${what} at ${e.atS} s"`;
}

/**
 * The timeline with a live entry added, when adding it invalidates entries scheduled after it:
 * later entries are kept in order while the timeline stays valid, the rest are dropped. Null when
 * the plain timeline + entry is valid already, or when dropping later entries does not help (the
 * entry itself is the problem).
 */
export function fitTimeline(
  s: Scenario,
  e: TimelineEntry,
  valid: (s: Scenario) => boolean,
): { timeline: TimelineEntry[]; dropped: TimelineEntry[] } | null {
  const withAll = { ...s, timeline: [...s.timeline, e] };
  if (valid(withAll)) return null;
  // Entries at the same millisecond count as later: the live action is what ran (the sort in
  // normalizeScenario is stable, so it stays ahead of them).
  const timeline = [...s.timeline.filter((x) => x.atS < e.atS), e];
  if (!valid({ ...s, timeline })) return null;
  const dropped: TimelineEntry[] = [];
  for (const x of s.timeline.filter((y) => y.atS >= e.atS)) {
    if (valid({ ...s, timeline: [...timeline, x] })) timeline.push(x);
    else dropped.push(x);
  }
  return { timeline, dropped };
}

const scenarioSlice =
  (initial: Scenario): Slice<ScenarioSlice> =>
  (set, get) => {
    /**
     * The one gate every scenario edit goes through: the edit is applied to a copy, validated like
     * the engine validates it, and only then stored. A refused edit leaves the scenario (and the
     * run) as they were and says why, so no later edit inherits a poisoned scenario.
     */
    const commit = (
      edit: (draft: Scenario) => boolean | void | Scenario,
      restart: boolean,
      what: string,
    ): boolean => {
      let draft = structuredClone(get().scenario) as Scenario;
      const r = edit(draft);
      if (r === false) return false;
      if (typeof r === 'object') draft = structuredClone(r);
      let next: Scenario;
      try {
        next = normalizeScenario(draft);
      } catch (e) {
        get().pushNotice(`${what} refused, the scenario is unchanged: ${(e as Error).message}`);
        return false;
      }
      set((st) => {
        st.scenario = next;
        if (restart) st.runKey++;
      });
      return true;
    };
    return {
      scenario: initial,
      runKey: 0,
      setStrategy: (strategy) => {
        const before = get().scenario;
        if (before.strategy === strategy) return;
        const dropped = before.timeline.length;
        // Only Pub/Sub goes through the broker's log: elsewhere recovery reads the DB instead.
        const logToDb = strategy !== 'pubsub' && strategy !== 'polling' && before.recovery === 'log';
        commit(
          (d) => {
            d.strategy = strategy;
            if (logToDb) d.recovery = 'db';
            // Actions belong to the run they were taken in: server ids, drains and broker crashes
            // mean something else under another strategy.
            d.timeline = [];
          },
          true,
          'Strategy switch',
        );
        if (logToDb && get().scenario.strategy === strategy)
          get().pushNotice('Only Pub/Sub has a broker log: recovery now reads the DB instead.', 'info');
        if (dropped && get().scenario.strategy === strategy)
          get().pushNotice(
            `New strategy, new run from t = 0: the ${countActions(before.timeline)} of the previous run ${dropped === 1 ? 'was' : 'were'} cleared.`,
            'info',
          );
      },
      setField: (field, value) => {
        commit(
          (d) => {
            const v = sanitizeField(d, field, value);
            if (d[field] === v) return false;
            d[field] = v;
            // Fewer users than one room holds is not a valid workload: shrink the room with them.
            if (field === 'users' && d.roomSize > v) d.roomSize = Math.max(2, v);
          },
          true,
          'Edit',
        );
      },
      recordAction: (entry) => {
        const e: TimelineEntry = { ...entry, atS: roundActionTimeS(entry.atS) };
        if (e.server !== undefined && (e.action === 'add-server' || e.server < 0)) delete e.server;
        // A live action can pre-empt a scripted one later in the timeline (removing now the server
        // a scripted entry removes later): the engine refuses that later entry when its time
        // comes, so the scenario drops it too, and says so, rather than refusing what just ran.
        const fit = fitTimeline(get().scenario, e, (sc) => {
          try {
            normalizeScenario(sc);
            return true;
          } catch {
            return false;
          }
        });
        const ok = commit(
          (d) => {
            d.timeline = fit?.timeline ?? [...d.timeline, e];
          },
          false,
          'Action',
        );
        if (ok && fit?.dropped.length)
          get().pushNotice(
            `${fit.dropped.map(describeEntry).join(', ')} no longer ${fit.dropped.length === 1 ? 'applies' : 'apply'} after this action and ${fit.dropped.length === 1 ? 'was' : 'were'} dropped from the timeline.`,
            'info',
          );
        return ok;
      },
      clearTimeline: () => {
        commit((d) => (d.timeline.length === 0 ? false : void (d.timeline = [])), true, 'Clear');
      },
      setTimeline: (entries) => {
        commit(
          (d) => {
            d.timeline = entries;
          },
          false,
          'Rewind',
        );
      },
      replaceScenario: (s) => commit(() => s, true, 'Scenario'),
      reset: () =>
        set((st) => {
          st.runKey++;
        }),
    };
  };

const playbackSlice: Slice<PlaybackSlice> = (set) => ({
  playing: true,
  speed: DEFAULT_SPEED,
  setPlaying: (p) =>
    set((st) => {
      st.playing = p;
    }),
  togglePlaying: () =>
    set((st) => {
      st.playing = !st.playing;
    }),
  setSpeed: (speed) =>
    set((st) => {
      if (Number.isFinite(speed) && speed > 0) st.speed = clamp(speed, SPEEDS[0], SPEEDS[SPEEDS.length - 1]!);
    }),
});

const selectionSlice: Slice<SelectionSlice> = (set) => ({
  selectedServer: null,
  selectServer: (id) =>
    set((st) => {
      st.selectedServer = id;
    }),
});

let noticeIds = 1;
const MAX_NOTICES = 4;

const uiSlice: Slice<UiSlice> = (set) => ({
  notices: [],
  showHelp: false,
  pushNotice: (text, tone = 'warn') =>
    set((st) => {
      if (st.notices.some((n) => n.text === text)) return;
      st.notices.push({ id: noticeIds++, tone, text });
      if (st.notices.length > MAX_NOTICES) st.notices.splice(0, st.notices.length - MAX_NOTICES);
    }),
  dismissNotice: (id) =>
    set((st) => {
      st.notices = st.notices.filter((n) => n.id !== id);
    }),
  setShowHelp: (v) =>
    set((st) => {
      st.showHelp = v;
    }),
});

const summarySlice: Slice<SummarySlice> = (set) => ({
  summary: null,
  setSummary: (s) =>
    set((st) => {
      st.summary = s;
    }),
});

export interface StoreInit {
  scenario?: Scenario;
  notices?: string[];
  playing?: boolean;
  speed?: number;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(init: StoreInit = {}): AppStore {
  const store = createStore<AppState>()(
    immer((...a) => ({
      ...scenarioSlice(structuredClone(init.scenario ?? DEFAULT_SCENARIO))(...a),
      ...playbackSlice(...a),
      ...selectionSlice(...a),
      ...uiSlice(...a),
      ...summarySlice(...a),
    })),
  );
  const st = store.getState();
  if (init.playing !== undefined) st.setPlaying(init.playing);
  if (init.speed !== undefined) st.setSpeed(init.speed);
  for (const n of init.notices ?? []) st.pushNotice(n);
  return store;
}
