/// <reference lib="webworker" />
/**
 * The module worker the engine runs in. All logic lives in SimHost; this file only supplies the
 * clock, the engine factory, postMessage, and a timer that ticks while there is work.
 */
import { createSimulation } from '../engine';
import { SimHost } from './host';
import type { ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const host = new SimHost({
  now: () => performance.now(),
  create: (scenario) => createSimulation(scenario),
  post: (msg, transfer) => self.postMessage(msg, transfer ?? []),
});

let timer: ReturnType<typeof setTimeout> | null = null;

function loop(): void {
  timer = null;
  host.tick();
  schedule();
}

function schedule(): void {
  // Busy: tick again at once (each tick spends a bounded slice). Idle: sleep until a message
  // (play, step, act, ack) gives the host something to do.
  if (timer !== null || !host.busy) return;
  timer = setTimeout(loop, 0);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  host.handle(e.data);
  schedule();
};
