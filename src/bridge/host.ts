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
  RingView,
  SampleView,
  Scenario,
  SeriesRow,
} from '../engine';
import { Pacer, type PacedSim } from './pacer';
import type { Frame, FromWorker, ToWorker } from './protocol';

/** The part of the engine's Simulation the host uses. */
export interface HostSim extends PacedSim {
  readonly scenario: Scenario;
  act(kind: ActionKind, server?: number): ActionReport;
  live(): LiveSnapshot;
  drainTrace(): Float64Array;
  ringView(): RingView;
  sampleView(): SampleView;
  series(): SeriesRow[];
}

export interface HostOptions {
  now: () => number;
  create: (scenario: Scenario) => HostSim;
  post: (msg: FromWorker, transfer?: Transferable[]) => void;
  /** Most traced hops one frame carries (the newest win). */
  maxTraceRecords?: number;
  /** Wall ms between sample views (connection states change continuously). */
  sampleEveryMs?: number;
  /** Series rows kept for the page per frame at most. */
  maxSeriesRows?: number;
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
  private traceLen = 0;
  private seriesCursor = -1;
  private sentRingVersion = -1;
  private lastSampleWall = -Infinity;
  private readonly opts: Required<Omit<HostOptions, 'pacer'>>;

  constructor(opts: HostOptions) {
    this.opts = { maxTraceRecords: 8000, sampleEveryMs: 250, maxSeriesRows: 900, ...opts };
    this.pacer = new Pacer(opts.pacer ?? { now: opts.now });
  }

  get hasRun(): boolean {
    return this.sim !== null;
  }

  /** Whether the worker should keep ticking soon (playing, stepping, or a frame to send). */
  get busy(): boolean {
    return this.sim !== null && (this.pacer.active || (this.dirty && !this.awaitingAck));
  }

  handle(msg: ToWorker): void {
    switch (msg.type) {
      case 'init':
        this.init(msg.runId, msg.scenario, msg.playing, msg.speed);
        break;
      case 'play':
        this.pacer.setPlaying(msg.playing);
        this.dirty = true;
        break;
      case 'speed':
        this.pacer.setSpeed(msg.speed);
        this.dirty = true;
        break;
      case 'step':
        if (this.sim) this.pacer.step(this.sim);
        break;
      case 'act':
        this.act(msg.reqId, msg.kind, msg.server);
        break;
      case 'ack':
        if (msg.seq === this.seq) this.awaitingAck = false;
        break;
    }
  }

  /** One scheduling quantum: advance the simulation, collect its output, maybe send a frame. */
  tick(): void {
    const sim = this.sim;
    if (!sim) return;
    const r = this.pacer.tick(sim);
    if (r.events > 0 || this.pacer.active) {
      this.collectTrace(sim);
      this.dirty = true;
    }
    if (this.dirty && !this.awaitingAck) this.sendFrame(sim);
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
    this.opts.post({ type: 'ready', runId, scenario: this.sim.scenario });
    this.dirty = true;
    this.sendFrame(this.sim);
  }

  private resetOutputs(): void {
    this.seq = 0;
    this.awaitingAck = false;
    this.dirty = false;
    this.traceChunks = [];
    this.traceLen = 0;
    this.seriesCursor = -1;
    this.sentRingVersion = -1;
    this.lastSampleWall = -Infinity;
  }

  private act(reqId: number, kind: ActionKind, server?: number): void {
    const sim = this.sim;
    if (!sim) {
      this.opts.post({ type: 'acted', runId: this.runId, reqId, report: null, error: 'no simulation' });
      return;
    }
    try {
      const report = sim.act(kind, server);
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
    this.traceChunks.push(t);
    this.traceLen += t.length;
    // Bound memory while no ack comes (a hidden tab): keep roughly the newest records.
    const cap = this.opts.maxTraceRecords * TRACE_STRIDE * 2;
    while (this.traceLen > cap && this.traceChunks.length > 1)
      this.traceLen -= this.traceChunks.shift()!.length;
  }

  /**
   * Hops that ended long before now can no longer be drawn (the page shows a moment just behind
   * the worker's clock), so they are dropped here rather than shipped.
   */
  private takeTrace(nowUs: number): Float64Array {
    const keepUs = Math.max(2_000, this.pacer.speed * 400_000);
    const horizon = nowUs - keepUs;
    let n = 0;
    for (const c of this.traceChunks)
      for (let i = 0; i < c.length; i += TRACE_STRIDE) if (c[i + 4]! >= horizon) n++;
    const skip = Math.max(0, n - this.opts.maxTraceRecords);
    const out = new Float64Array((n - skip) * TRACE_STRIDE);
    let k = 0;
    let seen = 0;
    for (const c of this.traceChunks) {
      for (let i = 0; i < c.length; i += TRACE_STRIDE) {
        if (c[i + 4]! < horizon) continue;
        if (seen++ < skip) continue;
        out.set(c.subarray(i, i + TRACE_STRIDE), k);
        k += TRACE_STRIDE;
      }
    }
    this.traceChunks = [];
    this.traceLen = 0;
    return out;
  }

  private sendFrame(sim: HostSim): void {
    const live = sim.live();
    let series: SeriesRow[] = [];
    const last = live.lastSecond;
    if (last && last.tS > this.seriesCursor) {
      series = sim.series().filter((r) => r.tS > this.seriesCursor);
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
    const trace = this.takeTrace(live.nowUs);
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
      series,
    };
    if (ring) frame.ring = ring;
    if (sample) frame.sample = sample;
    this.awaitingAck = true;
    this.dirty = false;
    this.opts.post(frame, [trace.buffer]);
  }
}
