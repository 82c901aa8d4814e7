import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario } from '../engine';
import { runHeadless } from '../cli/headless';
import { SimHost } from './host';
import type { FromWorker } from './protocol';

describe('SimHost result requests', () => {
  it('answers with the Result the CLI computes for the same scenario, whatever the live run is doing', () => {
    const posted: FromWorker[] = [];
    const host = new SimHost({
      now: () => 0,
      create: (s) => createSimulation(s),
      post: (m) => posted.push(m),
      runToEnd: (s) => createSimulation(s).run().result(0),
    });
    const scenario = normalizeScenario({
      strategy: 'consistent-hashing',
      users: 1500,
      durationS: 20,
      seed: 11,
      timeline: [{ atS: 6, action: 'add-server' }],
    });
    host.handle({ type: 'result', reqId: 4, scenario });
    expect(posted).toHaveLength(1);
    const msg = posted[0]!;
    if (msg.type !== 'result' || !msg.result) throw new Error(`no result: ${JSON.stringify(msg)}`);
    expect(msg.reqId).toBe(4);
    const cli = runHeadless(scenario);
    expect({ ...msg.result, engine: { ...msg.result.engine, wallMs: 0 } }).toEqual({
      ...cli,
      engine: { ...cli.engine, wallMs: 0 },
    });
    expect(msg.result.timeline).toHaveLength(1);
    expect(msg.result.series).toHaveLength(20);
  });

  it('reports a scenario the engine refuses, and a host that cannot run headless', () => {
    const posted: FromWorker[] = [];
    const bad = { ...normalizeScenario({ users: 10 }), users: -1 };
    new SimHost({
      now: () => 0,
      create: (s) => createSimulation(s),
      post: (m) => posted.push(m),
      runToEnd: (s) => createSimulation(s).run().result(0),
    }).handle({ type: 'result', reqId: 1, scenario: bad });
    new SimHost({ now: () => 0, create: (s) => createSimulation(s), post: (m) => posted.push(m) }).handle({
      type: 'result',
      reqId: 2,
      scenario: bad,
    });
    expect(posted.map((m) => m.type === 'result' && m.result === null && typeof m.error)).toEqual([
      'string',
      'string',
    ]);
  });
});
