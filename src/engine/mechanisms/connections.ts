import { NONE } from '../model/servers';
import { C_ACCEPTED, C_SYN1, C_SYN2, C_VIA_LB, E_CONNECT_AT_SERVER, E_RECONNECT } from '../events';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Hop } from './hop';
import { AcceptQueues, SYN_RETRY1_US, SYN_RETRY2_US } from './accept';
import { ReconnectPolicy } from './reconnect';

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
  /** The clients' backoff between attempts (and the 100 ms reconnect series). */
  readonly policy: ReconnectPolicy;
  /** Each server's accept queue and listen backlog. */
  readonly accept: AcceptQueues;
  /** `maxConnectionsPerServer` (0: no cap). */
  private readonly cap: number;

  constructor(private readonly w: World) {
    this.policy = new ReconnectPolicy(w.scenario, w.push ? w.users : 0, w.rng.fork('reconnect'));
    this.accept = new AcceptQueues(w.scenario);
    this.cap = w.scenario.maxConnectionsPerServer;
    this.connectHop = w.push ? w.hop(w.setupUs, w.clientHopUs, 9, false) : null;
    this.redirectHop = w.push ? w.hop(w.setupUs, 2 * w.clientHopUs, 10, false) : null;
  }

  /** Client u starts a connection through the load balancer. */
  connectViaLb(u: number): void {
    const w = this.w;
    const k = w.kernel;
    this.policy.countAttempt(k.now);
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

  /** Client u waits its reconnect policy's backoff, then tries again through the LB. */
  scheduleRetry(u: number): void {
    const w = this.w;
    w.kernel.schedule(this.policy.nextDelayUs(u), E_RECONNECT, u);
  }

  onConnectAtServer(u: number, srv: number, flags: number, hops: number): void {
    const w = this.w;
    const k = w.kernel;
    const pool = w.pool;
    if (pool.state[srv] !== 'up' || !pool.accepting[srv]) {
      // Refused (crashed, leaving or gone): back off and try again through the LB.
      if (flags & C_VIA_LB) pool.lbPending[srv]!--;
      this.scheduleRetry(u);
      return;
    }
    if ((flags & C_ACCEPTED) === 0) {
      const at = this.accept.admit(srv, k.now);
      if (at < 0) {
        // A full listen backlog: the kernel drops the SYN; the client's TCP retries after 1 s,
        // then 3 s more, then the attempt fails and the app's backoff takes over.
        w.t.connectDropped++;
        if ((flags & C_SYN1) === 0)
          k.schedule(SYN_RETRY1_US, E_CONNECT_AT_SERVER, u, srv, flags | C_SYN1, hops);
        else if ((flags & C_SYN2) === 0)
          k.schedule(SYN_RETRY2_US, E_CONNECT_AT_SERVER, u, srv, flags | C_SYN2, hops);
        else {
          if (flags & C_VIA_LB) pool.lbPending[srv]!--;
          this.scheduleRetry(u);
        }
        return;
      }
      const q = this.accept.lastQueued;
      if (q > w.t.connectQueueMax) w.t.connectQueueMax = q;
      // Sub-µs waits are none (the kernel's clock is whole µs).
      if (at >= k.now + 1) {
        k.scheduleAt(at, E_CONNECT_AT_SERVER, u, srv, flags | C_ACCEPTED, hops);
        return;
      }
    }
    if (flags & C_VIA_LB) pool.lbPending[srv]!--;
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
    if (this.cap > 0 && prev !== srv && pool.conns[srv]! >= this.cap) {
      // At its cap the server refuses: the client backs off and tries again.
      w.t.connectionsRejected++;
      this.scheduleRetry(u);
      return;
    }
    if (prev !== NONE) pool.conns[prev]!--;
    w.conn[u] = srv;
    pool.conns[srv]!++;
    w.t.connects++;
    this.policy.connected(u);
    for (const l of this.listeners) l.onConnected(u, srv);
  }

  /**
   * Places user u on `srv` at t = 0 (steady state: no handshake traffic). False when `srv` is at
   * its cap: the attempt is refused and the client retries after its backoff.
   */
  place(u: number, srv: number): boolean {
    const w = this.w;
    if (this.cap > 0 && w.pool.conns[srv]! >= this.cap) {
      w.t.connectionsRejected++;
      this.scheduleRetry(u);
      return false;
    }
    w.conn[u] = srv;
    w.pool.conns[srv]!++;
    w.t.connects++;
    return true;
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
