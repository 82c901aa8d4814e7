/**
 * The worker-side host: owns one simulation, paces it (see pacer.ts), and turns its state into
 * frames for the page. Framework- and worker-free: the worker injects the clock, the factory and
 * `postMessage`, so tests drive it in-process.
 *
 * Frames are latest-wins with acknowledgements: at most one frame is in flight; traced hops that
 * pile up meanwhile are merged into the next frame, trimmed to what the page can still show.
 */
import { ScenarioError, TRACE_STRIDE } from '../engine';
import type {
  ActionKind,
  ActionReport,
  LiveSnapshot,
  Result,
  RingView,
  SampleView,
  Scenario,
  SeriesRow,
} from '../engine';
import { CheckpointStore, checkpointLimit, guessBytesPerCopy } from './checkpoints';
import { Pacer, type PacedSim } from './pacer';
import type { Frame, FromWorker, ToWorker } from './protocol';

/** The part of the engine's Simulation the host uses. */
export interface HostSim extends PacedSim {
  readonly scenario: Scenario;
  act(kind: ActionKind, server?: number): ActionReport;
  live(): LiveSnapshot;
  drainTrace(): Float64Array;
  /** Room sequence number of each record the last drainTrace() returned (0: none); optional. */
  traceSeqs?(): Uint32Array;
  ringView(): RingView;
  sampleView(): SampleView;
  series(): SeriesRow[];
  /** Series rows that start after simulated second `tS` (a cursor; cheaper than `series()`). */
  seriesAfter?(tS: number): SeriesRow[];
  /** Bytes the world's stores hold: what one checkpoint copies (sizes the checkpoint budget). */
  memoryBytes?(): number;
  /** A deep copy that runs on exactly as this one would (rewind); without it there is no rewind. */
  checkpoint?(): HostSim;
  /** Events run so far: replays an action after exactly as many events as it originally followed. */
  readonly events?: number;
}

/** An action taken live on the current branch of the run, kept so a re-run can repeat it. */
interface BranchAction {
  atUs: number;
  events: number;
  kind: ActionKind;
  server?: number;
}

interface Saved {
  sim: HostSim;
  /** Branch actions already applied to `sim`. */
  applied: number;
}

export interface HostOptions {
  now: () => number;
  create: (scenario: Scenario) => HostSim;
  post: (msg: FromWorker, transfer?: Transferable[]) => void;
  /** A headless run to the scenario's duration (the CLI's runHeadless); without it, no results. */
  runToEnd?: (scenario: Scenario) => Result;
  /** Most traced hops one frame carries (the newest win). */
  maxTraceRecords?: number;
  /** Wall ms between sample views (connection states change continuously). */
  sampleEveryMs?: number;
  /** Series rows kept for the page per frame at most. */
  maxSeriesRows?: number;
  /** Simulated µs between rewind checkpoints at least. */
  checkpointEveryUs?: number;
  /**
   * Share of wall time copying checkpoints may take at most: after a copy that took C ms the next
   * waits C ÷ share wall ms (and `checkpointEveryUs` simulated), so a big world is copied rarely
   * and a small one often, and the run keeps its speed either way.
   */
  maxCopyShare?: number;
  /** Checkpoints kept at most (default: what a memory budget allows for the world's size). */
  maxCheckpoints?: number;
  /** Wall ms one tick of a seek's re-run may spend (the worker stays responsive to messages). */
  seekBudgetMs?: number;
  pacer?: ConstructorParameters<typeof Pacer>[0];
}

export class SimHost {
  readonly pacer: Pacer;
  private sim: HostSim | null = null;
  private runId = -1;
  private seq = 0;
  private awaitingAck = false;
  private dirty = false;
  private traceChunks: Float64Array[] = [];
  /** Sequence numbers of `traceChunks`' records, one array per chunk (same order). */
  private seqChunks: Uint32Array[] = [];
  private traceLen = 0;
  private seriesCursor = -1;
  private sentRingVersion = -1;
  private lastSampleWall = -Infinity;
  private checkpoints: CheckpointStore<Saved> | null = null;
  /** Wall ms the last checkpoint copy took, and when it ended. */
  private copyCostMs = 0;
  private lastTickLimited = false;
  private lastCopyWall = -Infinity;
  private actions: BranchAction[] = [];
  /** Branch actions applied to the running simulation. */
  private applied = 0;
  /** Furthest simulated time this branch has reached. */
  private headUs = 0;
  private seekTargetUs: number | null = null;
  private resetPending = false;
  private readonly opts: Required<Omit<HostOptions, 'pacer' | 'maxCheckpoints' | 'runToEnd'>> &
    Pick<HostOptions, 'maxCheckpoints' | 'runToEnd'>;

  constructor(opts: HostOptions) {
    this.opts = {
      maxTraceRecords: 8000,
      sampleEveryMs: 250,
      maxSeriesRows: 900,
      checkpointEveryUs: 5_000_000,
      maxCopyShare: 0.03,
      seekBudgetMs: 12,
      ...opts,
    };
    this.pacer = new Pacer(opts.pacer ?? { now: opts.now });
  }

  get hasRun(): boolean {
    return this.sim !== null;
  }

  /** Whether the worker should keep ticking soon (playing, stepping, or a frame to send). */
  get busy(): boolean {
    return (
      this.sim !== null &&
      (this.pacer.active || this.seekTargetUs !== null || (this.dirty && !this.awaitingAck))
    );
  }

  /** The last tick was cut short by its wall budget (running flat out, or re-running a seek). */
  get saturated(): boolean {
    return this.sim !== null && (this.lastTickLimited || this.seekTargetUs !== null);
  }

  /** Simulated times of the checkpoints held (tests and diagnostics). */
  get checkpointTimesUs(): number[] {
    return this.checkpoints?.times ?? [];
  }

  get historyHeadUs(): number {
    return this.headUs;
  }

  get seeking(): boolean {
    return this.seekTargetUs !== null;
  }

  handle(msg: ToWorker): void {
    switch (msg.type) {
      case 'init':
        this.init(msg.runId, msg.scenario, msg.playing, msg.speed);
        break;
      case 'play':
        if (msg.playing) this.forkIfInPast();
        this.pacer.setPlaying(msg.playing);
        this.dirty = true;
        break;
      case 'speed':
        this.pacer.setSpeed(msg.speed);
        this.dirty = true;
        break;
      case 'step':
        if (this.sim && this.seekTargetUs === null) {
          this.forkIfInPast();
          this.pacer.step(this.sim);
        }
        break;
      case 'seek':
        this.seek(msg.tUs);
        break;
      case 'act':
        this.act(msg.reqId, msg.kind, msg.server);
        break;
      case 'ack':
        if (msg.seq === this.seq) this.awaitingAck = false;
        break;
      case 'restore':
        this.restore();
        break;
      case 'result':
        this.result(msg.reqId, msg.scenario);
        break;
    }
  }

  /**
   * An exception escaped the engine (serveWorker calls this). The running world may be half
   * updated, so it is dropped; checkpoints are deep copies taken between ticks and stay usable.
   */
  fail(error: unknown): void {
    this.sim = null;
    this.seekTargetUs = null;
    this.pacer.setPlaying(false);
    this.traceChunks = [];
    this.seqChunks = [];
    this.traceLen = 0;
    const cp = this.checkpoints?.atOrBefore(Infinity) ?? null;
    const message = error instanceof Error ? error.message : String(error);
    this.opts.post({ type: 'crashed', runId: this.runId, message, checkpointUs: cp ? cp.atUs : null });
  }

  private result(reqId: number, scenario: Scenario): void {
    const run = this.opts.runToEnd;
    if (!run) {
      this.opts.post({ type: 'result', reqId, result: null, error: 'this worker cannot run headless' });
      return;
    }
    try {
      this.opts.post({ type: 'result', reqId, result: run(scenario) });
    } catch (e) {
      this.opts.post({
        type: 'result',
        reqId,
        result: null,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Continues, paused, from the newest checkpoint; the branch's later actions are forgotten. */
  private restore(): void {
    const cps = this.checkpoints;
    const cp = cps?.atOrBefore(Infinity) ?? null;
    if (!cps || !cp?.state.sim.checkpoint) {
      this.opts.post({
        type: 'crashed',
        runId: this.runId,
        message: 'no checkpoint to restart from',
        checkpointUs: null,
      });
      return;
    }
    this.sim = cp.state.sim.checkpoint();
    this.applied = cp.state.applied;
    this.actions.length = this.applied;
    cps.truncateAfter(cp.atUs);
    this.headUs = cp.atUs;
    this.seekTargetUs = null;
    this.pacer.setPlaying(false);
    this.pacer.stepTargetUs = null;
    this.sim.drainTrace();
    this.seriesCursor = -1;
    this.sentRingVersion = -1;
    this.lastSampleWall = -Infinity;
    this.resetPending = true;
    this.awaitingAck = false;
    this.dirty = true;
    this.sendFrame(this.sim);
  }

  /** One scheduling quantum: advance the simulation, collect its output, maybe send a frame. */
  tick(): void {
    if (!this.sim) return;
    if (this.seekTargetUs !== null) {
      this.advanceSeek();
    } else {
      const sim = this.sim;
      const r = this.pacer.tick(sim);
      this.lastTickLimited = r.limited;
      if (r.events > 0 || this.pacer.active) {
        this.collectTrace(sim);
        this.dirty = true;
      }
      this.maybeCheckpoint(sim);
    }
    if (this.dirty && !this.awaitingAck && this.seekTargetUs === null) this.sendFrame(this.sim);
  }

  /**
   * Takes a checkpoint when this branch reaches new simulated time far enough past the last one,
   * and enough wall time has passed to keep copying within `maxCopyShare` of it.
   */
  private maybeCheckpoint(sim: HostSim): void {
    if (sim.nowUs > this.headUs) this.headUs = sim.nowUs;
    const cps = this.checkpoints;
    if (!cps || !sim.checkpoint) return;
    if (sim.nowUs < cps.newestUs + this.opts.checkpointEveryUs) return;
    const t0 = this.opts.now();
    if (cps.size > 0 && t0 - this.lastCopyWall < this.copyCostMs / this.opts.maxCopyShare) return;
    cps.add(sim.nowUs, { sim: sim.checkpoint(), applied: this.applied });
    this.lastCopyWall = this.opts.now();
    this.copyCostMs = this.lastCopyWall - t0;
    // The world grows as it runs (queues fill): re-size the store from what a copy now holds.
    if (this.opts.maxCheckpoints === undefined) cps.max = checkpointLimit(this.bytesPerCopy(sim));
  }

  private bytesPerCopy(sim: HostSim): number {
    return sim.memoryBytes ? sim.memoryBytes() : guessBytesPerCopy(sim.scenario.users);
  }

  /** Playing or acting from the past starts a new future: the old one's checkpoints and actions go. */
  private forkIfInPast(): void {
    const sim = this.sim;
    if (!sim || this.seekTargetUs !== null || sim.nowUs >= this.headUs) return;
    this.checkpoints?.truncateAfter(sim.nowUs);
    this.actions.length = this.applied;
    this.headUs = sim.nowUs;
  }

  private seek(tUs: number): void {
    const sim = this.sim;
    const cps = this.checkpoints;
    if (!sim || !cps || !Number.isFinite(tUs)) return;
    this.pacer.setPlaying(false);
    this.pacer.stepTargetUs = null;
    const target = Math.max(0, Math.min(Math.round(tUs), this.headUs));
    // Forward on the same branch: keep running the world we have. Backward: restore and re-run.
    if (!(this.seekTargetUs === null && target >= sim.nowUs)) {
      const cp = cps.atOrBefore(target);
      if (!cp) return;
      this.sim = cp.state.sim.checkpoint!();
      this.applied = cp.state.applied;
    }
    this.seekTargetUs = target;
    this.advanceSeek();
  }

  /** Re-runs towards the seek target for at most one tick's wall budget, repeating branch actions. */
  private advanceSeek(): void {
    const target = this.seekTargetUs;
    const sim = this.sim;
    if (target === null || !sim) return;
    const t0 = this.opts.now();
    const chunk = 20_000;
    for (;;) {
      const next = this.actions[this.applied];
      if (next && next.atUs <= target) {
        const ran = sim.events;
        if (ran !== undefined && ran < next.events) {
          sim.runUntil(next.atUs + 1, Math.min(chunk, next.events - ran));
        } else {
          if (sim.nowUs < next.atUs) sim.runUntil(next.atUs, chunk);
          if (sim.nowUs >= next.atUs) {
            sim.act(next.kind, next.server);
            this.applied++;
          }
        }
      } else {
        const ran = sim.runUntil(target, chunk);
        if (ran < chunk && sim.nowUs >= target) break;
      }
      if (this.opts.now() - t0 >= this.opts.seekBudgetMs) return;
    }
    // Arrived: what the page holds belongs to the abandoned present, so the next frame replaces it.
    this.seekTargetUs = null;
    sim.drainTrace();
    this.traceChunks = [];
    this.seqChunks = [];
    this.traceLen = 0;
    this.seriesCursor = -1;
    this.sentRingVersion = -1;
    this.lastSampleWall = -Infinity;
    this.resetPending = true;
    this.dirty = true;
    this.pacer.restartClock();
  }

  private init(runId: number, scenario: Scenario, playing: boolean, speed: number): void {
    this.runId = runId;
    this.sim = null;
    this.resetOutputs();
    try {
      this.sim = this.opts.create(scenario);
    } catch (e) {
      const field = e instanceof ScenarioError ? e.field : 'scenario';
      this.opts.post({ type: 'error', runId, field, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.pacer.reset(playing, speed);
    this.actions = [];
    this.applied = 0;
    this.headUs = 0;
    this.seekTargetUs = null;
    this.checkpoints = new CheckpointStore(
      this.opts.maxCheckpoints ?? checkpointLimit(this.bytesPerCopy(this.sim)),
    );
    this.copyCostMs = 0;
    this.lastCopyWall = -Infinity;
    this.maybeCheckpoint(this.sim);
    this.opts.post({ type: 'ready', runId, scenario: this.sim.scenario });
    this.dirty = true;
    this.sendFrame(this.sim);
  }

  private resetOutputs(): void {
    this.seq = 0;
    this.awaitingAck = false;
    this.dirty = false;
    this.traceChunks = [];
    this.seqChunks = [];
    this.traceLen = 0;
    this.seriesCursor = -1;
    this.sentRingVersion = -1;
    this.lastSampleWall = -Infinity;
    this.resetPending = false;
  }

  private act(reqId: number, kind: ActionKind, server?: number): void {
    const sim = this.sim;
    if (!sim) {
      this.opts.post({ type: 'acted', runId: this.runId, reqId, report: null, error: 'no simulation' });
      return;
    }
    if (this.seekTargetUs !== null) {
      this.opts.post({ type: 'acted', runId: this.runId, reqId, report: null, error: 'still rewinding' });
      return;
    }
    this.forkIfInPast();
    try {
      const events = sim.events ?? 0;
      const report = sim.act(kind, server);
      this.actions.push(
        server === undefined ? { atUs: sim.nowUs, events, kind } : { atUs: sim.nowUs, events, kind, server },
      );
      this.applied = this.actions.length;
      this.opts.post({ type: 'acted', runId: this.runId, reqId, report });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.opts.post({ type: 'acted', runId: this.runId, reqId, report: null, error });
    }
    this.collectTrace(sim);
    this.dirty = true;
  }

  private collectTrace(sim: HostSim): void {
    const t = sim.drainTrace();
    if (t.length === 0) return;
    const n = t.length / TRACE_STRIDE;
    const seqs = sim.traceSeqs?.();
    this.traceChunks.push(t);
    this.seqChunks.push(seqs && seqs.length === n ? seqs : new Uint32Array(n));
    this.traceLen += t.length;
    // Bound memory while no ack comes (a hidden tab): keep roughly the newest records.
    const cap = this.opts.maxTraceRecords * TRACE_STRIDE * 2;
    while (this.traceLen > cap && this.traceChunks.length > 1) {
      this.traceLen -= this.traceChunks.shift()!.length;
      this.seqChunks.shift();
    }
  }

  /**
   * Hops that ended long before now can no longer be drawn (the page shows a moment just behind
   * the worker's clock), so they are dropped here rather than shipped.
   */
  private takeTrace(nowUs: number): { trace: Float64Array; seqs: Uint32Array } {
    const keepUs = Math.max(2_000, this.pacer.speed * 400_000);
    const horizon = nowUs - keepUs;
    let n = 0;
    for (const c of this.traceChunks)
      for (let i = 0; i < c.length; i += TRACE_STRIDE) if (c[i + 4]! >= horizon) n++;
    const skip = Math.max(0, n - this.opts.maxTraceRecords);
    const out = new Float64Array((n - skip) * TRACE_STRIDE);
    const seqs = new Uint32Array(n - skip);
    let k = 0;
    let seen = 0;
    for (let ci = 0; ci < this.traceChunks.length; ci++) {
      const c = this.traceChunks[ci]!;
      const cs = this.seqChunks[ci]!;
      for (let i = 0; i < c.length; i += TRACE_STRIDE) {
        if (c[i + 4]! < horizon) continue;
        if (seen++ < skip) continue;
        out.set(c.subarray(i, i + TRACE_STRIDE), k);
        seqs[k / TRACE_STRIDE] = cs[i / TRACE_STRIDE] ?? 0;
        k += TRACE_STRIDE;
      }
    }
    this.traceChunks = [];
    this.seqChunks = [];
    this.traceLen = 0;
    return { trace: out, seqs };
  }

  private sendFrame(sim: HostSim): void {
    const live = sim.live();
    let series: SeriesRow[] = [];
    const last = live.lastSecond;
    if (last && last.tS > this.seriesCursor) {
      series = sim.seriesAfter
        ? sim.seriesAfter(this.seriesCursor)
        : sim.series().filter((r) => r.tS > this.seriesCursor);
      if (series.length > this.opts.maxSeriesRows) series = series.slice(-this.opts.maxSeriesRows);
      this.seriesCursor = last.tS;
    }
    const wall = this.opts.now();
    let ring: RingView | undefined;
    let sample: SampleView | undefined;
    if (live.ringVersion !== this.sentRingVersion) {
      ring = sim.ringView();
      this.sentRingVersion = live.ringVersion;
      sample = sim.sampleView();
      this.lastSampleWall = wall;
    } else if (wall - this.lastSampleWall >= this.opts.sampleEveryMs) {
      sample = sim.sampleView();
      this.lastSampleWall = wall;
    }
    const { trace, seqs: traceSeqs } = this.takeTrace(live.nowUs);
    const p = this.pacer;
    const achieved = p.achievedSpeed;
    const frame: Frame = {
      type: 'frame',
      runId: this.runId,
      seq: ++this.seq,
      live,
      pace: {
        playing: p.active,
        requestedSpeed: p.speed,
        achievedSpeed: achieved,
        behind: p.behind,
        rateUsPerMs: p.active ? (p.behind ? achieved : p.speed) * 1000 : 0,
      },
      trace,
      traceSeqs,
      series,
      history: { headUs: Math.max(this.headUs, live.nowUs), checkpoints: this.checkpoints?.size ?? 0 },
    };
    if (this.resetPending) {
      frame.reset = true;
      this.resetPending = false;
    }
    if (ring) frame.ring = ring;
    if (sample) frame.sample = sample;
    this.awaitingAck = true;
    this.dirty = false;
    this.opts.post(frame, [trace.buffer, traceSeqs.buffer]);
  }
}
