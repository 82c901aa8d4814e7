/**
 * How the page is shown — one simulation or the four-way comparison, embedded or not — kept in the
 * URL next to the scenario (`?mode=compare`, `?embed=1`; see VIEW_PARAMS in store/url.ts).
 */
import { useSyncExternalStore } from 'react';

export type ViewMode = 'single' | 'compare';

export interface ViewFlags {
  mode: ViewMode;
  embed: boolean;
}

export function readViewFlags(search: string): ViewFlags {
  const q = new URLSearchParams(search);
  const embed = q.get('embed');
  return {
    mode: q.get('mode') === 'compare' ? 'compare' : 'single',
    embed: embed !== null && embed !== '0' && embed !== 'false',
  };
}

let flags: ViewFlags =
  typeof window === 'undefined' ? { mode: 'single', embed: false } : readViewFlags(window.location.search);
const listeners = new Set<() => void>();

export function getViewFlags(): ViewFlags {
  return flags;
}

export function setViewMode(mode: ViewMode): void {
  if (flags.mode === mode) return;
  flags = { ...flags, mode };
  const url = new URL(window.location.href);
  if (mode === 'compare') url.searchParams.set('mode', 'compare');
  else url.searchParams.delete('mode');
  // A history entry, so Back leaves compare mode the way it came.
  window.history.pushState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  for (const l of listeners) l();
}

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => {
    const next = readViewFlags(window.location.search);
    if (next.mode === flags.mode && next.embed === flags.embed) return;
    flags = next;
    for (const l of listeners) l();
  });

export function useViewFlags(): ViewFlags {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => flags,
    () => flags,
  );
}
