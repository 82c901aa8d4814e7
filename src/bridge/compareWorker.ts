/// <reference lib="webworker" />
/** The module worker for compare mode: four engines in lockstep (see compareHost.ts). */
import { createSimulation } from '../engine';
import { CompareHost } from './compareHost';
import type { ToCompare } from './compareProtocol';

declare const self: DedicatedWorkerGlobalScope;

const host = new CompareHost({
  now: () => performance.now(),
  // Compare mode draws no dots: trace as few users as the engine allows.
  create: (scenario) => createSimulation({ ...scenario, tracedUsers: 0 }),
  post: (msg) => self.postMessage(msg),
});

let timer: ReturnType<typeof setTimeout> | null = null;

function loop(): void {
  timer = null;
  host.tick();
  schedule();
}

function schedule(): void {
  if (timer !== null || !host.busy) return;
  // Playing: tick again soon; each tick spends a bounded slice so messages get through.
  timer = setTimeout(loop, 4);
}

self.onmessage = (e: MessageEvent<ToCompare>) => {
  host.handle(e.data);
  schedule();
};
