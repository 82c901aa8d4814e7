/**
 * Messages between the page and the compare worker, which runs one workload through all four
 * strategies in lockstep. Plain data only (structured clone).
 */
import type { ActionKind, ActionReport, LiveSnapshot, Scenario, SeriesRow, Strategy } from '../engine';

export type ToCompare =
  | { type: 'init'; runId: number; scenario: Scenario; playing: boolean; speed: number }
  | { type: 'play'; playing: boolean }
  | { type: 'speed'; speed: number }
  /** Applied to every strategy at the same simulated time. */
  | { type: 'act'; kind: ActionKind; server?: number }
  | { type: 'ack'; seq: number };

export interface CompareLane {
  strategy: Strategy;
  scenario: Scenario;
  live: LiveSnapshot;
  /** Series rows completed since the previous frame. */
  series: SeriesRow[];
}

export interface CompareFrame {
  type: 'frame';
  runId: number;
  seq: number;
  /** Simulated time all four lanes have reached. */
  nowUs: number;
  playing: boolean;
  /** Simulated seconds per wall second achieved recently (0 when paused). */
  achievedSpeed: number;
  lanes: CompareLane[];
}

export type FromCompare =
  | CompareFrame
  /** `crashed`: an exception escaped the engine mid-run (not a refused scenario). */
  | { type: 'error'; runId: number; message: string; crashed?: true }
  | { type: 'acted'; runId: number; kind: ActionKind; atS: number; reports: (ActionReport | null)[] };
