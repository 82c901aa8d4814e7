/**
 * Checkpoints for rewind: deep copies of the simulation at simulated instants, bounded in number.
 * Seeking restores the newest copy at or before the target and re-runs forward (the engine is
 * deterministic, so the re-run reproduces what happened), which is why no event is ever stored.
 *
 * Thinning: when the store is full, the checkpoint whose removal leaves the smallest gap *for its
 * age* goes (gap ÷ time before the newest), so spacing grows roughly geometrically into the past.
 * The first (t = 0) and the newest always stay: a little step back stays cheap, a far seek costs a
 * longer re-run.
 */
export interface Checkpoint<T> {
  atUs: number;
  state: T;
}

export class CheckpointStore<T> {
  private items: Checkpoint<T>[] = [];

  constructor(readonly max: number) {
    if (!(max >= 2)) throw new Error('a checkpoint store needs room for at least 2');
  }

  get size(): number {
    return this.items.length;
  }

  get times(): number[] {
    return this.items.map((c) => c.atUs);
  }

  get newestUs(): number {
    return this.items.length ? this.items[this.items.length - 1]!.atUs : -Infinity;
  }

  clear(): void {
    this.items = [];
  }

  /** Adds a checkpoint (times must not go backwards; an equal time replaces). */
  add(atUs: number, state: T): void {
    const last = this.items[this.items.length - 1];
    if (last && atUs < last.atUs) throw new Error('checkpoints must be added in time order');
    if (last && atUs === last.atUs) this.items.pop();
    this.items.push({ atUs, state });
    while (this.items.length > this.max) this.thin();
  }

  /** The newest checkpoint at or before `tUs`, or null. */
  atOrBefore(tUs: number): Checkpoint<T> | null {
    let best: Checkpoint<T> | null = null;
    for (const c of this.items) {
      if (c.atUs > tUs) break;
      best = c;
    }
    return best;
  }

  /** Forgets every checkpoint after `tUs` (a fork: that future no longer happens). */
  truncateAfter(tUs: number): void {
    let n = this.items.length;
    while (n > 0 && this.items[n - 1]!.atUs > tUs) n--;
    this.items.length = n;
  }

  private thin(): void {
    const it = this.items;
    // Candidates: all but the first and the newest. Removing i merges the gaps on either side.
    const newest = it[it.length - 1]!.atUs;
    let drop = -1;
    let best = Infinity;
    for (let i = 1; i < it.length - 1; i++) {
      const cost = (it[i + 1]!.atUs - it[i - 1]!.atUs) / Math.max(1, newest - it[i]!.atUs);
      if (cost < best) {
        best = cost;
        drop = i;
      }
    }
    it.splice(drop < 0 ? 0 : drop, 1);
  }
}

/**
 * How many checkpoints fit a memory budget for a world of `users` users. Measured in Node at 100K
 * users: a copy takes 3–7 MB (up to ~65 bytes a user, polling the largest) and 7–18 ms; 80 bytes a
 * user leaves headroom. At least 3, so a big world still has t = 0, a middle and the newest.
 */
export function checkpointLimit(users: number, budgetBytes = 240e6): number {
  const perCopy = users * 80 + 2e6;
  return Math.max(3, Math.min(24, Math.floor(budgetBytes / perCopy)));
}
