import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulation, type LiveSnapshot } from '../engine';
import { SimHost, type HostSim } from './host';
import type { Frame, FromWorker, ToWorker } from './protocol';
import { serveWorker, type TickingHost } from './serveWorker';

const SCENARIO = createSimulation({ strategy: 'modulo-hashing', users: 2000, servers: 4, seed: 7 }).scenario;

/** The real engine behind a host with a fake clock; `live()` is the simulation the host runs now. */
function crashableHost() {
  const clock = { t: 0 };
  const posted: FromWorker[] = [];
  let live: HostSim | null = null;
  const host = new SimHost({
    now: () => clock.t,
    create: (s) => (live = createSimulation(s)),
    post: (m) => posted.push(m),
    checkpointEveryUs: 2_000_000,
  });
  const frames = () => posted.filter((m): m is Frame => m.type === 'frame');
  const last = () => frames()[frames().length - 1]!;
  const runTo = (s: number) => {
    for (let i = 0; i < 10_000 && last().live.nowUs < s * 1e6; i++) {
      clock.t += 100;
      host.tick();
      host.handle({ type: 'ack', seq: last().seq });
    }
  };
  return { host, posted, last, runTo, clock, sim: () => live! };
}

function reference(untilS: number): LiveSnapshot {
  const sim = createSimulation(SCENARIO);
  sim.runUntil(untilS * 1e6);
  return sim.live();
}

describe('SimHost after an exception in the engine', () => {
  it('drops the broken world, reports the newest checkpoint, and restores exactly what the run was then', () => {
    const h = crashableHost();
    h.host.handle({ type: 'init', runId: 3, scenario: SCENARIO, playing: true, speed: 1 });
    h.runTo(9);
    // An action after the newest checkpoint (8 s): the restart does not replay it.
    h.host.handle({ type: 'act', reqId: 1, kind: 'add-server' });
    h.sim().runUntil = () => {
      throw new Error('injected fault\n    at somewhere');
    };
    h.clock.t += 100;
    expect(() => h.host.tick()).toThrow('injected fault');
    h.host.fail(new Error('injected fault'));

    const crashed = h.posted[h.posted.length - 1]!;
    expect(crashed).toEqual({
      type: 'crashed',
      runId: 3,
      message: 'injected fault',
      checkpointUs: 8_000_000,
    });
    expect(h.host.busy).toBe(false);
    // Messages for the dead world are harmless.
    h.host.handle({ type: 'step' });
    h.host.handle({ type: 'seek', tUs: 1_000_000 });

    h.host.handle({ type: 'restore' });
    const f = h.last();
    expect(f.reset).toBe(true);
    expect(f.pace.playing).toBe(false);
    expect(f.live.nowUs).toBe(8_000_000);
    expect(f.live.totals).toEqual(reference(8).totals);
    expect(f.live.servers).toHaveLength(4);
    expect(f.history!.headUs).toBe(8_000_000);

    h.host.handle({ type: 'play', playing: true });
    h.runTo(12);
    const g = h.last();
    const ref = createSimulation(SCENARIO);
    ref.runUntil(g.live.nowUs);
    expect(g.live.totals).toEqual(ref.live().totals);
  });

  it('says so when there is no checkpoint to restore', () => {
    const posted: FromWorker[] = [];
    const host = new SimHost({
      now: () => 0,
      create: (s) => createSimulation(s),
      post: (m) => posted.push(m),
    });
    host.handle({ type: 'restore' });
    expect(posted).toEqual([
      { type: 'crashed', runId: -1, message: 'no checkpoint to restart from', checkpointUs: null },
    ]);
  });
});

describe('serveWorker', () => {
  const g = globalThis as unknown as { self?: { onmessage: ((e: { data: unknown }) => void) | null } };
  afterEach(() => {
    vi.useRealTimers();
    delete g.self;
  });

  it('hands an exception from a tick or a message to the host instead of ending the loop', () => {
    vi.useFakeTimers();
    g.self = { onmessage: null };
    const failures: string[] = [];
    let ticks = 0;
    const host: TickingHost<ToWorker> & { busy: boolean } = {
      busy: false,
      tick() {
        ticks++;
        if (ticks === 2) throw new Error('tick failed');
      },
      handle(msg) {
        if (msg.type === 'step') throw new Error('handle failed');
        this.busy = true;
      },
      fail(e) {
        failures.push((e as Error).message);
        this.busy = false;
      },
    };
    serveWorker(host, 0);
    g.self.onmessage!({ data: { type: 'step' } });
    expect(failures).toEqual(['handle failed']);
    g.self.onmessage!({ data: { type: 'play', playing: true } });
    vi.advanceTimersByTime(5);
    expect(ticks).toBe(2);
    expect(failures).toEqual(['handle failed', 'tick failed']);
    // Idle after the failure: no more ticks until a message gives it work again.
    vi.advanceTimersByTime(50);
    expect(ticks).toBe(2);
  });
});
