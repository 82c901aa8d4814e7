/**
 * Main-thread side of the bridge: starts the worker, sends intents, and keeps a latest-wins
 * mailbox that the frame loop empties once per animation frame. Acknowledging on consumption (not
 * on receipt) is the backpressure: a busy or hidden page simply gets fewer frames.
 */
import type { ActionKind, ActionReport, Result, Scenario } from '../engine';
import type { Frame, FromWorker, ToWorker } from './protocol';

export interface SimClientHandlers {
  onReady?(runId: number, scenario: Scenario): void;
  onError?(runId: number, field: string, message: string): void;
  /**
   * The engine stopped: an exception escaped it (`checkpointUs` is where restore() continues from)
   * or the worker itself failed (`checkpointUs` null: only a fresh start is possible).
   */
  onCrash?(message: string, checkpointUs: number | null): void;
}

/** What one animation frame takes out of the mailbox. */
export interface Delivery {
  frame: Frame;
  /** Every trace buffer received since the previous take, oldest first (none are dropped). */
  traces: Float64Array[];
  /** The sequence numbers of `traces`' hops, one array per trace buffer (same order and length). */
  traceSeqs: Uint32Array[];
}

interface WorkerLike {
  postMessage(msg: ToWorker): void;
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null;
  onerror?: ((e: ErrorEvent) => void) | null;
  terminate(): void;
}

export function spawnEngineWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hopscope-engine' });
}

/**
 * The Result of `scenario` run from t = 0 to its duration in a worker of its own (the live run is
 * not disturbed), as the CLI would print it for the same scenario and seed.
 */
export function resultInWorker(
  scenario: Scenario,
  factory: () => WorkerLike = spawnEngineWorker,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = factory();
    const finish = (): void => w.terminate();
    w.onmessage = (e) => {
      const msg = e.data;
      if (msg.type !== 'result') return;
      finish();
      if (msg.result) resolve(msg.result);
      else reject(new Error(msg.error ?? 'no result'));
    };
    w.onerror = (e) => {
      e.preventDefault();
      finish();
      reject(new Error(e.message || 'the engine worker failed'));
    };
    w.postMessage({ type: 'result', reqId: 1, scenario });
  });
}

export class SimClient {
  runId = 0;
  private worker: WorkerLike;
  private latest: Frame | null = null;
  private traces: Float64Array[] = [];
  private traceSeqs: Uint32Array[] = [];
  private reqNext = 1;
  private readonly pending = new Map<number, (r: ActionReport | null, error?: string) => void>();

  constructor(
    private readonly handlers: SimClientHandlers = {},
    private readonly factory: () => WorkerLike = spawnEngineWorker,
  ) {
    this.worker = this.spawn();
  }

  private spawn(): WorkerLike {
    const w = this.factory();
    w.onmessage = (e) => this.receive(e.data);
    // What the worker's own guard cannot catch (a module that fails to load, an error outside a
    // tick): the worker's state is unknown, so only a fresh worker and a fresh start are offered.
    w.onerror = (e) => {
      e.preventDefault();
      this.handlers.onCrash?.(e.message || 'the engine worker failed', null);
    };
    return w;
  }

  /** A fresh worker (after it failed); the caller starts a run with init(). */
  respawn(): void {
    this.worker.terminate();
    this.latest = null;
    this.traces = [];
    this.traceSeqs = [];
    for (const resolve of this.pending.values()) resolve(null, 'run replaced');
    this.pending.clear();
    this.worker = this.spawn();
  }

  /** After a crash: continue, paused, from the newest checkpoint the worker holds. */
  restore(): void {
    this.latest = null;
    this.traces = [];
    this.traceSeqs = [];
    this.worker.postMessage({ type: 'restore' });
  }

  /** Starts a fresh run; frames of earlier runs are ignored from now on. */
  init(scenario: Scenario, playing: boolean, speed: number): number {
    this.runId++;
    this.latest = null;
    this.traces = [];
    this.traceSeqs = [];
    for (const resolve of this.pending.values()) resolve(null, 'run replaced');
    this.pending.clear();
    this.worker.postMessage({ type: 'init', runId: this.runId, scenario, playing, speed });
    return this.runId;
  }

  setPlaying(playing: boolean): void {
    this.worker.postMessage({ type: 'play', playing });
  }

  setSpeed(speed: number): void {
    this.worker.postMessage({ type: 'speed', speed });
  }

  step(): void {
    this.worker.postMessage({ type: 'step' });
  }

  /** Rewind: pause and move the run to simulated time `tUs` (see the worker host). */
  seek(tUs: number): void {
    this.worker.postMessage({ type: 'seek', tUs });
  }

  act(kind: ActionKind, server?: number): Promise<{ report: ActionReport | null; error?: string }> {
    const reqId = this.reqNext++;
    return new Promise((resolve) => {
      this.pending.set(reqId, (report, error) => resolve(error ? { report, error } : { report }));
      this.worker.postMessage(
        server === undefined ? { type: 'act', reqId, kind } : { type: 'act', reqId, kind, server },
      );
    });
  }

  /** Takes the newest frame (and all traces since the last take) and acknowledges it. */
  take(): Delivery | null {
    const frame = this.latest;
    if (!frame) return null;
    const traces = this.traces;
    const traceSeqs = this.traceSeqs;
    this.latest = null;
    this.traces = [];
    this.traceSeqs = [];
    this.worker.postMessage({ type: 'ack', seq: frame.seq });
    return { frame, traces, traceSeqs };
  }

  dispose(): void {
    this.worker.terminate();
    this.pending.clear();
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'result' || msg.runId !== this.runId) return;
    switch (msg.type) {
      case 'ready':
        this.handlers.onReady?.(msg.runId, msg.scenario);
        break;
      case 'error':
        this.handlers.onError?.(msg.runId, msg.field, msg.message);
        break;
      case 'crashed':
        for (const resolve of this.pending.values()) resolve(null, 'the engine stopped');
        this.pending.clear();
        this.handlers.onCrash?.(msg.message, msg.checkpointUs);
        break;
      case 'acted': {
        const resolve = this.pending.get(msg.reqId);
        this.pending.delete(msg.reqId);
        resolve?.(msg.report, msg.error);
        break;
      }
      case 'frame': {
        const prev = this.latest;
        // After a seek the unread past is void: its series and dots belong to the abandoned present.
        if (msg.reset) {
          this.traces = [];
          this.traceSeqs = [];
        }
        // Latest wins, but one-off payloads of an unread frame must survive it.
        if (prev && msg.reset) {
          if (!msg.ring && prev.ring) msg.ring = prev.ring;
          if (!msg.sample && prev.sample) msg.sample = prev.sample;
        } else if (prev) {
          if (prev.reset) msg.reset = true;
          if (!msg.ring && prev.ring) msg.ring = prev.ring;
          if (!msg.sample && prev.sample) msg.sample = prev.sample;
          if (prev.series.length) msg.series = [...prev.series, ...msg.series];
        }
        if (msg.trace.length) {
          this.traces.push(msg.trace);
          this.traceSeqs.push(msg.traceSeqs);
        }
        this.latest = msg;
        break;
      }
    }
  }
}
