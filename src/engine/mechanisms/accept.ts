import type { Scenario } from '../scenario';

/** TCP's SYN retries after a drop at a full backlog: 1 s, then 3 s more (MECHANISMS.md). */
export const SYN_RETRY1_US = 1_000_000;
export const SYN_RETRY2_US = 3_000_000;

/**
 * Each server's accept queue: it sets up `acceptPerS` connections a second (TCP + TLS + WebSocket
 * handshake, one at a time), so a storm waits in the queue; an attempt that finds
 * `listenBacklog` already waiting is dropped (the client's TCP retries). A queue is just the time
 * its server is busy until, so admitting is O(1) with no allocation.
 */
export class AcceptQueues {
  /** Per server: when the last queued connection will have been accepted (µs). */
  private readonly freeUs = new Float64Array(64);
  private readonly serviceUs: number;
  private readonly backlog: number;

  constructor(s: Scenario) {
    this.serviceUs = 1e6 / s.acceptPerS;
    this.backlog = s.listenBacklog;
  }

  /** Connections waiting to be accepted at `srv` now. */
  queueLength(srv: number, nowUs: number): number {
    const busy = this.freeUs[srv]! - nowUs;
    return busy <= 0 ? 0 : Math.ceil(busy / this.serviceUs - 1e-9);
  }

  /**
   * An attempt reaches `srv`'s listen queue at `nowUs`: the time the server takes it up (now when
   * the queue is empty, so an idle server adds no delay: `connectSetupMs` is the handshake), or -1
   * when the backlog is full (dropped).
   */
  admit(srv: number, nowUs: number): number {
    const waiting = this.queueLength(srv, nowUs);
    // An idle server takes the attempt up at once: it never waits in the backlog, so even a
    // backlog of 0 lets it in (as Linux does: the queue is full only when more than the backlog
    // wait). Dropping it instead shut every client out for good (fuzz seed 2061).
    if (waiting > 0 && waiting >= this.backlog) return -1;
    const start = Math.max(nowUs, this.freeUs[srv]!);
    this.freeUs[srv] = start + this.serviceUs;
    this.lastQueued = waiting === 0 ? 0 : waiting + 1;
    return start;
  }

  /** Queue length just after the last admitted attempt joined (0 when it was taken up at once). */
  lastQueued = 0;

  /** A server restarted or left: its queue is gone. */
  reset(srv: number): void {
    this.freeUs[srv] = 0;
  }

  /** Per-server accept queue length now (for the page). */
  lengths(count: number, nowUs: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(this.queueLength(i, nowUs));
    return out;
  }
}
