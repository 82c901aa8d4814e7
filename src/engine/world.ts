import { Kernel } from './core/kernel';
import { Rng } from './core/rng';
import { MetricsRecorder } from './metrics/recorder';
import { TraceBuffer } from './metrics/trace';
import { Hop, Jitter } from './mechanisms/hop';
import { NONE, ServerPool } from './model/servers';
import type { Scenario } from './scenario';
import type { ActionReport, Totals } from './types';

/**
 * The state every module shares: the kernel, the scenario, random streams, timing, the users'
 * connection arrays, the servers and the counters. Modules own everything else they need.
 * Plain data (no closures), so a deep copy is a faithful checkpoint.
 */
export class World {
  readonly kernel = new Kernel(1024);
  readonly rng: Rng;
  readonly rngSend: Rng;
  readonly rngClient: Rng;

  readonly users: number;
  readonly roomSize: number;
  readonly rooms: number;
  /** Whether clients hold push connections (every strategy but polling and long polling). */
  readonly push: boolean;
  /**
   * Whether push clients fetch what they missed (sequence numbers with recovery): a copy lost in
   * transport is then pending until the client fetches it, not a lost delivery.
   */
  readonly recovers: boolean;
  /** Whether unacknowledged copies are sent again (at-least-once): a transport loss is then not a loss either. */
  readonly resends: boolean;

  // Timing (µs).
  readonly dcHopUs: number;
  readonly clientHopUs: number;
  readonly procUs: number;
  readonly setupUs: number;

  /** Push: server holding each user's connection (NONE when not connected). */
  readonly conn: Uint16Array;
  /** Polling: last seq read from the DB. Push: highest seq received (client de-dup). */
  readonly lastSeq: Uint32Array;
  /** The chat service's per-room sequence numbers. */
  readonly roomSeq: Uint32Array;

  /** Endpoint servers and the load balancer. */
  readonly pool: ServerPool;
  readonly metrics = new MetricsRecorder();
  /** The counters (`metrics.totals`), incremented directly by the model. */
  readonly t: Totals;

  /** Action reports in the order taken, and the reconnect counter when each was taken. */
  readonly reports: ActionReport[] = [];
  readonly reconnectsAtAction: number[] = [];

  /** Every network hop's jitter (shared so all hops draw from one table). */
  readonly jitter: Jitter;

  readonly trace = new TraceBuffer();
  readonly traceStride: number;

  constructor(readonly scenario: Scenario) {
    const s = scenario;
    this.users = s.users;
    this.roomSize = s.roomSize;
    this.rooms = Math.max(1, Math.floor(s.users / s.roomSize));
    this.push = s.strategy !== 'polling' && s.strategy !== 'long-polling';
    this.recovers = this.push && s.sequenceNumbers && s.recovery !== 'none';
    this.resends = this.push && s.delivery === 'at-least-once';
    this.rng = new Rng(s.seed);
    this.rngSend = this.rng.fork('send');
    this.rngClient = this.rng.fork('client');
    this.dcHopUs = Math.round((s.networkRttMs * 1000) / 2);
    this.clientHopUs = Math.round((s.clientRttMs * 1000) / 2);
    this.procUs = Math.round(s.serverProcessingMs * 1000);
    this.setupUs = Math.round(s.connectSetupMs * 1000);
    this.conn = new Uint16Array(this.push ? s.users : 0).fill(NONE);
    this.lastSeq = new Uint32Array(s.users);
    this.roomSeq = new Uint32Array(this.rooms);
    this.jitter = new Jitter(s.networkJitter);
    this.pool = new ServerPool(s.lbPolicy, this.rng.fork('lb'), s.strategy === 'polling');
    this.t = this.metrics.totals;
    const traced = Math.min(s.tracedUsers, s.users);
    this.traceStride = traced > 0 ? Math.ceil(s.users / traced) : 0;
  }

  /**
   * A network hop: `fixedUs` of processing plus `networkUs` of network that jitters. `salt` tells
   * hops apart (one number per kind of hop); `bulk` hops (most of the traffic) jitter through
   * binned lanes, the others through the heap.
   */
  hop(fixedUs: number, networkUs: number, salt: number, bulk = true, laneCapacity = 1024): Hop {
    return new Hop(this.kernel, this.jitter, fixedUs, networkUs, salt, bulk, laneCapacity);
  }

  /** `n` copies will never arrive by push: lost, unless the clients recover them or they are sent again. */
  lose(n: number): void {
    if (!this.recovers && !this.resends) this.t.lostDeliveries += n;
  }

  /** Members of room `room` (the last room takes the remainder). */
  membersOf(room: number): number {
    return room === this.rooms - 1 ? this.users - room * this.roomSize : this.roomSize;
  }

  roomOf(u: number): number {
    const r = Math.floor(u / this.roomSize);
    return r >= this.rooms ? this.rooms - 1 : r;
  }

  /** Whether user u's messages are traced hop by hop. */
  traced(u: number): boolean {
    return this.traceStride > 0 && u % this.traceStride === 0;
  }

  /** Bytes of the shared per-user and per-room arrays. */
  memoryBytes(): number {
    return (
      this.kernel.bytes +
      this.metrics.bytes +
      this.trace.bytes +
      this.conn.byteLength +
      this.lastSeq.byteLength +
      this.roomSeq.byteLength
    );
  }
}
