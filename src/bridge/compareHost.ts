/**
 * Worker-side host for compare mode: four simulations of one workload, one per strategy, advanced
 * in lockstep so every lane shows the same simulated moment and an action lands on all four at the
 * same simulated time. Clock, factory and postMessage are injected so tests drive it in-process.
 */
import { STRATEGIES } from '../engine/scenario';
import type { ActionKind, Scenario, SeriesRow, Strategy } from '../engine';
import type { HostSim } from './host';
import type { CompareLane, FromCompare, ToCompare } from './compareProtocol';

export interface CompareHostOptions {
  now: () => number;
  create: (scenario: Scenario) => HostSim;
  post: (msg: FromCompare) => void;
  /** Wall ms one tick may spend simulating (keeps the worker responsive to messages). */
  tickBudgetMs?: number;
  /** Wall ms between frames at most (frames also wait for the page's ack). */
  frameEveryMs?: number;
}

interface Lane {
  strategy: Strategy;
  sim: HostSim;
  cursor: number;
}

const CHUNK_EVENTS = 4000;
/** A hidden tab or a long GC counts as at most this much wall time, so the run never sprints. */
const MAX_GAP_MS = 100;

export class CompareHost {
  private lanes: Lane[] = [];
  private runId = -1;
  private seq = 0;
  private playing = false;
  private speed = 1;
  private targetUs = 0;
  private lastWall: number | null = null;
  private lastFrameWall = -Infinity;
  private awaitingAck = false;
  private dirty = false;
  /** (wall ms, sim µs) pairs for the achieved speed. */
  private samples: number[] = [];
  private readonly opts: Required<CompareHostOptions>;

  constructor(opts: CompareHostOptions) {
    this.opts = { tickBudgetMs: 14, frameEveryMs: 200, ...opts };
  }

  get busy(): boolean {
    return this.lanes.length > 0 && (this.playing || (this.dirty && !this.awaitingAck));
  }

  /** Simulated time every lane has reached. */
  get nowUs(): number {
    return this.lanes.length ? Math.min(...this.lanes.map((l) => l.sim.nowUs)) : 0;
  }

  handle(msg: ToCompare): void {
    switch (msg.type) {
      case 'init':
        this.init(msg.runId, msg.scenario, msg.playing, msg.speed);
        break;
      case 'play':
        this.playing = msg.playing;
        this.lastWall = null;
        this.dirty = true;
        break;
      case 'speed':
        if (Number.isFinite(msg.speed) && msg.speed > 0) this.speed = msg.speed;
        break;
      case 'act':
        this.act(msg.kind, msg.server);
        break;
      case 'ack':
        if (msg.seq === this.seq) this.awaitingAck = false;
        break;
    }
  }

  /** An exception escaped a lane (serveWorker calls this): stop all four and say why. */
  fail(error: unknown): void {
    this.lanes = [];
    this.playing = false;
    const message = error instanceof Error ? error.message : String(error);
    this.opts.post({ type: 'error', runId: this.runId, message, crashed: true });
  }

  tick(): void {
    if (!this.lanes.length) return;
    const wall = this.opts.now();
    if (this.playing) {
      const gap = this.lastWall === null ? 0 : Math.min(MAX_GAP_MS, wall - this.lastWall);
      this.lastWall = wall;
      // The target only moves on once every lane has reached it: lanes never drift apart, and a
      // workload too heavy for the machine simply runs slower (the achieved speed says so).
      if (this.lanes.every((l) => l.sim.nowUs >= this.targetUs)) this.targetUs += gap * this.speed * 1000;
      this.advance(this.targetUs, wall + this.opts.tickBudgetMs);
      this.dirty = true;
      this.samples.push(wall, this.nowUs);
      while (this.samples.length > 2 && wall - this.samples[0]! > 1000) this.samples.splice(0, 2);
    }
    if (this.dirty && !this.awaitingAck && wall - this.lastFrameWall >= this.opts.frameEveryMs)
      this.sendFrame(wall);
  }

  private advance(untilUs: number, deadline: number): void {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const l of this.lanes) {
        if (l.sim.nowUs >= untilUs) continue;
        l.sim.runUntil(untilUs, CHUNK_EVENTS);
        progressed = true;
      }
      if (this.opts.now() >= deadline) return;
    }
  }

  private init(runId: number, scenario: Scenario, playing: boolean, speed: number): void {
    this.runId = runId;
    this.lanes = [];
    this.seq = 0;
    this.awaitingAck = false;
    this.targetUs = 0;
    this.lastWall = null;
    this.lastFrameWall = -Infinity;
    this.samples = [];
    this.playing = playing;
    this.speed = speed;
    try {
      this.lanes = STRATEGIES.map((strategy) => ({
        strategy,
        sim: this.opts.create({ ...scenario, strategy }),
        cursor: -1,
      }));
    } catch (e) {
      this.lanes = [];
      this.opts.post({ type: 'error', runId, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.dirty = true;
    this.sendFrame(this.opts.now());
  }

  private act(kind: ActionKind, server?: number): void {
    if (!this.lanes.length) return;
    // Bring every lane to the same instant first (a tick may have stopped between lanes).
    const at = Math.max(...this.lanes.map((l) => l.sim.nowUs));
    this.advance(at, Infinity);
    this.targetUs = Math.max(this.targetUs, at);
    const reports = this.lanes.map((l) => {
      try {
        return l.sim.act(kind, server);
      } catch {
        return null;
      }
    });
    this.opts.post({ type: 'acted', runId: this.runId, kind, atS: at / 1e6, reports });
    this.dirty = true;
  }

  private sendFrame(wall: number): void {
    const lanes: CompareLane[] = this.lanes.map((l) => {
      const live = l.sim.live();
      // The page draws from the series, never from traced hops: drop them so they do not pile up.
      l.sim.drainTrace();
      let series: SeriesRow[] = [];
      if (live.lastSecond && live.lastSecond.tS > l.cursor) {
        series = l.sim.series().filter((r) => r.tS > l.cursor);
        l.cursor = live.lastSecond.tS;
      }
      return { strategy: l.strategy, scenario: l.sim.scenario, live, series };
    });
    const s = this.samples;
    const n = s.length;
    const achieved =
      this.playing && n >= 4 && s[n - 2]! > s[0]! ? (s[n - 1]! - s[1]!) / 1000 / (s[n - 2]! - s[0]!) : 0;
    this.lastFrameWall = wall;
    this.awaitingAck = true;
    this.dirty = false;
    this.opts.post({
      type: 'frame',
      runId: this.runId,
      seq: ++this.seq,
      nowUs: this.nowUs,
      playing: this.playing,
      achievedSpeed: achieved,
      lanes,
    });
  }
}
