import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario, type ScenarioInput, type Totals } from '../engine';
import { FAILURE_PRESETS, type FailurePreset } from './failurePresets';
import { presetById } from './presets';

const byId = (id: string): FailurePreset => {
  const p = FAILURE_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return p;
};

/** The figure a promise reads, from the engine's totals (what the page's tile shows). */
function figure(tile: string, t: Totals): number {
  switch (tile) {
    case 'metric-connect-drops':
      return t.connectDropped;
    case 'metric-buffer-disconnects':
      return t.bufferDisconnects;
    case 'metric-hot-shard':
      return t.hottestShardShare;
    default:
      throw new Error(`no reading for ${tile}`);
  }
}

function totalsAt(scenario: ScenarioInput, atS: number): Totals {
  const sim = createSimulation({ ...scenario, durationS: atS });
  sim.run();
  return sim.result().totals;
}

function harmonic(n: number, s: number): number {
  let h = 0;
  for (let k = 1; k <= n; k++) h += Math.pow(k, -s);
  return h;
}

describe('failure presets', () => {
  it('are in the Presets menu', () => {
    expect(FAILURE_PRESETS.length).toBeGreaterThanOrEqual(4);
    for (const p of FAILURE_PRESETS) expect(presetById(p.id)).toBe(p);
  });

  for (const p of FAILURE_PRESETS)
    it(`"${p.title}": the engine shows the promised figure by ${p.promise.atS} s`, () => {
      const v = figure(p.promise.tile, totalsAt(p.scenario, p.promise.atS));
      expect(v, p.promise.formula).toBeGreaterThanOrEqual(p.promise.min);
      expect(v, p.promise.formula).toBeLessThanOrEqual(p.promise.max);
    });

  it('"Thundering herd": the killed server’s clients overflow the backlogs at once; jitter cuts the drops tenfold', () => {
    const p = byId('thundering-herd');
    const s = normalizeScenario(p.scenario);
    expect([s.reconnect, s.drain]).toEqual(['immediate', 'kill']);
    const cut = s.users / s.servers;
    const noRoom = cut - (s.servers - 1) * s.listenBacklog;
    expect(p.watch).toContain(`about ${noRoom.toLocaleString('en-US')} attempts are dropped in that instant`);
    // One second after the kill: the first wave alone, within 10 % of the arithmetic (a few are
    // accepted while the wave arrives over the clients' round trips).
    const first = totalsAt(p.scenario, 11);
    expect(first.connectDropped).toBeGreaterThan(0.9 * noRoom);
    expect(first.connectDropped).toBeLessThanOrEqual(noRoom);
    expect(first.connectQueueMax).toBe(s.listenBacklog);
    const herd = totalsAt(p.scenario, p.promise.atS);
    expect(p.watch).toContain('passes 100,000 by 20 s');
    const smear = totalsAt({ ...p.scenario, reconnect: 'exponential-jitter' }, p.promise.atS);
    expect(p.watch).toContain('under a tenth as many');
    expect(smear.connectDropped).toBeLessThan(herd.connectDropped / 10);
  });

  it('"Rolling deploy done right": a handful queued, nothing dropped or lost; killing instead drops tens of thousands', () => {
    const p = byId('rolling-deploy');
    const s = normalizeScenario(p.scenario);
    expect(s.drain).toBe('lame-duck');
    expect(s.timeline.some((e) => e.action === 'deploy')).toBe(true);
    // Each leaving server closes its users ÷ servers clients over drainCloseS − drainGraceS.
    const perS = s.users / s.servers / (s.drainCloseS - s.drainGraceS);
    expect(p.watch).toContain(`about ${Math.round(perS / 10) * 10} a second`);
    expect(p.watch).toContain(`${((s.servers - 1) * s.acceptPerS).toLocaleString('en-US')}/s`);
    const t = totalsAt(p.scenario, p.promise.atS);
    expect(t.connectQueueMax).toBeLessThanOrEqual(10);
    expect(t.connectDropped).toBe(0);
    expect(t.lostDeliveries).toBe(0);
    expect(t.duplicateDeliveries).toBe(0);
    // Every server restarted: each of its clients reconnected once (and clients of the restarted
    // ones that moved again), so at least the users.
    expect(t.reconnects).toBeGreaterThanOrEqual(s.users * 0.95);
    const killed = totalsAt({ ...p.scenario, drain: 'kill', reconnect: 'immediate' }, p.promise.atS);
    expect(killed.connectQueueMax).toBe(s.listenBacklog);
    expect(killed.connectDropped).toBeGreaterThan(10_000);
  });

  it('"A slow consumer gets cut off": at the hard limit, when the kernel’s and Redis’s buffers are full', () => {
    const p = byId('slow-consumer');
    const s = normalizeScenario(p.scenario);
    const perServer = (s.users * s.messagesPerUserPerMin * (s.roomSize - 1)) / 60 / s.servers;
    const growth = perServer - s.slowConsumerMsgsPerS;
    const cutS = ((s.socketBufferKb + s.outputBufferHardKb) * 1024) / (growth * (s.messageBytes + 40));
    expect(p.watch).toContain(`after about ${cutS.toFixed(0)} s`);
    // Before the limit: nothing cut off; within a second after it (checked at whole simulated seconds): one.
    expect(totalsAt(p.scenario, Math.floor(cutS) - 0.5).bufferDisconnects).toBe(0);
    const sim = createSimulation({ ...p.scenario, durationS: Math.ceil(cutS) + 1 });
    sim.run();
    expect(sim.result().totals.bufferDisconnects).toBe(1);
    // The one slow server is S1, as the text says.
    const buffers = sim.live().liveness!.outputBuffers;
    expect(buffers.map((b) => b.server)).toEqual([1]);
    expect(p.watch).toContain('(S1)');
    expect(sim.result().totals.lostDeliveries).toBeGreaterThan(0);
  });

  it('"A celebrity room": the top room gets 1/H(n, s) of the messages and its shard runs hot', () => {
    const p = byId('celebrity-room');
    const s = normalizeScenario(p.scenario);
    const rooms = s.users / s.roomSize;
    const top = 1 / harmonic(rooms, s.zipfS);
    expect(p.watch).toContain(`≈ ${Math.round(top * 100)} % of all messages`);
    const sim = createSimulation({ ...p.scenario, durationS: p.promise.atS });
    sim.run();
    const hot = sim.live().liveness!.hotRoom!;
    expect(hot.expectedShare).toBeCloseTo(top, 12);
    const sent = sim.result().totals.messagesSent;
    expect(Math.abs(hot.messageShare - top)).toBeLessThan(4 * Math.sqrt((top * (1 - top)) / sent));
    // The hottest shard is the celebrity room's, well above an even 1 / shards.
    const traffic = hot.shardTraffic;
    expect(traffic.indexOf(Math.max(...traffic))).toBe(hot.shard);
    expect(sim.result().totals.hottestShardShare).toBeGreaterThan(1 / s.brokerShards + 0.08);
  });
});
