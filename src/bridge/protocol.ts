/**
 * Messages between the page (main thread) and the engine worker. Plain data only: everything here
 * survives structured clone, and the trace buffer is transferred, not copied.
 */
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

/** Main thread → worker. */
export type ToWorker =
  /** Starts a fresh run (strategy switch, slider change, reset). Frames of older runs are stale. */
  | { type: 'init'; runId: number; scenario: Scenario; playing: boolean; speed: number }
  | { type: 'play'; playing: boolean }
  | { type: 'speed'; speed: number }
  /** Advances a short, paced stretch of simulated time while paused. */
  | { type: 'step' }
  | { type: 'act'; reqId: number; kind: ActionKind; server?: number }
  /**
   * Rewind: pauses and moves the run to simulated time `tUs` (clamped to [0, head]) by restoring a
   * checkpoint and re-running; the old future is kept until Play or an action forks a new one.
   */
  | { type: 'seek'; tUs: number }
  /** The page consumed frame `seq`; the worker sends the next one only after this (backpressure). */
  | { type: 'ack'; seq: number }
  /**
   * After a crash: continue, paused, from the newest checkpoint (actions taken after it are dropped,
   * a fork as after a rewind).
   */
  | { type: 'restore' }
  /**
   * Runs `scenario` from t = 0 to its duration, headless, exactly as the CLI does, and answers with
   * its Result ("Save result…"). Sent to a worker of its own so the live run keeps going.
   */
  | { type: 'result'; reqId: number; scenario: Scenario };

/** What the pacer says about its own progress. */
export interface PaceReport {
  playing: boolean;
  /** Requested simulated seconds per wall second. */
  requestedSpeed: number;
  /** Measured over the last second of wall time (0 when paused). */
  achievedSpeed: number;
  /** True when the event budget, not the clock, limited the last ticks. */
  behind: boolean;
  /** Sim µs per wall ms the page should extrapolate with between frames. */
  rateUsPerMs: number;
}

export interface Frame {
  type: 'frame';
  runId: number;
  seq: number;
  live: LiveSnapshot;
  pace: PaceReport;
  /** Traced hops since the previous frame, TRACE_STRIDE numbers each (transferred). */
  trace: Float64Array;
  /** Each traced hop's room sequence number, same order as `trace` (0: carries none; transferred). */
  traceSeqs: Uint32Array;
  /** Series rows completed since the previous frame. */
  series: SeriesRow[];
  /** Present when membership changed since the previous frame. */
  ring?: RingView;
  /** Present every few hundred ms of wall time and after a membership change. */
  sample?: SampleView;
  /** How far this branch of the run has gone (the rewind scrubber's end) and checkpoints held. */
  history?: { headUs: number; checkpoints: number };
  /** Set on the first frame after a seek: drop earlier series rows and dots (`series` is whole). */
  reset?: true;
}

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready'; runId: number; scenario: Scenario }
  | { type: 'error'; runId: number; field: string; message: string }
  /**
   * An exception escaped the engine mid-run. The world it was updating is dropped (it may be half
   * updated); `checkpointUs` is where a restore would continue from, null when there is none.
   */
  | { type: 'crashed'; runId: number; message: string; checkpointUs: number | null }
  | Frame
  | { type: 'acted'; runId: number; reqId: number; report: ActionReport | null; error?: string }
  | { type: 'result'; reqId: number; result: Result | null; error?: string };
