import { copyFlags, copyId, E_BUFFER_OUT, E_RESUBSCRIBE, packCopy } from '../events';
import type { LivenessView } from '../types';
import type { World } from '../world';
import { pickSlowServers } from './slowConsumers';

/** Bytes Redis queues per pub/sub message beyond its payload (channel name and framing, ≈ 40 B). */
export const QUEUED_OVERHEAD_BYTES = 40;

/** One broker → server link's output buffer, for the page's gauge (the live snapshot's type). */
export type BufferFill = LivenessView['outputBuffers'][number];

/** What the broker needs from the strategy: hand a copy on, and drop / restore a server's subscriptions. */
export interface BufferSink {
  /** A copy leaves the broker's buffer for endpoint server `srv`. */
  fanoutNow(r: number, seq: number, t0: number, srv: number): void;
  /** The broker closed `srv`'s subscriber connection: its subscriptions are gone. */
  dropSubscriptions(srv: number): void;
  /** `srv` reconnected to the broker and subscribes again for the users it holds. */
  resubscribe(srv: number): void;
}

/**
 * Backpressure at the broker (Redis `client-output-buffer-limit pubsub`): each endpoint server
 * reads its subscription at its own rate. A slow consumer (`slowConsumerShare` of servers, reading
 * `slowConsumerMsgsPerS`) lets a backlog grow: the kernel's socket buffers (`socketBufferKb`)
 * fill first, then Redis's output buffer. Past `outputBufferHardKb`, or above `outputBufferSoftKb`
 * for more than `outputBufferSoftS` whole seconds, Redis closes the connection: what was queued is
 * lost, and so is everything for that server's users until it has resubscribed. Fast consumers
 * keep up and queue nothing (their path is unchanged).
 */
export class Backpressure {
  readonly slow: Uint8Array = new Uint8Array(64);
  private readonly serviceUs: number;
  private readonly msgBytes: number;
  private readonly socketBytes: number;
  private readonly hardBytes: number;
  private readonly softBytes: number;
  private readonly softS: number;
  /** Per server: when its backlog will have been read (µs). */
  private readonly freeUs = new Float64Array(64);
  /** Per server: whole second the soft limit was first exceeded, -1 when below it. */
  private readonly softSinceS = new Float64Array(64).fill(-1);
  /** Per server: bumped at each disconnect, so copies queued before it are known lost. */
  private readonly gen = new Uint16Array(64);
  /** Per server: 1 while disconnected (until it resubscribes). */
  readonly cut = new Uint8Array(64);
  /** Per server: copies queued (scheduled to be read) of the current link generation. */
  private readonly inflight = new Int32Array(64);

  constructor(
    private readonly w: World,
    private readonly sink: BufferSink,
  ) {
    const s = w.scenario;
    this.serviceUs = 1e6 / s.slowConsumerMsgsPerS;
    this.msgBytes = s.messageBytes + QUEUED_OVERHEAD_BYTES;
    this.socketBytes = s.socketBufferKb * 1024;
    this.hardBytes = s.outputBufferHardKb * 1024;
    this.softBytes = s.outputBufferSoftKb * 1024;
    this.softS = s.outputBufferSoftS;
    pickSlowServers(this.slow, s.slowConsumerShare);
  }

  /** Whether copies to `srv` go through an output buffer (a slow consumer). */
  buffers(srv: number): boolean {
    return this.slow[srv] === 1;
  }

  /** Messages queued for `srv` now (kernel + Redis). */
  queued(srv: number, nowUs: number): number {
    const busy = this.freeUs[srv]! - nowUs;
    return busy <= 0 ? 0 : Math.ceil(busy / this.serviceUs - 1e-9);
  }

  /** Bytes in Redis's own output buffer for `srv` (beyond the kernel's share). */
  redisBytes(srv: number, nowUs: number): number {
    return Math.max(0, this.queued(srv, nowUs) * this.msgBytes - this.socketBytes);
  }

  /**
   * A copy for a user on slow server `srv`: queued, or lost (counted by the caller) when the
   * connection is cut. Returns false when lost.
   */
  enqueue(r: number, seq: number, t0: number, srv: number): boolean {
    if (this.cut[srv] === 1) return false;
    const w = this.w;
    const k = w.kernel;
    const now = k.now;
    const start = Math.max(now, this.freeUs[srv]!);
    this.freeUs[srv] = start + this.serviceUs;
    const bytes = this.redisBytes(srv, now);
    if (bytes > this.hardBytes) {
      this.disconnect(srv);
      return false;
    }
    if (bytes > this.softBytes) {
      const sec = Math.floor(now / 1e6);
      if (this.softSinceS[srv]! < 0) this.softSinceS[srv] = sec;
      else if (sec - this.softSinceS[srv]! > this.softS) {
        this.disconnect(srv);
        return false;
      }
    } else this.softSinceS[srv] = -1;
    // On the heap: after a cut the copies still queued from before are read out later than new
    // ones (they are then found lost), so a link's times are not monotone.
    this.inflight[srv]!++;
    k.scheduleAt(start + this.serviceUs, E_BUFFER_OUT, r, seq, t0, packCopy(this.gen[srv]!, srv));
    return true;
  }

  /** A queued copy is read by its server (one queued before a cut was counted lost then: ignored). */
  onOut(r: number, seq: number, t0: number, d: number): void {
    const srv = copyId(d);
    if (copyFlags(d) !== this.gen[srv]) return;
    this.inflight[srv]!--;
    this.sink.fanoutNow(r, seq, t0, srv);
  }

  /** Whether a queued copy (an E_BUFFER_OUT payload word) still counts as pending. */
  live(d: number): boolean {
    return copyFlags(d) === this.gen[copyId(d)];
  }

  private disconnect(srv: number): void {
    const w = this.w;
    w.t.bufferDisconnects++;
    // Redis frees the buffer: everything queued for that server is gone now.
    w.lose(this.inflight[srv]!);
    this.inflight[srv] = 0;
    this.cut[srv] = 1;
    this.gen[srv] = (this.gen[srv]! + 1) & 0x7fff;
    this.freeUs[srv] = 0;
    this.softSinceS[srv] = -1;
    this.sink.dropSubscriptions(srv);
    // The server's client library reconnects after its backoff base and resubscribes.
    w.kernel.schedule(Math.max(1, w.scenario.reconnectBaseMs * 1000), E_RESUBSCRIBE, srv);
  }

  onResubscribe(srv: number): void {
    this.cut[srv] = 0;
    this.sink.resubscribe(srv);
  }

  /** Per slow server: output-buffer fill for the page (KiB in Redis's buffer, and the limits). */
  fill(count: number, nowUs: number): BufferFill[] {
    const out: BufferFill[] = [];
    for (let i = 0; i < count; i++) {
      if (this.slow[i] !== 1) continue;
      out.push({
        server: i,
        queuedMsgs: this.queued(i, nowUs),
        redisKb: this.redisBytes(i, nowUs) / 1024,
        hardKb: this.hardBytes / 1024,
        softKb: this.softBytes / 1024,
        cut: this.cut[i] === 1,
      });
    }
    return out;
  }
}
