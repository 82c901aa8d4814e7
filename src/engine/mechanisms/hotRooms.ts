import type { Rng } from '../core/rng';
import type { World } from '../world';

/**
 * Which room a message is sent in (`roomPopularity`). `uniform`: every user sends alike, so rooms
 * are as busy as they are big. `zipf`: room k (0-based, k = 0 the hottest) is picked with
 * probability (k + 1)^−s / H(n, s), then a sender uniformly among its members, so a few rooms —
 * and the broker shard or partition they hash to — run hot. Sampling is a binary search of the
 * cumulative weights: no allocation per send.
 */
export class RoomPopularity {
  /** Cumulative Zipf weights, normalised to end at 1 (null: uniform over users). */
  private readonly cdf: Float64Array | null;

  constructor(private readonly w: World) {
    const s = w.scenario;
    if (s.roomPopularity !== 'zipf') {
      this.cdf = null;
      return;
    }
    const n = w.rooms;
    const cdf = new Float64Array(n);
    let acc = 0;
    for (let k = 0; k < n; k++) {
      acc += Math.pow(k + 1, -s.zipfS);
      cdf[k] = acc;
    }
    for (let k = 0; k < n; k++) cdf[k] = cdf[k]! / acc;
    cdf[n - 1] = 1;
    this.cdf = cdf;
  }

  /** The sender of the next message. */
  pickSender(rng: Rng): number {
    const w = this.w;
    const cdf = this.cdf;
    if (cdf === null) return rng.int(w.users);
    const x = rng.next();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo * w.roomSize + rng.int(w.membersOf(lo));
  }

  /** The Zipf probability of the hottest room (1/H(n, s)); null when uniform. */
  hottestRoomShare(): number | null {
    return this.cdf === null ? null : this.cdf[0]!;
  }

  memoryBytes(): number {
    return this.cdf?.byteLength ?? 0;
  }
}
