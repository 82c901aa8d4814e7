import { NONE } from '../model/servers';
import { C_VIA_LB, E_CONNECT_AT_SERVER, E_RECONNECT } from '../events';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Hop } from './hop';

/** Where a connecting user belongs (hashing); NONE means "any server will do". */
export interface ConnectTarget {
  connectTarget(u: number): number;
}

/** What happens around a connection's life (the strategy and delivery listen). */
export interface ConnectionListener {
  onConnected(u: number, srv: number): void;
  onDisconnected(u: number): void;
}

const ANY: ConnectTarget = { connectTarget: () => NONE };

/**
 * Client connections of the push strategies: through the load balancer, redirects to the owner
 * (hashing), refusals, backoff and retries, disconnects.
 */
export class Connections {
  /** Client → LB → server, handshake included; and server → client → another server. */
  private readonly connectHop: Hop | null;
  private readonly redirectHop: Hop | null;
  /** Set by the composition root once the strategy exists. */
  target: ConnectTarget = ANY;
  listeners: ConnectionListener[] = [];

  constructor(private readonly w: World) {
    this.connectHop = w.push ? w.hop(w.setupUs, w.clientHopUs, 9, false) : null;
    this.redirectHop = w.push ? w.hop(w.setupUs, 2 * w.clientHopUs, 10, false) : null;
  }

  /** Client u starts a connection through the load balancer. */
  connectViaLb(u: number): void {
    const w = this.w;
    const k = w.kernel;
    const srv = w.pool.pick();
    if (srv === NONE) {
      this.scheduleRetry(u);
      return;
    }
    w.pool.lbPending[srv]!++;
    this.connectHop!.send(E_CONNECT_AT_SERVER, u, srv, C_VIA_LB, 0, u, k.now);
    if (w.traced(u))
      w.trace.add(MsgKind.Connect, NodeId.Client, NodeId.ServerBase + srv, k.now, k.now + w.clientHopUs, u);
  }

  /** Client u waits a uniform random backoff, then tries again through the LB. */
  scheduleRetry(u: number): void {
    const backoffUs = Math.max(1000, this.w.scenario.reconnectBackoffMs * 1000);
    this.w.kernel.schedule(1 + this.w.rngClient.next() * backoffUs, E_RECONNECT, u);
  }

  onConnectAtServer(u: number, srv: number, flags: number, hops: number): void {
    const w = this.w;
    const k = w.kernel;
    if (flags & C_VIA_LB) w.pool.lbPending[srv]!--;
    if (w.pool.state[srv] !== 'up') {
      // Refused (crashed, draining or gone): back off and try again through the LB.
      this.scheduleRetry(u);
      return;
    }
    const target = this.target.connectTarget(u);
    if (target !== srv && target !== NONE) {
      w.t.redirects++;
      if (hops >= 4) {
        this.scheduleRetry(u);
        return;
      }
      this.redirectHop!.send(E_CONNECT_AT_SERVER, u, target, 0, hops + 1, u, k.now);
      if (w.traced(u)) {
        const t1 = k.now + w.clientHopUs;
        w.trace.add(MsgKind.Connect, NodeId.ServerBase + srv, NodeId.Client, k.now, t1, u);
        w.trace.add(MsgKind.Connect, NodeId.Client, NodeId.ServerBase + target, t1, t1 + w.clientHopUs, u);
      }
      return;
    }
    const prev = w.conn[u]!;
    if (prev !== NONE) w.pool.conns[prev]!--;
    w.conn[u] = srv;
    w.pool.conns[srv]!++;
    w.t.connects++;
    for (const l of this.listeners) l.onConnected(u, srv);
  }

  /** Places user u on `srv` at t = 0 (steady state: no handshake traffic). */
  place(u: number, srv: number): void {
    const w = this.w;
    w.conn[u] = srv;
    w.pool.conns[srv]!++;
    w.t.connects++;
  }

  /** Closes user u's connection; the client reconnects (via the LB after backoff, or straight to `to`). */
  disconnect(u: number, to = NONE): void {
    const w = this.w;
    const srv = w.conn[u]!;
    if (srv === NONE) return;
    w.conn[u] = NONE;
    w.pool.conns[srv]!--;
    for (const l of this.listeners) l.onDisconnected(u);
    w.t.reconnects++;
    const k = w.kernel;
    if (to !== NONE) {
      this.redirectHop!.send(E_CONNECT_AT_SERVER, u, to, 0, 0, u, k.now);
      if (w.traced(u)) {
        const t1 = k.now + w.clientHopUs;
        w.trace.add(MsgKind.Connect, NodeId.ServerBase + srv, NodeId.Client, k.now, t1, u);
        w.trace.add(MsgKind.Connect, NodeId.Client, NodeId.ServerBase + to, t1, t1 + w.clientHopUs, u);
      }
    } else this.scheduleRetry(u);
  }

  /**
   * A server crashed: its connections vanish now (the clients notice only at detection). Returns
   * the users it held.
   */
  dropAll(srv: number): Int32Array {
    const w = this.w;
    let n = 0;
    for (let u = 0; u < w.users; u++) if (w.conn[u] === srv) n++;
    const out = new Int32Array(n);
    for (let u = 0, i = 0; u < w.users; u++) {
      if (w.conn[u] === srv) {
        w.conn[u] = NONE;
        out[i++] = u;
      }
    }
    w.pool.conns[srv] = 0;
    return out;
  }

  /** A live server to draw a traced write through, chosen without touching any random stream. */
  pickAnyServer(u: number): number {
    const w = this.w;
    if (w.push && w.conn[u] !== NONE) return w.conn[u]!;
    // The (u mod n)-th server that is up, found without allocating (this runs per traced send).
    const state = w.pool.state;
    const count = w.pool.count;
    let n = 0;
    for (let i = 0; i < count; i++) if (state[i] === 'up') n++;
    if (n === 0) return 0;
    let k = u % n;
    for (let i = 0; i < count; i++) if (state[i] === 'up' && k-- === 0) return i;
    return 0;
  }
}
