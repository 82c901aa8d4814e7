/**
 * The page's single requestAnimationFrame loop (d3-timer style): one cached time per frame, and
 * renderers registered in priority order (the world first, then everything that draws from it).
 */
export type FrameCallback = (wallMs: number, dtMs: number) => void;

export interface FrameLoop {
  /** Registers a callback; lower `order` runs first. Returns the unregister function. */
  add(cb: FrameCallback, order?: number): () => void;
  start(): void;
  stop(): void;
}

export function createFrameLoop(
  raf: (cb: FrameRequestCallback) => number = (cb) => requestAnimationFrame(cb),
  caf: (id: number) => void = (id) => cancelAnimationFrame(id),
): FrameLoop {
  let entries: { cb: FrameCallback; order: number }[] = [];
  let id: number | null = null;
  let last: number | null = null;

  const frame = (t: number) => {
    id = raf(frame);
    const dt = last === null ? 16 : Math.min(250, t - last);
    last = t;
    for (const e of entries) {
      try {
        e.cb(t, dt);
      } catch (err) {
        // One failing renderer must not stop the others (or the loop).
        console.error(err);
      }
    }
  };

  return {
    add(cb, order = 0) {
      const entry = { cb, order };
      entries = [...entries, entry].sort((a, b) => a.order - b.order);
      return () => {
        entries = entries.filter((e) => e !== entry);
      };
    },
    start() {
      if (id === null) id = raf(frame);
    },
    stop() {
      if (id !== null) caf(id);
      id = null;
      last = null;
    },
  };
}
