/**
 * What a first visit has seen, remembered in localStorage (a private window or a blocked storage
 * simply shows the card again: never an error).
 */
import { useSyncExternalStore } from 'react';

export const WELCOME_KEY = 'hopscope.welcome';
export const CRASH_HINT_KEY = 'hopscope.crashHint';

const listeners = new Set<() => void>();
const memory = new Map<string, string>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key) ?? memory.get(key) ?? null;
  } catch {
    return memory.get(key) ?? null;
  }
}

export function remember(key: string, value = 'seen'): void {
  memory.set(key, value);
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* storage blocked: remembered for this page only */
  }
  for (const l of listeners) l();
}

/** True once `key` has been remembered (re-renders when it is). */
export function useSeen(key: string): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => read(key) !== null,
    () => true,
  );
}
