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
}

declare const self: DedicatedWorkerGlobalScope;

export function serveWorker<M>(host: TickingHost<M>, gapMs: number): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (): void => {
    if (timer !== null || !host.busy) return;
    timer = setTimeout(() => {
      timer = null;
      host.tick();
      schedule();
    }, gapMs);
  };
  self.onmessage = (e: MessageEvent<M>) => {
    host.handle(e.data);
    schedule();
  };
}
