/**
 * State of the classroom features (guided tour, presenter mode, the last preset chosen). A small
 * store of its own: it changes a few times a minute, and keeping it apart from the app store
 * keeps the app store's slices about the simulation.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Phase } from './tourLogic';

export interface TourState {
  chapterId: string | null;
  step: number;
  phase: Phase;
  choice: number | null;
  measured: number | null;
  simAnswer: number | null;
  /** Bumps whenever a step is (re)opened, so the driver restarts it. */
  openSeq: number;
  /** Set by Back or a deep link: the step must rebuild the scenario earlier steps left running. */
  jumped: boolean;
  presenting: boolean;
  /** The preset whose "what to watch" sentence is showing, if any. */
  presetId: string | null;
}

export type TourStore = StoreApi<TourState>;

export function createTourStore(init: Partial<TourState> = {}): TourStore {
  return createStore<TourState>()(() => ({
    chapterId: null,
    step: 0,
    phase: 'loading',
    choice: null,
    measured: null,
    simAnswer: null,
    openSeq: 0,
    jumped: true,
    presenting: false,
    presetId: null,
    ...init,
  }));
}

/** Opens a chapter's step (a fresh guess, a fresh reveal). */
export function openStep(store: TourStore, chapterId: string, step: number, jumped: boolean): void {
  store.setState((s) => ({
    chapterId,
    step,
    phase: 'loading',
    choice: null,
    measured: null,
    simAnswer: null,
    openSeq: s.openSeq + 1,
    jumped,
  }));
}

export function closeTour(store: TourStore): void {
  store.setState((s) => ({ chapterId: null, step: 0, openSeq: s.openSeq + 1 }));
}
