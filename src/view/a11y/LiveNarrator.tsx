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
    let queue: string[] = [];
    let lastSpoke = -Infinity;
    const unsub = store.subscribe((st, prev) => {
      if (st.summary === prev.summary || !st.summary) return;
      const r = narrate(state, st.summary, st.scenario);
      state = r.next;
      queue.push(...r.say);
      // Keep only what is still news: events pile up faster than speech at high speeds.
      if (queue.length > 3) queue = queue.slice(-3);
    });
    const timer = setInterval(() => {
      const now = performance.now();
      if (!queue.length || now - lastSpoke < MIN_GAP_MS) return;
      lastSpoke = now;
      setText(queue.join(' '));
      queue = [];
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
