/// <reference lib="webworker" />
/** The module worker for compare mode: four engines in lockstep (see compareHost.ts). */
import { createSimulation } from '../engine';
import { CompareHost } from './compareHost';
import type { ToCompare } from './compareProtocol';
import { serveWorker } from './serveWorker';

declare const self: DedicatedWorkerGlobalScope;

const host = new CompareHost({
  now: () => performance.now(),
  // Compare mode draws no dots: trace as few users as the engine allows.
  create: (scenario) => createSimulation({ ...scenario, tracedUsers: 0 }),
  post: (msg) => self.postMessage(msg),
});

// Playing: tick again soon.
serveWorker<ToCompare>(host, 4);
