import type { Rng } from '../core/rng';
import type { Scenario } from '../scenario';
import type { ServerInfo } from '../types';

export type ServerState = ServerInfo['state'];
export type LbPolicy = Scenario['lbPolicy'];

/** "No server". */
export const NONE = 0xffff;

/**
 * The endpoint servers and the load balancer in front of them. Per server: state, open client
 * connections, connections the LB has placed that are still being set up, and work handled.
 * The LB learns of a crash only when its health check times out (`lbKnowsDead`).
 */
export class ServerPool {
  count = 0;
  readonly state: ServerState[] = [];
  readonly conns: number[] = [];
  readonly lbPending: number[] = [];
  readonly lbKnowsDead: boolean[] = [];
  /** False while a server is up but leaving or restarting (it refuses new connections). */
  readonly accepting: boolean[] = [];
  readonly handled: number[] = [];
  readonly handledLastS: number[] = [];
  private rrNext = 0;

  constructor(
    readonly policy: LbPolicy,
    private readonly rng: Rng,
    /** Least-connections counts requests in flight only (polling holds no connections). */
    private readonly requestsOnly: boolean,
    readonly max = 64,
  ) {}

  /** Starts a server; returns its id, or -1 at the limit. */
  add(): number {
    if (this.count >= this.max) return -1;
    const id = this.count++;
    this.state[id] = 'up';
    this.conns[id] = 0;
    this.lbPending[id] = 0;
    this.lbKnowsDead[id] = false;
    this.accepting[id] = true;
    this.handled[id] = 0;
    this.handledLastS[id] = 0;
    return id;
  }

  /** Servers in the membership: up or draining. */
  members(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++)
      if (this.state[i] === 'up' || this.state[i] === 'draining') out.push(i);
    return out;
  }

  up(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.state[i] === 'up') out.push(i);
    return out;
  }

  /** Whether the LB would send a client there (it keeps sending to a crashed server until it notices). */
  routable(srv: number): boolean {
    const st = this.state[srv];
    return (st === 'up' && this.accepting[srv] === true) || (st === 'crashed' && !this.lbKnowsDead[srv]);
  }

  /** The LB's choice by policy among routable servers; NONE when there is none. */
  pick(): number {
    const n = this.count;
    switch (this.policy) {
      case 'round-robin':
        for (let i = 0; i < n; i++) {
          const srv = (this.rrNext + i) % n;
          if (this.routable(srv)) {
            this.rrNext = (srv + 1) % n;
            return srv;
          }
        }
        return NONE;
      case 'random': {
        let k = 0;
        for (let i = 0; i < n; i++) if (this.routable(i)) k++;
        if (k === 0) return NONE;
        let pick = this.rng.int(k);
        for (let i = 0; i < n; i++) if (this.routable(i) && pick-- === 0) return i;
        return NONE;
      }
      default: {
        let best = NONE;
        let bestLoad = Infinity;
        for (let i = 0; i < n; i++) {
          if (!this.routable(i)) continue;
          const load = (this.requestsOnly ? 0 : this.conns[i]!) + this.lbPending[i]!;
          if (load < bestLoad) {
            bestLoad = load;
            best = i;
          }
        }
        return best;
      }
    }
  }

  /** Open connections over all servers. */
  totalConnections(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) n += this.conns[i]!;
    return n;
  }

  /** Rolls the per-second work counters. */
  rollSecond(): void {
    for (let i = 0; i < this.count; i++) {
      this.handledLastS[i] = this.handled[i]!;
      this.handled[i] = 0;
    }
  }
}
