import { ageUs, E_HEARTBEAT_DETECT, E_HEARTBEAT_TICK, packTime } from '../events';
import { NONE } from '../model/servers';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Connections } from './connections';

/**
 * Socket.IO-like heartbeats. The server pings every `heartbeatIntervalS`; a client that hears no
 * ping for interval + timeout declares the connection dead. The last ping before a crash came at a
 * uniform random moment of the interval before it, so each client of a crashed server notices at
 * its own time, uniform on [timeout, interval + timeout] after the crash (MECHANISMS.md).
 * Until then, the connection looks open to the client: sends to it are lost (at-most-once).
 */
export class Heartbeats {
  private readonly intervalUs: number;
  private readonly timeoutUs: number;
  /** 1 while user u's connection is dead but the client has not noticed yet. */
  readonly unnoticed: Uint8Array;
  private detectSumUs = 0;
  private detectCount = 0;
  private detectMaxUs = 0;
  /** Per server: the last crash time (µs), -1 when never crashed. */
  readonly crashAtUs = new Float64Array(64).fill(-1);
  /** Per server: clients of its last crash that have not noticed yet. */
  readonly unnoticedBy = new Int32Array(64);

  constructor(
    private readonly w: World,
    /** A client that notices reconnects through it. */
    private readonly connections: Connections,
  ) {
    const s = w.scenario;
    this.intervalUs = s.heartbeatIntervalS * 1e6;
    this.timeoutUs = s.heartbeatTimeoutS * 1e6;
    this.unnoticed = new Uint8Array(w.push ? w.users : 0);
  }

  /** Starts the once-a-second pings drawn on traced connections. */
  start(): void {
    if (this.w.push && this.w.traceStride > 0 && this.intervalUs > 0)
      this.w.kernel.schedule(1e6, E_HEARTBEAT_TICK);
  }

  /** Server `srv` crashed now: each of `victims` will notice at its own time. */
  onCrash(srv: number, victims: Int32Array): void {
    const w = this.w;
    const k = w.kernel;
    const t0 = packTime(k.now);
    this.crashAtUs[srv] = k.now;
    this.unnoticedBy[srv] = (this.unnoticedBy[srv] ?? 0) + victims.length;
    for (let i = 0; i < victims.length; i++) {
      const u = victims[i]!;
      this.unnoticed[u] = 1;
      const delay = this.timeoutUs + w.rngClient.next() * this.intervalUs;
      k.schedule(Math.max(1, delay), E_HEARTBEAT_DETECT, u, srv, t0);
    }
  }

  /** Client u's heartbeat timer on `srv` ran out: it notices and reconnects. */
  onDetect(u: number, srv: number, t0: number): void {
    const w = this.w;
    this.unnoticedBy[srv]!--;
    if (this.unnoticed[u] === 0) return;
    this.unnoticed[u] = 0;
    const age = ageUs(w.kernel.now, t0);
    this.detectSumUs += age;
    this.detectCount++;
    if (age > this.detectMaxUs) this.detectMaxUs = age;
    const d = w.t.detectionMs;
    d.mean = this.detectSumUs / this.detectCount / 1000;
    d.max = this.detectMaxUs / 1000;
    if (w.traced(u))
      w.trace.add(MsgKind.Loss, NodeId.ServerBase + srv, NodeId.Client, w.kernel.now, w.kernel.now + 1, u);
    if (w.conn[u] === NONE) {
      w.t.reconnects++;
      this.connections.scheduleRetry(u);
    }
  }

  /** Whether user u's connection is dead and unnoticed (it is not retrying yet). */
  isUnnoticed(u: number): boolean {
    return this.unnoticed[u] === 1;
  }

  /** Once a second: pings on the traced connections whose phase falls in this second. */
  onTick(): void {
    const w = this.w;
    const k = w.kernel;
    k.schedule(1e6, E_HEARTBEAT_TICK);
    const periodS = Math.max(1, Math.round(this.intervalUs / 1e6));
    const sec = Math.floor(k.now / 1e6);
    for (let u = 0; u < w.users; u += w.traceStride) {
      const srv = w.conn[u]!;
      if (srv === NONE || (u / w.traceStride + sec) % periodS !== 0) continue;
      w.trace.add(MsgKind.Heartbeat, NodeId.ServerBase + srv, NodeId.Client, k.now, k.now + w.clientHopUs, u);
    }
  }

  /** Memory held (bytes). */
  memoryBytes(): number {
    return this.unnoticed.byteLength;
  }
}
