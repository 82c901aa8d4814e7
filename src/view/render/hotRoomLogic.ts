/**
 * What the page draws for hot rooms (issue 11; MECHANISMS.md "Liveness, capacity and deploys" →
 * hot rooms): which sampled client dots belong to the hottest room (they glow), and one traffic
 * bar per broker shard (Redis Cluster master / Kafka partition) scaled to the busiest, so the hot
 * room's shard stands out. Pure functions; the DOM is in topology.ts and brokerDetail.ts.
 */

/**
 * Marks, per client-grid slot, whether the sampled user in it is a member of the hot room
 * (users `firstUser` … `firstUser + members − 1`). Sample users are ascending, so the walk stops
 * past the room. Writes 1/0 into `out` (its length is the grid's capacity) and returns how many
 * slots it marked.
 */
export function hotRoomSlots(
  sampleUsers: ArrayLike<number>,
  firstUser: number,
  members: number,
  out: Uint8Array,
): number {
  out.fill(0);
  const end = firstUser + members;
  const n = Math.min(out.length, sampleUsers.length);
  let marked = 0;
  for (let i = 0; i < n; i++) {
    const u = sampleUsers[i]!;
    if (u >= end) break;
    if (u >= firstUser) {
      out[i] = 1;
      marked++;
    }
  }
  return marked;
}

export interface ShardBars {
  /** The shard with the most traffic (the lowest id on a tie); −1 before any traffic. */
  hottest: number;
  /** Each shard's bar length as a share of the longest (the hottest's is 1). */
  fill: number[];
  /** Each shard's share of all broker traffic. */
  share: number[];
}

/** Bars from each shard's traffic so far (publishes + deliveries). */
export function shardBars(traffic: readonly number[]): ShardBars {
  let hottest = -1;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < traffic.length; i++) {
    const x = traffic[i]!;
    sum += x;
    if (x > max) {
      max = x;
      hottest = i;
    }
  }
  return {
    hottest,
    fill: traffic.map((x) => (max > 0 ? x / max : 0)),
    share: traffic.map((x) => (sum > 0 ? x / sum : 0)),
  };
}
