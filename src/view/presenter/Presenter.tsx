/**
 * Presenter mode: the stage and the headline figures fill the screen in large type, the controls
 * go, and a clicker drives the tour (PageDown = next step, PageUp = back, `.` or Space = pause).
 * Entered by the Present button or `?present=1`; Esc leaves.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { selSimTimeS } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { useClassroom } from '../tour/classroom';
import { tourMove } from '../tour/Tour';
import './presenter.css';

function enterFullscreen(): void {
  // A projector wants the whole screen; refusal (no gesture, a frame) just leaves the layout.
  const el = document.documentElement;
  if (!document.fullscreenElement && el.requestFullscreen) el.requestFullscreen().catch(() => undefined);
}

function leaveFullscreen(): void {
  if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => undefined);
}

export function PresentButton() {
  const { tour } = useClassroom();
  return (
    <button
      type="button"
      className="class-btn"
      title="Presenter mode: full screen, large type, clicker keys (Esc leaves)"
      onClick={() => {
        tour.setState({ presenting: true });
        enterFullscreen();
      }}
    >
      <svg
        width="16"
        height="16"
        viewBox="0 0 24 24"
        aria-hidden="true"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <rect x="3" y="4" width="18" height="12" rx="1.5" />
        <path d="M12 16v4M8 20h8" strokeLinecap="round" />
      </svg>
      <span>Present</span>
    </button>
  );
}

/** Clicker keys and Esc. Capture phase: runs before the page's shortcuts, so Esc can yield to Help. */
export function usePresenterKeys(): void {
  const { store, controller } = useServices();
  const { tour } = useClassroom();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const tag = t?.tagName;
      if (tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable) return;
      if (
        tag === 'INPUT' &&
        (t as HTMLInputElement).type !== 'radio' &&
        (t as HTMLInputElement).type !== 'checkbox'
      )
        return;
      const ts = tour.getState();
      const st = store.getState();
      const inTour = ts.chapterId !== null;
      if (!ts.presenting && !inTour) return;
      switch (e.key) {
        case 'PageDown':
          e.preventDefault();
          e.stopPropagation();
          if (!tourMove(tour, 1)) controller.step();
          break;
        case 'PageUp':
          e.preventDefault();
          e.stopPropagation();
          if (!tourMove(tour, -1))
            controller.seek((st.summary?.simTimeS ?? 0) - Math.max(0.05, st.speed * 0.6));
          break;
        case '.':
          if (!ts.presenting) return;
          e.preventDefault();
          st.togglePlaying();
          break;
        case 'Escape':
          if (!ts.presenting || st.showHelp || document.querySelector('[role="menu"]')) return;
          tour.setState({ presenting: false });
          leaveFullscreen();
          break;
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [store, controller, tour]);
}

export function Presenter() {
  const { store } = useServices();
  const { tour } = useClassroom();
  const presenting = useStore(tour, (s) => s.presenting);
  const t = useApp(selSimTimeS);
  usePresenterKeys();
  useEffect(() => {
    document.documentElement.classList.toggle('presenting', presenting);
    // The stage measures its box on resize: the layout change must reach it.
    window.dispatchEvent(new Event('resize'));
  }, [presenting]);
  useEffect(() => {
    // Leaving full screen by the browser's own Esc also leaves presenter mode.
    const onFs = () => {
      if (!document.fullscreenElement && tour.getState().presenting) tour.setState({ presenting: false });
    };
    document.addEventListener('fullscreenchange', onFs);
    return () => document.removeEventListener('fullscreenchange', onFs);
  }, [tour]);
  if (!presenting) return null;
  const m = Math.floor(t / 60);
  return (
    <div className="presenter-bar" role="region" aria-label="Presenter mode">
      <span className="presenter-clock num" aria-label="Simulated time">
        {m}:{(t - m * 60).toFixed(1).padStart(4, '0')}
      </span>
      <span className="presenter-hint">
        <kbd>PgDn</kbd> next · <kbd>PgUp</kbd> back · <kbd>.</kbd> pause · <kbd>?</kbd> keys
      </span>
      <button
        type="button"
        className="class-btn"
        onClick={() => store.getState().setShowHelp(true)}
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
      <button
        type="button"
        className="class-btn"
        onClick={() => {
          tour.setState({ presenting: false });
          leaveFullscreen();
        }}
      >
        Leave presenter mode (Esc)
      </button>
    </div>
  );
}
