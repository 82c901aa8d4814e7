import { hashInt } from '../core/hash';
import { HashRing } from '../model/hashRing';
import { NONE } from '../model/servers';
import { F_OLD, F_TWIN } from '../events';
import type { Connections, ConnectTarget } from '../mechanisms/connections';
import type { Delivery } from '../mechanisms/delivery';
import type { World } from '../world';
import type { Strategy } from './strategy';

/** A membership the chat service can route by: the members, and their ring (ring hashing). */
export interface Placement {
  /** Members in membership order (ascending ids). */
  members: number[];
  /** The ring of `members` (ring hashing), or null (modulo). */
  ring: HashRing | null;
}

/**
 * The hashing strategies: each user's connection lives on the server its key hashes to, and the
 * chat service sends each copy straight to that owner. Subclasses say how a key maps to a member.
 */
export abstract class HashingStrategy implements Strategy, ConnectTarget {
  abstract readonly name: 'modulo-hashing' | 'consistent-hashing';
  /** Whether a membership change moves users by the migration procedure (drain, dual-send). */
  abstract readonly migrates: boolean;
  /** User key hashes. */
  readonly hash: Uint32Array;
  /** Owner of each user by the routing view every member has applied. */
  readonly owner: Uint16Array;
  /** Owner by the next view during a migration (scratch otherwise). */
  ownerNew: Uint16Array | null = null;

  constructor(
    protected readonly w: World,
    protected readonly delivery: Delivery,
    protected readonly connections: Connections,
  ) {
    const n = w.users;
    this.hash = new Uint32Array(n);
    this.owner = new Uint16Array(n).fill(NONE);
    for (let u = 0; u < n; u++) this.hash[u] = hashInt(u, 0x5eed);
  }

  /** The placement of `members` (a new ring for ring hashing). */
  abstract placementOf(members: readonly number[]): Placement;
  /** `p` plus server `srv`. */
  abstract withAdded(p: Placement, srv: number): Placement;
  /** `p` without server `srv`. */
  abstract withRemoved(p: Placement, srv: number): Placement;
  /** Writes each user's owner under placement `p` into `out`. */
  abstract ownersInto(out: Uint16Array, p: Placement): void;

  warmStart(): void {
    const w = this.w;
    for (let u = 0; u < w.users; u++) this.connections.place(u, this.owner[u]!);
  }

  /** Where a connecting user belongs by the members' current view (new owner during a migration). */
  connectTarget(u: number): number {
    const next = this.delivery.ownerNew;
    return next !== null ? next[u]! : this.owner[u]!;
  }

  route(sender: number, room: number, seq: number, t0: number): void {
    // The chat service routes each recipient's copy to its owner (both owners while a migration
    // moves the recipient).
    const w = this.w;
    const first = room * w.roomSize;
    const members = w.membersOf(room);
    const owner = this.owner;
    const next = this.delivery.ownerNew;
    const d = this.delivery;
    for (let i = 0; i < members; i++) {
      const r = first + i;
      if (r === sender) continue;
      const o = owner[r]!;
      const n = next !== null ? next[r]! : o;
      if (n !== o && n !== NONE) {
        d.sendToServer(r, seq, t0, o, F_OLD);
        d.sendToServer(r, seq, t0, n, F_TWIN);
      } else d.sendToServer(r, seq, t0, o, 0);
    }
  }

  /** At-least-once: send recipient r's copy again to where r belongs now. */
  resend(r: number, seq: number, t0: number): void {
    this.delivery.sendToServer(r, seq, t0, this.connectTarget(r), 0);
  }

  onConnected(): void {}
  onDisconnected(): void {}
  onCrashDetected(): void {}

  pending(): number {
    return 0;
  }

  memoryBytes(): number {
    return this.hash.byteLength + this.owner.byteLength + (this.ownerNew?.byteLength ?? 0);
  }
}

/** Modulo hashing: owner = members[hash mod N]. Any change of N moves about N/(N+1) of users. */
export class ModuloHashing extends HashingStrategy {
  readonly name = 'modulo-hashing' as const;
  readonly migrates = false;

  placementOf(members: readonly number[]): Placement {
    return { members: [...members].sort((a, b) => a - b), ring: null };
  }
  withAdded(p: Placement, srv: number): Placement {
    return this.placementOf(p.members.includes(srv) ? p.members : [...p.members, srv]);
  }
  withRemoved(p: Placement, srv: number): Placement {
    return this.placementOf(p.members.filter((m) => m !== srv));
  }
  ownersInto(out: Uint16Array, p: Placement): void {
    const m = p.members;
    if (m.length === 0) {
      out.fill(NONE);
      return;
    }
    const hash = this.hash;
    for (let u = 0; u < out.length; u++) out[u] = m[hash[u]! % m.length]!;
  }
}

/** Consistent (ring) hashing with `vnodes` points per server: a change moves about 1/N of users. */
export class RingHashing extends HashingStrategy {
  readonly name = 'consistent-hashing' as const;
  readonly migrates = true;

  placementOf(members: readonly number[]): Placement {
    const sorted = [...members].sort((a, b) => a - b);
    return {
      members: sorted,
      ring: HashRing.build(sorted, this.w.scenario.vnodes, this.w.scenario.ringSalt),
    };
  }
  withAdded(p: Placement, srv: number): Placement {
    if (p.members.includes(srv)) return p;
    const ring = p.ring!.clone();
    ring.add(srv);
    return { members: [...p.members, srv].sort((a, b) => a - b), ring };
  }
  withRemoved(p: Placement, srv: number): Placement {
    if (!p.members.includes(srv)) return p;
    const ring = p.ring!.clone();
    ring.remove(srv);
    return { members: p.members.filter((m) => m !== srv), ring };
  }
  ownersInto(out: Uint16Array, p: Placement): void {
    const ring = p.ring!;
    const hash = this.hash;
    for (let u = 0; u < out.length; u++) out[u] = ring.lookup(hash[u]!);
  }
}
