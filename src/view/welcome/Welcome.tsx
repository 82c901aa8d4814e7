/**
 * First visit: a welcome card that says what the page shows and where to start, and afterwards a
 * one-time hint that servers and the broker can be clicked to crash them (issue 9, item 11).
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppState } from '../../store/store';
import { useApp } from '../context';
import { CHAPTERS } from '../../content/tours';
import { useViewFlags } from '../compare/mode';
import { useClassroom } from '../tour/classroom';
import { openStep } from '../tour/tourStore';
import { parseTourLink } from '../tour/tourLogic';
import { CRASH_HINT_KEY, WELCOME_KEY, remember, useSeen } from './firstVisit';
import './welcome.css';

const selCrashed = (s: AppState) =>
  s.summary?.timeline.some((a) => a.action === 'crash-server' || a.action === 'crash-broker') ?? false;

export function Welcome() {
  const seen = useSeen(WELCOME_KEY);
  const { tour } = useClassroom();
  const t = useStore(tour);
  const view = useViewFlags();
  // A shared tour link, Present mode or an embed already know where they are going.
  const link = parseTourLink(window.location.search);
  if (seen || view.embed || t.presenting || t.chapterId !== null || link.chapterId !== null || link.present)
    return null;
  const first = CHAPTERS[0]!;
  return (
    <section
      className="welcome"
      role="dialog"
      aria-modal="false"
      aria-labelledby="welcome-title"
      data-testid="welcome"
    >
      <h2 id="welcome-title">How does the server find out?</h2>
      <p>
        HopScope simulates a chat service at scale and shows how its servers learn of new messages — polling,
        simple hashing, consistent hashing or pub/sub — with messages moving on the diagram and their cost in
        the numbers and charts. Take the tour, or pick a strategy at the top and change the workload on the
        left.
      </p>
      <div className="welcome-actions">
        <button
          type="button"
          className="primary"
          autoFocus
          onClick={() => {
            remember(WELCOME_KEY);
            tour.setState({ presetId: null });
            openStep(tour, first.id, 0, true);
          }}
        >
          Take the 2-minute tour
        </button>
        <button type="button" onClick={() => remember(WELCOME_KEY)}>
          Just explore
        </button>
      </div>
    </section>
  );
}

/** A one-line hint on the stage, once the welcome card is gone, until dismissed or a crash is made. */
export function CrashHint({ strategy }: { strategy: string }) {
  const welcomed = useSeen(WELCOME_KEY);
  const seen = useSeen(CRASH_HINT_KEY);
  const { tour } = useClassroom();
  const t = useStore(tour);
  const crashed = useApp(selCrashed);
  // Once a crash has been made the hint has done its job.
  useEffect(() => {
    if (crashed && welcomed && !seen) remember(CRASH_HINT_KEY);
  }, [crashed, welcomed, seen]);
  if (!welcomed || seen || t.presenting) return null;
  return (
    <p className="crash-hint" role="note" data-testid="crash-hint">
      <span aria-hidden="true">💡</span> Click a server{strategy === 'pubsub' ? ' or the broker' : ''} to
      crash it and watch what breaks.
      <button type="button" aria-label="Dismiss hint" onClick={() => remember(CRASH_HINT_KEY)}>
        ×
      </button>
    </p>
  );
}
