/// <reference lib="webworker" />
/**
 * The module worker the engine runs in. All logic lives in SimHost; this file only supplies the
 * clock, the engine factory and postMessage.
 */
import { createSimulation } from '../engine';
import { SimHost } from './host';
import type { ToWorker } from './protocol';
import { serveWorker } from './serveWorker';

declare const self: DedicatedWorkerGlobalScope;

const host = new SimHost({
  now: () => performance.now(),
  create: (scenario) => createSimulation(scenario),
  post: (msg, transfer) => self.postMessage(msg, transfer ?? []),
  // As the CLI's runHeadless: construction counts towards the wall time.
  runToEnd: (scenario) => {
    const t0 = performance.now();
    const sim = createSimulation(scenario).run();
    return sim.result(performance.now() - t0);
  },
});

// Busy: tick again at once.
serveWorker<ToWorker>(host, 0);
