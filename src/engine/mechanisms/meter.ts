import type { Broker } from '../model/broker';
import type { Database } from '../model/database';
import { E_SECOND } from '../events';
import type { PollingStrategy } from '../strategies/polling';
import type { World } from '../world';

/** Once a simulated second: a series row, and the DB's and brokers' utilisation over that second. */
export class Meter {
  dbUtilLastS = 0;
  readonly brokerUtilLastS: number[] = [];
  private dbBusyPrev = 0;
  private readonly brokerWorkPrevUs: number[] = [];

  constructor(
    private readonly w: World,
    private readonly db: Database,
    private readonly brokers: Broker[],
    /** Polling's requests in flight stand for its open connections. */
    private readonly polling: PollingStrategy | null,
  ) {}

  /** Open client connections now (polling: requests in flight). */
  openConnections(): number {
    return this.polling !== null ? this.polling.inflight : this.w.pool.totalConnections();
  }

  start(): void {
    this.w.kernel.scheduleAt(1_000_000, E_SECOND);
  }

  onSecond(): void {
    const w = this.w;
    const k = w.kernel;
    k.scheduleAt(k.now + 1_000_000, E_SECOND);
    w.metrics.rollSecond(k.now / 1e6 - 1, this.openConnections());
    const db = this.db;
    db.account();
    this.dbUtilLastS = (db.busyAreaUs - this.dbBusyPrev) / (1e6 * db.concurrency);
    this.dbBusyPrev = db.busyAreaUs;
    this.brokers.forEach((b, i) => {
      this.brokerUtilLastS[i] = Math.min(1, (b.workUs - (this.brokerWorkPrevUs[i] ?? 0)) / 1e6);
      this.brokerWorkPrevUs[i] = b.workUs;
    });
    w.pool.rollSecond();
  }
}
