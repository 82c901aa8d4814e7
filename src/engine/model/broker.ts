/**
 * A Redis-like pub/sub broker node: single-threaded, FIFO, a fixed number of routed messages per
 * second, and a bounded backlog (an output-buffer limit) past which publishes are dropped.
 * Because it serves one publish at a time in arrival order, completion times only grow: the
 * simulation keeps its queue as a monotone kernel lane and asks the broker only *when* each
 * publish will be done.
 */
export class Broker {
  /** Publishes accepted and not yet routed. */
  queue = 0;
  /** Total busy time so far (µs), for utilisation. */
  workUs = 0;
  private busyUntilUs = 0;

  constructor(
    readonly capacityPerS: number,
    readonly maxQueue: number,
  ) {}

  /**
   * A publish costing `work` routed messages arrives at `nowUs`. Returns the time it is routed
   * (µs, whole), or -1 when the backlog is full and it is dropped.
   */
  admit(nowUs: number, work: number): number {
    if (this.queue >= this.maxQueue) return -1;
    const serviceUs = (work * 1e6) / this.capacityPerS;
    this.busyUntilUs = Math.max(nowUs, this.busyUntilUs) + serviceUs;
    this.workUs += serviceUs;
    this.queue++;
    return Math.ceil(this.busyUntilUs);
  }

  /** A publish has been routed. */
  done(): void {
    this.queue--;
  }
}
