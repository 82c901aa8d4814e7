/** Bytes the buffered copies may take by default (12 bytes each; per-user heads not included). */
export const MIGRATION_BUFFER_BUDGET_BYTES = 24 * 1024 * 1024;

/** What {@link MigrationBuffer.push} did with a copy. */
export const BufferPush = { Kept: 0, UserFull: 1, OverBudget: 2 } as const;

/**
 * Copies a new owner keeps for users moving to it during a consistent-hashing migration, until
 * each user connects (then they are flushed) or the migration ends (then they are dropped).
 * A pool of linked entries in typed arrays: no allocation per message; per-user heads are
 * allocated on first use.
 */
export class MigrationBuffer {
  private head: Int32Array | null = null;
  private tail: Int32Array | null = null;
  private count: Uint16Array | null = null;
  private seq = new Int32Array(0);
  private commit = new Int32Array(0);
  private next = new Int32Array(0);
  private free = -1;

  constructor(
    private readonly users: number,
    /** Messages kept per user at most; beyond it copies are refused (and lost). */
    readonly capPerUser = 256,
    /** Bytes all copies may take; beyond it copies are refused (and lost) too. */
    readonly budgetBytes = MIGRATION_BUFFER_BUDGET_BYTES,
  ) {}

  /**
   * Keeps one copy for user `u`. Returns a {@link BufferPush} code: kept, refused because the
   * user's buffer is full, or refused because the whole buffer is at its byte budget.
   */
  push(u: number, seq: number, commitI32: number): number {
    if (this.head === null) {
      this.head = new Int32Array(this.users).fill(-1);
      this.tail = new Int32Array(this.users).fill(-1);
      this.count = new Uint16Array(this.users);
    }
    if (this.count![u]! >= this.capPerUser) return BufferPush.UserFull;
    if (this.free < 0 && !this.grow()) return BufferPush.OverBudget;
    const e = this.free;
    this.free = this.next[e]!;
    this.seq[e] = seq;
    this.commit[e] = commitI32;
    this.next[e] = -1;
    const t = this.tail![u]!;
    if (t < 0) this.head[u] = e;
    else this.next[t] = e;
    this.tail![u] = e;
    this.count![u]!++;
    return BufferPush.Kept;
  }

  has(u: number): boolean {
    return this.head !== null && this.head[u]! >= 0;
  }

  /** Hands user u's copies to `fn` in arrival order and empties the buffer. */
  release(u: number, fn: (seq: number, commitI32: number) => void): void {
    if (this.head === null) return;
    let e = this.head[u]!;
    while (e >= 0) {
      const nx = this.next[e]!;
      fn(this.seq[e]!, this.commit[e]!);
      this.next[e] = this.free;
      this.free = e;
      e = nx;
    }
    this.head[u] = -1;
    this.tail![u] = -1;
    this.count![u] = 0;
  }

  /** Users with something buffered. */
  forEachUser(fn: (u: number) => void): void {
    if (this.head === null) return;
    for (let u = 0; u < this.users; u++) if (this.head[u]! >= 0) fn(u);
  }

  /** Visits every buffered copy without removing it. */
  forEachCopy(fn: (u: number, seq: number) => void): void {
    if (this.head === null) return;
    for (let u = 0; u < this.users; u++) {
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) fn(u, this.seq[e]!);
    }
  }

  get bytes(): number {
    const perUser = this.head === null ? 0 : this.users * 10;
    return perUser + this.seq.byteLength * 3;
  }

  /** Doubles the entry pool within the budget; false when it is already at the budget. */
  private grow(): boolean {
    const old = this.seq.length;
    const n = Math.min(Math.max(1024, old * 2), Math.floor(this.budgetBytes / 12));
    if (n <= old) return false;
    const seq = new Int32Array(n);
    seq.set(this.seq);
    const commit = new Int32Array(n);
    commit.set(this.commit);
    const next = new Int32Array(n);
    next.set(this.next);
    for (let i = old; i < n; i++) next[i] = i + 1 < n ? i + 1 : -1;
    this.seq = seq;
    this.commit = commit;
    this.next = next;
    this.free = old;
    return true;
  }
}
