/// <reference lib="webworker" />
/**
 * The loop every engine worker runs: hand messages to its host, and while the host has work,
 * tick again after `gapMs` (each tick spends a bounded slice, so messages get through between
 * ticks). Idle, it sleeps until a message gives the host something to do.
 */
export interface TickingHost<M> {
  readonly busy: boolean;
  tick(): void;
  handle(msg: M): void;
  /** An exception escaped tick() or handle(): stop work and tell the page (see SimHost.fail). */
  fail?(error: unknown): void;
}

declare const self: DedicatedWorkerGlobalScope;

export function serveWorker<M>(host: TickingHost<M>, gapMs: number): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // An exception must not end the loop silently (the page would wait forever for a frame).
  const guarded = (work: () => void): void => {
    try {
      work();
    } catch (e) {
      if (!host.fail) throw e;
      host.fail(e);
    }
  };
  const schedule = (): void => {
    if (timer !== null || !host.busy) return;
    timer = setTimeout(() => {
      timer = null;
      guarded(() => host.tick());
      schedule();
    }, gapMs);
  };
  self.onmessage = (e: MessageEvent<M>) => {
    guarded(() => host.handle(e.data));
    schedule();
  };
}
