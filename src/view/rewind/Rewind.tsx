/**
 * Rewind: a "Step back" button and the timeline scrubber. The worker restores the nearest
 * checkpoint and re-runs to the chosen moment (deterministic), so scrubbing costs a bounded re-run,
 * never a stored event log. Dragging pauses; Play or an action from the past forks a new future.
 */
import { useEffect, useRef, useState } from 'react';
import { selSimTimeS, selSpeed, selTimeline } from '../../store/selectors';
import type { AppState } from '../../store/store';
import { useApp, useServices } from '../context';
import './rewind.css';

const selHeadS = (s: AppState) => Math.max(s.summary?.headS ?? 0, s.summary?.simTimeS ?? 0);
const selTimelineActs = (s: AppState) => s.summary?.timeline;
/** Wall ms between seeks while dragging: each restores a checkpoint copy in the worker. */
const SEEK_EVERY_MS = 120;

/** m:ss.s — the scrubber needs tenths, not the top bar's milliseconds. */
export function clock(simS: number): string {
  const m = Math.floor(simS / 60);
  return `${m}:${(simS - m * 60).toFixed(1).padStart(4, '0')}`;
}

const ACTION_LABEL: Record<string, string> = {
  'add-server': 'server added',
  'remove-server': 'server removed',
  'crash-server': 'server crashed',
  'restart-server': 'server restarted',
  deploy: 'deploy',
  'crash-broker': 'broker down',
  'recover-broker': 'broker back',
};

export function StepBack() {
  const { controller } = useServices();
  const t = useApp(selSimTimeS);
  const speed = useApp(selSpeed);
  return (
    <button
      type="button"
      className="class-btn"
      title="Step back (rewind a short stretch of simulated time)"
      disabled={t <= 0}
      onClick={() => controller.seek(t - Math.max(0.05, speed * 0.6))}
    >
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M17 5v14L7 12z" fill="currentColor" />
        <rect x="4" y="5" width="2.5" height="14" rx="1" fill="currentColor" />
      </svg>
      <span>Step back</span>
    </button>
  );
}

export function TimelineScrubber() {
  const { controller } = useServices();
  const t = useApp(selSimTimeS);
  const head = useApp(selHeadS);
  const acts = useApp(selTimelineActs);
  // Ticks come from the scenario's timeline: it also holds actions still ahead (scripted, or in
  // the future a rewind left behind), drawn faded until the clock reaches them.
  const planned = useApp(selTimeline);
  const [drag, setDrag] = useState<number | null>(null);
  const pending = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastSent = useRef(0);
  const settleBy = useRef(0);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    if (pending.current === null) return;
    lastSent.current = performance.now();
    controller.seek(pending.current);
    pending.current = null;
  };
  const seekSoon = (v: number) => {
    pending.current = v;
    if (timer.current !== null) return;
    const wait = Math.max(0, SEEK_EVERY_MS - (performance.now() - lastSent.current));
    timer.current = setTimeout(flush, wait);
  };
  const end = () => {
    if (timer.current !== null) clearTimeout(timer.current);
    flush();
    settleBy.current = performance.now() + 5000;
    // A seek that changes nothing (already there, or clamped) sends no new time: let go anyway.
    setTimeout(() => {
      if (settleBy.current !== 0 && performance.now() >= settleBy.current) {
        settleBy.current = 0;
        setDrag(null);
      }
    }, 5100);
  };
  // Hold the dragged position until the rewound frame arrives (a long re-run can take a moment).
  useEffect(() => {
    if (drag === null || settleBy.current === 0) return;
    if (Math.abs(t - drag) < 0.15 || performance.now() > settleBy.current) {
      settleBy.current = 0;
      setDrag(null);
    }
  }, [t, drag]);

  const max = Math.max(head, 0.1);
  const value = drag ?? t;
  return (
    <div className="scrubber">
      <div className="scrubber-track">
        <input
          type="range"
          aria-label="Timeline"
          aria-valuetext={`${clock(value)} of ${clock(head)}`}
          min={0}
          max={max}
          step={0.1}
          value={Math.min(value, max)}
          onChange={(e) => {
            const v = Number(e.target.value);
            setDrag(v);
            seekSoon(v);
          }}
          onPointerUp={end}
          onKeyUp={end}
          onBlur={() => {
            if (settleBy.current === 0) setDrag(null);
          }}
        />
        <div className="scrubber-ticks" aria-hidden="true">
          {planned.map((a, i) => (
            <span
              key={`${a.atS}-${i}`}
              className={`tick ${a.action}${a.atS > value + 1e-6 ? ' ahead' : ''}`}
              style={{ left: `${Math.min(100, (a.atS / max) * 100)}%` }}
              title={`${ACTION_LABEL[a.action] ?? a.action} at ${a.atS.toFixed(1)} s`}
            />
          ))}
        </div>
      </div>
      <span className="scrubber-time num" data-testid="timeline-time">
        {clock(value)}
        {head - value > 0.05 ? <span className="muted"> / {clock(head)}</span> : null}
      </span>
      <ul className="sr-only" aria-label="Timeline actions" data-testid="timeline-actions">
        {(acts ?? []).map((a, i) => (
          <li key={`${a.atS}-${i}`}>
            {ACTION_LABEL[a.action] ?? a.action} at {a.atS.toFixed(1)} s
          </li>
        ))}
      </ul>
    </div>
  );
}
