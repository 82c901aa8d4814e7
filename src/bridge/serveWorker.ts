/// <reference lib="webworker" />
/**
 * The loop every engine worker runs: hand messages to its host, and while the host has work,
 * tick again after `gapMs` (each tick spends a bounded slice, so messages get through between
 * ticks). Idle, it sleeps until a message gives the host something to do.
 */
export interface TickingHost<M> {
  readonly busy: boolean;
  /** The last tick ran out of its wall budget with work still owed: tick again without a pause. */
  readonly saturated?: boolean;
  tick(): void;
  handle(msg: M): void;
  /** An exception escaped tick() or handle(): stop work and tell the page (see SimHost.fail). */
  fail?(error: unknown): void;
}

declare const self: DedicatedWorkerGlobalScope;

export function serveWorker<M>(host: TickingHost<M>, gapMs: number): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let queued = false;
  // An exception must not end the loop silently (the page would wait forever for a frame).
  const guarded = (work: () => void): void => {
    try {
      work();
    } catch (e) {
      if (!host.fail) throw e;
      host.fail(e);
    }
  };
  const run = (): void => {
    guarded(() => host.tick());
    schedule();
  };
  // A saturated host ticks again through a message to itself: chained setTimeout(0)s are clamped
  // to 4 ms each after a few, which idled a 12 ms tick a quarter of the time when running flat
  // out. Messages from the page still get through between ticks (they queue as tasks like ours).
  // A host that keeps up waits for the timer, so it does not spin a core at ×1.
  const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : null;
  if (channel)
    channel.port1.onmessage = () => {
      queued = false;
      run();
    };
  const schedule = (): void => {
    if (timer !== null || queued || !host.busy) return;
    if (channel && host.saturated) {
      queued = true;
      channel.port2.postMessage(null);
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      run();
    }, gapMs);
  };
  self.onmessage = (e: MessageEvent<M>) => {
    guarded(() => host.handle(e.data));
    schedule();
  };
}
