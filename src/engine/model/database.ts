import type { Kernel } from '../core/kernel';
import type { Rng } from '../core/rng';

/** DB operations: what a completed query does next. */
export const DbOp = { Read: 0, Write: 1, Recover: 2 } as const;

/**
 * The database as an M/M/c queue: `concurrency` queries in service at once, exponential service
 * times, a FIFO wait queue bounded by `maxQueue` (a full connection pool rejects at once).
 * Completions are scheduled as kernel events of type `doneType` carrying (op, a, b).
 */
export class Database {
  busy = 0;
  /** Time-integral of busy workers (µs·workers) and of queue length, for utilisation and Little's law. */
  busyAreaUs = 0;
  queueAreaUs = 0;
  /** Sum of waits in queue (µs) and queries that started service. */
  waitSumUs = 0;
  started = 0;
  rejected = 0;

  private lastChangeUs = 0;
  private qOp: Uint8Array;
  private qA: Int32Array;
  private qB: Int32Array;
  private qT: Float64Array;
  private qHead = 0;
  private qSize = 0;
  private qMask: number;

  constructor(
    private readonly k: Kernel,
    private readonly rng: Rng,
    readonly concurrency: number,
    readonly meanServiceUs: number,
    readonly maxQueue: number,
    private readonly doneType: number,
  ) {
    const cap = 1024;
    this.qMask = cap - 1;
    this.qOp = new Uint8Array(cap);
    this.qA = new Int32Array(cap);
    this.qB = new Int32Array(cap);
    this.qT = new Float64Array(cap);
  }

  /** Bytes of the wait queue (bounded by `maxQueue`). */
  get bytes(): number {
    return (this.qMask + 1) * 17;
  }

  get queueLength(): number {
    return this.qSize;
  }

  /** A query arrives now. Returns false when the DB rejects it (queue full). */
  submit(op: number, a: number, b: number): boolean {
    this.account();
    if (this.busy < this.concurrency) {
      this.busy++;
      this.started++;
      this.k.schedule(this.serviceUs(), this.doneType, op, a, b);
      return true;
    }
    if (this.qSize >= this.maxQueue) {
      this.rejected++;
      return false;
    }
    if (this.qSize > this.qMask) this.grow();
    const i = (this.qHead + this.qSize) & this.qMask;
    this.qOp[i] = op;
    this.qA[i] = a;
    this.qB[i] = b;
    this.qT[i] = this.k.now;
    this.qSize++;
    return true;
  }

  /** Call on each completion event: frees the worker and starts the next waiting query. */
  complete(): void {
    this.account();
    if (this.qSize > 0) {
      const i = this.qHead;
      this.qHead = (i + 1) & this.qMask;
      this.qSize--;
      this.waitSumUs += this.k.now - this.qT[i]!;
      this.started++;
      this.k.schedule(this.serviceUs(), this.doneType, this.qOp[i]!, this.qA[i]!, this.qB[i]!);
    } else {
      this.busy--;
    }
  }

  /** Brings the time integrals up to now. */
  account(): void {
    const dt = this.k.now - this.lastChangeUs;
    if (dt > 0) {
      this.busyAreaUs += dt * this.busy;
      this.queueAreaUs += dt * this.qSize;
      this.lastChangeUs = this.k.now;
    }
  }

  private serviceUs(): number {
    // At least 1 µs so a completion never lands at its own arrival instant.
    return Math.max(1, Math.round(this.rng.exp(this.meanServiceUs)));
  }

  private grow(): void {
    const cap = (this.qMask + 1) * 2;
    const op = new Uint8Array(cap);
    const a = new Int32Array(cap);
    const b = new Int32Array(cap);
    const t = new Float64Array(cap);
    for (let j = 0; j < this.qSize; j++) {
      const i = (this.qHead + j) & this.qMask;
      op[j] = this.qOp[i]!;
      a[j] = this.qA[i]!;
      b[j] = this.qB[i]!;
      t[j] = this.qT[i]!;
    }
    this.qOp = op;
    this.qA = a;
    this.qB = b;
    this.qT = t;
    this.qHead = 0;
    this.qMask = cap - 1;
  }
}
