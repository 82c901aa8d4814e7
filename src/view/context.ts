import { createContext, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/store';
import type { Controller } from './controller';

export interface AppServices {
  store: AppStore;
  controller: Controller;
}

export const AppContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(AppContext);
  if (!s) throw new Error('AppContext missing');
  return s;
}

/** Subscribes a component to one selected value of the store. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().store, selector);
}

const motionQuery = '(prefers-reduced-motion: reduce)';

/** Follows the system's reduced-motion setting live. */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const m = window.matchMedia(motionQuery);
      m.addEventListener('change', cb);
      return () => m.removeEventListener('change', cb);
    },
    () => window.matchMedia(motionQuery).matches,
    () => false,
  );
}
