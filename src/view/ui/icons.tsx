/** Small inline glyphs (no icon font: nothing to fetch, crisp at any size). */
import type { Strategy } from '../../bridge/engine';

const base = {
  width: 18,
  height: 18,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
};

export function PlayIcon() {
  return (
    <svg {...base}>
      <path d="M7 4.5v15l12.5-7.5z" fill="currentColor" />
    </svg>
  );
}
export function PauseIcon() {
  return (
    <svg {...base}>
      <rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
      <rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
    </svg>
  );
}
export function StepIcon() {
  return (
    <svg {...base}>
      <path d="M5 5v14l10-7z" fill="currentColor" />
      <path d="M18 5v14" />
    </svg>
  );
}
export function ResetIcon() {
  return (
    <svg {...base}>
      <path d="M4 12a8 8 0 1 0 2.3-5.7" />
      <path d="M4 4v5h5" />
    </svg>
  );
}
export function ShareIcon() {
  return (
    <svg {...base}>
      <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
      <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
    </svg>
  );
}

export function StrategyGlyph({ s }: { s: Strategy }) {
  switch (s) {
    case 'polling':
      return (
        <svg {...base}>
          <path d="M20 11a8 8 0 0 0-14.5-4.5M4 13a8 8 0 0 0 14.5 4.5" />
          <path d="M5 3v4h4M19 21v-4h-4" />
        </svg>
      );
    case 'modulo-hashing':
      return (
        <svg {...base}>
          <rect x="3" y="5" width="4" height="14" rx="1" />
          <rect x="10" y="5" width="4" height="14" rx="1" />
          <rect x="17" y="5" width="4" height="14" rx="1" />
        </svg>
      );
    case 'consistent-hashing':
      return (
        <svg {...base}>
          <circle cx="12" cy="12" r="8" />
          <circle cx="12" cy="4" r="1.8" fill="currentColor" />
          <circle cx="19" cy="15" r="1.8" fill="currentColor" />
          <circle cx="6" cy="17" r="1.8" fill="currentColor" />
        </svg>
      );
    case 'pubsub':
      return (
        <svg {...base}>
          <circle cx="12" cy="12" r="2.5" fill="currentColor" />
          <path d="M7.8 7.8a6 6 0 0 0 0 8.4M16.2 7.8a6 6 0 0 1 0 8.4M5 5a10 10 0 0 0 0 14M19 5a10 10 0 0 1 0 14" />
        </svg>
      );
    case 'long-polling':
      // An hourglass: the request is held until news comes.
      return (
        <svg {...base}>
          <path d="M6 3h12M6 21h12M7 3c0 5 10 5 10 9s-10 4-10 9M17 3c0 5-10 5-10 9s10 4 10 9" />
        </svg>
      );
  }
}

export function Logo() {
  return (
    <svg width="30" height="30" viewBox="0 0 32 32" aria-hidden="true">
      <circle cx="16" cy="16" r="12" fill="none" stroke="#56B4E9" strokeWidth="3" />
      <circle cx="16" cy="4" r="3.5" fill="#E69F00" />
      <circle cx="27" cy="20" r="3.5" fill="#009E73" />
      <circle cx="6" cy="23" r="3.5" fill="#CC79A7" />
    </svg>
  );
}
