import { E_LEAVE_TICK } from '../events';
import type { World } from '../world';
import type { Connections } from './connections';

/** Why a server is leaving: for good (`remove-server`) or to restart (a `deploy`). */
export const LEAVE_REMOVE = 1;
export const LEAVE_RESTART = 2;

const TICK_US = 100_000;

/** Told when a server has no clients left and its leave is over. */
export interface LeaveListener {
  onLeft(srv: number, purpose: number): void;
}

/** A leaving server's state, for the page. */
export interface LeaveInfo {
  server: number;
  purpose: 'remove' | 'restart';
  /** `grace`: not accepting, clients still served; `closing`: clients being closed a few at a time. */
  phase: 'grace' | 'closing';
  /** Clients it still holds. */
  clientsHeld: number;
  /** Simulated seconds since the leave started. */
  elapsedS: number;
}

/**
 * How a server leaves (`drain`, MECHANISMS.md): `lame-duck` stops accepting, waits
 * `drainGraceS`, then closes its clients spread evenly until `drainCloseS` after it began (10 and
 * 120 s: first close at +10 s, the last by +120 s) so they reconnect a few at a time; `grace-period` closes them spread over `drainCloseS` from the start but kills whatever
 * is left after `terminationGraceS` (Kubernetes); `kill` resets every socket at once, so all its
 * clients know in the same instant and reconnect together. A closed client reconnects through its
 * reconnect policy at once (it was told: no heartbeat wait).
 */
export class ServerLeaves {
  /** Per server: 0 not leaving, 1 grace (not accepting), 2 closing. */
  readonly phase = new Uint8Array(64);
  readonly purpose = new Uint8Array(64);
  /** Bumped when a leave starts or is cut short, so stale ticks are ignored. */
  private readonly gen = new Int32Array(64);
  private readonly startUs = new Float64Array(64);
  private readonly closeStartUs = new Float64Array(64);
  /** Clients a closing server had when it started closing, and how many are done. */
  private readonly victims: (Int32Array | null)[] = new Array<Int32Array | null>(64).fill(null);
  private readonly closed = new Int32Array(64);
  listener: LeaveListener | null = null;

  constructor(
    private readonly w: World,
    private readonly connections: Connections,
  ) {}

  /** Starts server `srv`'s leave now. */
  begin(srv: number, purpose: number): void {
    const w = this.w;
    const s = w.scenario;
    this.gen[srv]!++;
    this.phase[srv] = 1;
    this.purpose[srv] = purpose;
    this.startUs[srv] = w.kernel.now;
    w.pool.accepting[srv] = false;
    if (s.drain === 'kill') {
      this.startClosing(srv);
      this.closeUpTo(srv, Infinity);
      this.finish(srv);
      return;
    }
    const graceUs = s.drain === 'lame-duck' ? s.drainGraceS * 1e6 : 0;
    w.kernel.schedule(graceUs, E_LEAVE_TICK, srv, this.gen[srv]!);
  }

  /** Cuts `srv`'s leave short (it crashed, or a removal takes over a restart). */
  abort(srv: number): void {
    if (this.phase[srv] === 0) return;
    this.gen[srv]!++;
    this.phase[srv] = 0;
    this.victims[srv] = null;
  }

  onTick(srv: number, gen: number): void {
    if (this.gen[srv] !== gen || this.phase[srv] === 0) return;
    const w = this.w;
    const s = w.scenario;
    const k = w.kernel;
    if (this.phase[srv] === 1) this.startClosing(srv);
    // Lame duck: the closes run from the end of the grace to `drainCloseS` after the start;
    // grace period: from the start over `drainCloseS`.
    const windowUs = Math.max(0, (s.drainCloseS - (s.drain === 'lame-duck' ? s.drainGraceS : 0)) * 1e6);
    const n = this.victims[srv]!.length;
    const elapsed = k.now - this.closeStartUs[srv]!;
    let target = windowUs <= 0 ? n : Math.min(n, Math.ceil((n * elapsed) / windowUs));
    const killAt = this.startUs[srv]! + s.terminationGraceS * 1e6;
    if (s.drain === 'grace-period' && k.now >= killAt) target = n;
    this.closeUpTo(srv, target);
    if (this.closed[srv]! >= n) {
      this.finish(srv);
      return;
    }
    let next = TICK_US;
    if (s.drain === 'grace-period' && killAt - k.now < next) next = Math.max(1, killAt - k.now);
    k.schedule(next, E_LEAVE_TICK, srv, gen);
  }

  private startClosing(srv: number): void {
    const w = this.w;
    this.phase[srv] = 2;
    this.closeStartUs[srv] = w.kernel.now;
    let n = 0;
    for (let u = 0; u < w.users; u++) if (w.conn[u] === srv) n++;
    const out = new Int32Array(n);
    for (let u = 0, i = 0; u < w.users && i < n; u++) if (w.conn[u] === srv) out[i++] = u;
    this.victims[srv] = out;
    this.closed[srv] = 0;
  }

  private closeUpTo(srv: number, target: number): void {
    const v = this.victims[srv]!;
    const conn = this.w.conn;
    const end = Math.min(target, v.length);
    while (this.closed[srv]! < end) {
      const u = v[this.closed[srv]!++]!;
      if (conn[u] === srv) this.connections.disconnect(u);
    }
  }

  private finish(srv: number): void {
    const purpose = this.purpose[srv]!;
    this.phase[srv] = 0;
    this.victims[srv] = null;
    this.gen[srv]!++;
    this.listener?.onLeft(srv, purpose);
  }

  /** Leaving servers now (for the page). */
  infos(): LeaveInfo[] {
    const w = this.w;
    const out: LeaveInfo[] = [];
    for (let i = 0; i < w.pool.count; i++) {
      const ph = this.phase[i]!;
      if (ph === 0) continue;
      out.push({
        server: i,
        purpose: this.purpose[i] === LEAVE_REMOVE ? 'remove' : 'restart',
        phase: ph === 1 ? 'grace' : 'closing',
        clientsHeld: w.pool.conns[i]!,
        elapsedS: (w.kernel.now - this.startUs[i]!) / 1e6,
      });
    }
    return out;
  }

  /** Servers leaving now. */
  get active(): number {
    let n = 0;
    for (let i = 0; i < this.w.pool.count; i++) if (this.phase[i] !== 0) n++;
    return n;
  }
}
