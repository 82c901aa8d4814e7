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
  private maxItems: number;

  constructor(max: number) {
    if (!(max >= 2)) throw new Error('a checkpoint store needs room for at least 2');
    this.maxItems = max;
  }

  /** Checkpoints kept at most; lowering it thins at once (a world that grew gets fewer copies). */
  get max(): number {
    return this.maxItems;
  }

  set max(n: number) {
    if (!(n >= 2)) throw new Error('a checkpoint store needs room for at least 2');
    this.maxItems = n;
    while (this.items.length > n) this.thin();
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
    while (this.items.length > this.maxItems) this.thin();
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

/** Bytes all rewind checkpoints together may take by default. */
export const CHECKPOINT_BUDGET_BYTES = 240e6;

/**
 * How many checkpoints fit a memory budget when one copy of the world holds `bytesPerCopy` (the
 * engine's `memoryBytes()`: its stores are what a copy duplicates), plus ~2 MB of small objects
 * per copy. At least 3, so a big world still has t = 0, a middle and the newest; at most 24.
 */
export function checkpointLimit(bytesPerCopy: number, budgetBytes = CHECKPOINT_BUDGET_BYTES): number {
  const perCopy = Math.max(0, bytesPerCopy) + 2e6;
  return Math.max(3, Math.min(24, Math.floor(budgetBytes / perCopy)));
}

/**
 * Bytes of one copy of a world when the engine cannot say: ~80 bytes a user (measured in Node at
 * 100K users: 3–7 MB a copy) — only for simulations without `memoryBytes()`.
 */
export function guessBytesPerCopy(users: number): number {
  return users * 80;
}
