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
  up = true;
  /** Queued publishes that died with a crash: the next this-many completions are discarded. */
  discard = 0;
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
    if (!this.up || this.queue >= this.maxQueue) return -1;
    const serviceUs = (work * 1e6) / this.capacityPerS;
    this.busyUntilUs = Math.max(nowUs, this.busyUntilUs) + serviceUs;
    this.workUs += serviceUs;
    this.queue++;
    return Math.ceil(this.busyUntilUs);
  }

  /**
   * Work that takes this node's CPU but routes nothing here (a cluster-bus message it relays to
   * its own subscribers): later publishes wait behind it.
   */
  charge(nowUs: number, work: number): void {
    if (!this.up) return;
    const serviceUs = (work * 1e6) / this.capacityPerS;
    this.busyUntilUs = Math.max(nowUs, this.busyUntilUs) + serviceUs;
    this.workUs += serviceUs;
  }

  /** A publish left the queue. Returns false when it was lost in a crash instead of routed. */
  done(): boolean {
    this.queue--;
    if (this.discard > 0) {
      this.discard--;
      return false;
    }
    return true;
  }

  /** The node dies: everything queued is lost (the queue is FIFO, so it is the next `queue` completions). */
  crash(): void {
    this.up = false;
    this.discard = this.queue;
  }

  /** The node is back, empty; endpoint servers re-subscribe as they reconnect to it. */
  recover(nowUs: number): void {
    this.up = true;
    this.busyUntilUs = Math.max(this.busyUntilUs, nowUs);
  }
}
