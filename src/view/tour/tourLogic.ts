/**
 * Pure pieces of the guided tours: deep links (`?tour=consistent-hashing&step=2`, 1-based steps,
 * `present=1`) and what a step needs when it is opened out of order (a deep link or Back): the
 * scenario and speed the earlier steps would have left running.
 */
import { CHAPTERS, chapterById, type Chapter, type Measure, type TourStep } from '../../content/tours';
import type { ScenarioInput } from '../../bridge/engine';

export interface TourLink {
  chapterId: string | null;
  /** 0-based step index. */
  step: number;
  present: boolean;
}

export function parseTourLink(search: string): TourLink {
  const q = new URLSearchParams(search);
  const id = q.get('tour');
  const ch = id ? chapterById(id) : undefined;
  const raw = Number(q.get('step') ?? '1');
  const step = ch && Number.isInteger(raw) ? Math.min(Math.max(raw, 1), ch.steps.length) - 1 : 0;
  const p = q.get('present');
  return { chapterId: ch ? ch.id : null, step, present: p === '1' || p === 'true' };
}

/** Rewrites only the tour keys of a query string, keeping everything else in place. */
export function withTourLink(search: string, link: TourLink): string {
  const q = new URLSearchParams(search);
  if (link.chapterId) {
    q.set('tour', link.chapterId);
    q.set('step', String(link.step + 1));
  } else {
    q.delete('tour');
    q.delete('step');
  }
  if (link.present) q.set('present', '1');
  else q.delete('present');
  const s = q.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',');
  return s ? `?${s}` : '';
}

/** The scenario in force at step `i`: its own, or the latest one an earlier step set. */
export function effectiveScenario(ch: Chapter, i: number): ScenarioInput | null {
  for (let k = Math.min(i, ch.steps.length - 1); k >= 0; k--) {
    const s = ch.steps[k]!.scenario;
    if (s) return s;
  }
  return null;
}

/** The speed in force at step `i` (1 when no step up to it sets one). */
export function effectiveSpeed(ch: Chapter, i: number): number {
  for (let k = Math.min(i, ch.steps.length - 1); k >= 0; k--) {
    const v = ch.steps[k]!.speed;
    if (v !== undefined) return v;
  }
  return 1;
}

export type Phase = 'loading' | 'asking' | 'running' | 'revealed';

/** Where a step stands: waiting for a guess, playing towards the reveal, or showing the answer. */
export interface StepState {
  phase: Phase;
  choice: number | null;
  measured: number | null;
  /** The simulation's own answer (closest choice to the measurement). */
  simAnswer: number | null;
}

export function initialPhase(step: TourStep, needsNewRun: boolean): Phase {
  if (needsNewRun) return 'loading';
  return step.question ? 'asking' : 'running';
}

export const chapterIndex = (id: string) => CHAPTERS.findIndex((c) => c.id === id);

/** A measured answer in the question's own unit. */
export function formatMeasured(m: Measure, v: number): string {
  switch (m) {
    case 'emptyPollShare':
    case 'reconnectShare':
      return `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %`;
    case 'dbReadsPerS':
      return `${v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')} reads/s`;
    case 'latencyP50Ms':
      return `${v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')} ms`;
    case 'lostDeliveries':
      return `${Math.round(v).toLocaleString('en-US')} lost`;
    case 'connectionsMoved':
      return `${Math.round(v).toLocaleString('en-US')} reconnects`;
    case 'redeliveries':
      return `${Math.round(v).toLocaleString('en-US')} copies resent`;
    case 'busPerPublish':
      return `${v.toFixed(2)} bus messages per publish`;
    case 'detectionMeanS':
      return `${v.toFixed(1)} s on average`;
    case 'connectDropped':
      return `${Math.round(v).toLocaleString('en-US')} attempts dropped`;
    case 'bufferDisconnects':
      return `cut off ${Math.round(v).toLocaleString('en-US')} time${Math.round(v) === 1 ? '' : 's'}`;
    case 'hottestShardShare':
      return `${(v * 100).toFixed(1)} % of broker traffic`;
  }
}
