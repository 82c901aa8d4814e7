import { describe, expect, it } from 'vitest';
import { createSimulation } from '../engine';
import { CompareHost } from './compareHost';
import type { CompareFrame, FromCompare } from './compareProtocol';
import { DEFAULT_SCENARIO } from '../engine/scenario';

function setup() {
  let wall = 0;
  const out: FromCompare[] = [];
  const host = new CompareHost({
    now: () => wall,
    create: (s) => createSimulation({ ...s, tracedUsers: 0 }),
    post: (m) => out.push(m),
    frameEveryMs: 0,
    tickBudgetMs: 1e9,
  });
  const frames = () => out.filter((m): m is CompareFrame => m.type === 'frame');
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 50) {
      wall += 50;
      host.tick();
      const f = frames().at(-1);
      if (f) host.handle({ type: 'ack', seq: f.seq });
    }
  };
  return { host, out, frames, run };
}

describe('CompareHost', () => {
  it('runs all five strategies of one workload in lockstep and acts on all at the same time', () => {
    const { host, out, frames, run } = setup();
    const scenario = { ...structuredClone(DEFAULT_SCENARIO), users: 2000, pollIntervalS: 5, seed: 3 };
    host.handle({ type: 'init', runId: 1, scenario, playing: true, speed: 10 });
    run(1000); // 10 simulated seconds
    let f = frames().at(-1)!;
    expect(f.lanes.map((l) => l.strategy)).toEqual([
      'polling',
      'modulo-hashing',
      'consistent-hashing',
      'pubsub',
      'long-polling',
    ]);
    expect(f.nowUs).toBeGreaterThanOrEqual(9e6);
    for (const l of f.lanes) {
      expect(l.scenario.users).toBe(2000);
      expect(l.live.nowUs).toBe(f.lanes[0]!.live.nowUs);
    }
    host.handle({ type: 'act', kind: 'add-server' });
    const acted = out.find((m) => m.type === 'acted');
    expect(acted && acted.type === 'acted' && acted.reports.every((r) => r !== null)).toBe(true);
    const at = acted && acted.type === 'acted' ? acted.reports.map((r) => r!.atS) : [];
    expect(new Set(at).size).toBe(1);
    run(1000);
    f = frames().at(-1)!;
    const moved = Object.fromEntries(f.lanes.map((l) => [l.strategy, l.live.timeline[0]?.usersMoved ?? -1]));
    expect(moved.pubsub).toBe(0);
    expect(moved['long-polling']).toBe(0);
    // modulo N→N+1 moves ≈ N/(N+1) = 80 %, the ring ≈ 1/(N+1) = 20 %.
    expect(moved['modulo-hashing']! / 2000).toBeGreaterThan(0.7);
    expect(moved['consistent-hashing']! / 2000).toBeLessThan(0.35);
    // Series rows arrive once each, per lane.
    const rows = frames().flatMap((fr) => fr.lanes[0]!.series.map((r) => r.tS));
    expect(new Set(rows).size).toBe(rows.length);
  });
  it('reports a bad scenario instead of throwing', () => {
    const { host, out } = setup();
    host.handle({
      type: 'init',
      runId: 2,
      scenario: { ...structuredClone(DEFAULT_SCENARIO), users: -5 },
      playing: true,
      speed: 1,
    });
    expect(out[0]?.type).toBe('error');
    expect(host.busy).toBe(false);
  });
});
