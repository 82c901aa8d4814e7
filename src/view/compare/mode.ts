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

/** Sets or removes one key of a query string, leaving every other part as written. */
export function withParam(search: string, key: string, value: string | null): string {
  const parts = search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '' && decodeURIComponent(p.split('=')[0]!.replace(/\+/g, ' ')) !== key);
  if (value !== null) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const modeListeners = new Set<(mode: ViewMode) => void>();

/** Called after the view mode changes (button or Back/Forward). */
export function onViewModeChange(cb: (mode: ViewMode) => void): () => void {
  modeListeners.add(cb);
  return () => modeListeners.delete(cb);
}

export function setViewMode(mode: ViewMode): void {
  if (flags.mode === mode) return;
  flags = { ...flags, mode };
  const loc = window.location;
  // Edited as text: URLSearchParams would re-encode the whole query (`:` → %3A, `,` → %2C).
  const search = withParam(loc.search, 'mode', mode === 'compare' ? 'compare' : null);
  // A history entry, so Back leaves compare mode the way it came.
  window.history.pushState(window.history.state, '', `${loc.pathname}${search}${loc.hash}`);
  for (const l of listeners) l();
  for (const l of modeListeners) l(mode);
}

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => {
    const next = readViewFlags(window.location.search);
    if (next.mode === flags.mode && next.embed === flags.embed) return;
    const modeChanged = next.mode !== flags.mode;
    flags = next;
    for (const l of listeners) l();
    if (modeChanged) for (const l of modeListeners) l(next.mode);
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
