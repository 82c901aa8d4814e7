import { hashPair } from '../core/hash';

/**
 * Consistent-hash ring: each server places `vnodes` points at murmur3(serverId, i); a key belongs
 * to the first point clockwise at or after its hash (wrapping). Points are kept sorted in typed
 * arrays, so lookups are a binary search and membership changes merge or filter in O(points).
 */
export class HashRing {
  /** Sorted ring positions. */
  points = new Uint32Array(0);
  /** Server owning each point (parallel to `points`). */
  owners = new Uint16Array(0);

  constructor(
    readonly vnodes: number,
    /** Mixed into every point's hash, as if the servers had other names (0: the classic ring). */
    readonly salt = 0,
  ) {}

  /** Builds a ring for `servers` from scratch. */
  static build(servers: readonly number[], vnodes: number, salt = 0): HashRing {
    const r = new HashRing(vnodes, salt);
    for (const s of servers) r.add(s);
    return r;
  }

  get size(): number {
    return this.points.length;
  }

  has(server: number): boolean {
    return this.owners.includes(server);
  }

  /** Adds a server's points (merge of two sorted lists). */
  add(server: number): void {
    if (this.has(server)) return;
    const n = this.vnodes;
    const pts: [number, number][] = [];
    const name = this.salt === 0 ? server : hashPair(server, this.salt);
    for (let i = 0; i < n; i++) pts.push([hashPair(name, i), server]);
    pts.sort(comparePoint);
    const P = this.points;
    const O = this.owners;
    const outP = new Uint32Array(P.length + n);
    const outO = new Uint16Array(P.length + n);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < P.length || j < n) {
      const takeOld = j >= n || (i < P.length && comparePoint([P[i]!, O[i]!], pts[j]!) <= 0);
      if (takeOld) {
        outP[k] = P[i]!;
        outO[k++] = O[i++]!;
      } else {
        outP[k] = pts[j]![0];
        outO[k++] = pts[j++]![1];
      }
    }
    this.points = outP;
    this.owners = outO;
  }

  /** Removes a server's points. */
  remove(server: number): void {
    let keep = 0;
    for (let i = 0; i < this.owners.length; i++) if (this.owners[i] !== server) keep++;
    const outP = new Uint32Array(keep);
    const outO = new Uint16Array(keep);
    for (let i = 0, k = 0; i < this.owners.length; i++) {
      if (this.owners[i] === server) continue;
      outP[k] = this.points[i]!;
      outO[k++] = this.owners[i]!;
    }
    this.points = outP;
    this.owners = outO;
  }

  /** Owner of a key hash: first point clockwise at or after it. Returns 0xffff on an empty ring. */
  lookup(hash: number): number {
    const P = this.points;
    const n = P.length;
    if (n === 0) return 0xffff;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (P[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === n ? 0 : lo]!;
  }

  clone(): HashRing {
    const r = new HashRing(this.vnodes, this.salt);
    r.points = this.points.slice();
    r.owners = this.owners.slice();
    return r;
  }
}

// Ties on position (a 32-bit collision) break by server id so every build orders points alike.
function comparePoint(x: readonly [number, number], y: readonly [number, number]): number {
  return x[0] - y[0] || x[1] - y[1];
}
