/**
 * A polite live region that tells a screen-reader user what the simulation is doing: events as
 * they happen, a digest every few simulated seconds, never faster than one message per few wall
 * seconds so speech can keep up.
 */
import { useEffect, useState } from 'react';
import { useServices } from '../context';
import { initialNarration, narrate } from './narrate';
import './a11y.css';

const MIN_GAP_MS = 3000;

export function LiveNarrator() {
  const { store } = useServices();
  const [text, setText] = useState('');
  useEffect(() => {
    let state = initialNarration();
    // Events (actions, saturation) outrank the periodic digest: at high speed digests arrive faster
    // than speech, and only the latest one is still news.
    let events: string[] = [];
    let latestDigest: string | null = null;
    let lastSpoke = -Infinity;
    const unsub = store.subscribe((st, prev) => {
      if (st.summary === prev.summary || !st.summary) return;
      const r = narrate(state, st.summary, st.scenario);
      state = r.next;
      if (r.digest) latestDigest = r.say[0] ?? null;
      else if (r.say.length) events = [...events, ...r.say].slice(-3);
    });
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - lastSpoke < MIN_GAP_MS) return;
      if (events.length) {
        setText(events.join(' '));
        events = [];
      } else if (latestDigest) {
        setText(latestDigest);
        latestDigest = null;
      } else return;
      lastSpoke = now;
    }, 500);
    return () => {
      unsub();
      clearInterval(timer);
    };
  }, [store]);
  return (
    <div className="sr-only" role="status" aria-live="polite" data-testid="live-narration">
      {text}
    </div>
  );
}
