/**
 * What the page knows when the engine stops: one line for the person at the projector and what a
 * restart can offer. Kept apart from the app store: it is not part of the scenario or the URL.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface EngineFailure {
  /** One line: the exception's first line, shortened. */
  message: string;
  /** Simulated second a restart continues from; null when only a fresh start is possible. */
  checkpointS: number | null;
}

export type FailureStore = StoreApi<{ current: EngineFailure | null }>;

export function createFailureStore(): FailureStore {
  return createStore(() => ({ current: null as EngineFailure | null }));
}

const MAX_CHARS = 140;

/** The first line of an error message, at most MAX_CHARS long, without a trailing full stop. */
export function oneLine(message: string): string {
  const first = (message.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim() || 'unknown error';
  const short = first.length > MAX_CHARS ? `${first.slice(0, MAX_CHARS - 1)}…` : first;
  return short.replace(/\.$/, '');
}
