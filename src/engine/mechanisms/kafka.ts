import { hashInt } from '../core/hash';
import { E_KAFKA_COMMIT, E_KAFKA_CONSUME, F_ROOM } from '../events';
import type { World } from '../world';
import { pickSlowServers } from './slowConsumers';

/** Bytes the log's records may take (all partitions), besides 64 bytes a user. */
export const KAFKA_LOG_BUDGET_BYTES = 16 * 1024 * 1024;

/** Salt of the partitioner's hash (topic key → partition). */
const PARTITION_SALT = 0x4b61666b;

/** Partition of a topic key (a user id, or a room id for room topics): hash mod partitions. */
export function partitionOf(key: number, room: boolean, partitions: number): number {
  return hashInt(room ? key ^ 0x40000000 : key, PARTITION_SALT) % partitions;
}

/** What the consumer hands on: the strategy fans a processed record out to its recipients. */
export interface RecordSink {
  deliverRecord(target: number, seq: number, t0: number, d: number, replay: boolean): void;
  /** Recipients of a record (room topic: members − 1). */
  recipientsOf(target: number, d: number): number;
}

/**
 * A Kafka-like log broker (MECHANISMS.md): the topic is split into `partitions` append-only logs
 * (key → partition by hash, so one user's or one room's messages keep their order); the endpoint
 * servers form one consumer group, each partition consumed by one server (partition p starts on
 * up server p mod N), which processes each record and forwards it to the recipient's server.
 *
 * Each consumer keeps per partition its processed offset and its committed offset. With
 * `"after-processing"` it commits the processed offset every `autoCommitIntervalMs` (the ticks
 * start at a random phase); with `"before-processing"` it commits each record's offset as it
 * fetches it, before processing. When a consumer's server crashes its partitions wait in the log
 * (consumer lag grows) until the crash is detected; the group then hands them to the live servers,
 * which resume from the last committed offset: after processing, the records processed since the
 * last commit are replayed (duplicates, `redeliveries`), nothing is lost; before processing, the
 * records fetched but not yet processed at the crash are lost, and nothing is replayed. A server
 * removed gracefully commits before it leaves (no replay).
 *
 * The log keeps the last `cap` records of each partition in a ring (at most `retentionS` worth,
 * and at most {@link KAFKA_LOG_BUDGET_BYTES} plus 64 bytes a user over all partitions): a record
 * that leaves it before a consumer processed it is lost; a replay reaching further back finds
 * nothing to replay. Typed arrays only; no allocation per record.
 */
export class KafkaLog {
  readonly partitions: number;
  /** Per partition: records appended (the log-end offset). */
  readonly end: Float64Array;
  /** Per partition: highest offset processed by its current consumer. */
  readonly processed: Float64Array;
  /** Per partition: highest offset ever processed (a replay below it is a duplicate). */
  private readonly maxProcessed: Float64Array;
  /** Per partition: the committed offset (the group resumes after it). */
  readonly committed: Float64Array;
  /** Per partition: the server consuming it. */
  readonly owner: Uint16Array;
  /** Per partition: assignment generation (records fetched under an older one are dropped). */
  private readonly gen: Uint32Array;
  /** Per partition: 1 while its consumer is gone and no live server could take it over. */
  private readonly orphan: Uint8Array;
  /** Per server: records appended to its partitions and not yet processed (consumer lag). */
  readonly lag: Float64Array;
  /** Records lost at consumers (fetched but not processed when a committed-before consumer crashed, or expired). */
  lostRecords = 0;
  /** Copies replayed after a rebalance (also counted in `redeliveries`). */
  replayedCopies = 0;

  readonly cap: number;
  private readonly mask: number;
  private readonly rTarget: Int32Array;
  private readonly rSeq: Uint32Array;
  private readonly rT0: Int32Array;
  private readonly rD: Int32Array;
  /** Broker → consumer fetch plus processing: a fixed delay, so each partition stays in order. */
  private readonly consumeLane: number;
  private readonly afterProcessing: boolean;
  /**
   * Per server: 1 for a slow consumer (`slowConsumerShare`), which processes at most
   * `slowConsumerMsgsPerS` records a second. Consumers pull, so nothing is cut off as with Redis's
   * output buffers: its records wait in the log and its lag grows (lost only if they expire).
   */
  private readonly slow = new Uint8Array(64);
  /** Per slow server: when it will have processed what it has fetched (µs). */
  private readonly slowFreeUs = new Float64Array(64);
  private readonly slowServiceUs: number;
  /** Broker → consumer fetch plus processing (µs): the consume lane's delay. */
  private readonly consumeDelayUs: number;

  constructor(
    private readonly w: World,
    private readonly sink: RecordSink,
    servers: number,
  ) {
    const s = w.scenario;
    const P = (this.partitions = s.partitions);
    this.end = new Float64Array(P);
    this.processed = new Float64Array(P);
    this.maxProcessed = new Float64Array(P);
    this.committed = new Float64Array(P);
    this.owner = new Uint16Array(P);
    this.gen = new Uint32Array(P);
    this.orphan = new Uint8Array(P);
    this.lag = new Float64Array(64);
    for (let p = 0; p < P; p++) this.owner[p] = p % servers;
    this.afterProcessing = s.consumerCommit === 'after-processing';
    // Ring per partition: twice the records of (commit interval + detection + 30 s), within retention.
    const recordsPerS = (s.users * s.messagesPerUserPerMin) / 60 / P;
    const spanS = Math.min(s.retentionS, s.autoCommitIntervalMs / 1000 + s.failureDetectionS + 30);
    // Bounded by bytes too (16 per record), like Kafka's `retention.bytes`: 16 MB plus 64 bytes a
    // user over all partitions, so many partitions of a busy log cannot take hundreds of MB up
    // front (fuzz seed 726: 728 partitions × 65,536 records = 763 MB). Records beyond it expire
    // sooner than `retentionS` and count as lost when they leave unread.
    const maxSlots = (KAFKA_LOG_BUDGET_BYTES + 64 * s.users) / 16 / P;
    let cap = 64;
    while (cap < 2 * recordsPerS * spanS && cap < 1 << 16 && cap * 2 <= maxSlots) cap *= 2;
    this.cap = cap;
    this.mask = cap - 1;
    this.rTarget = new Int32Array(P * cap);
    this.rSeq = new Uint32Array(P * cap);
    this.rT0 = new Int32Array(P * cap);
    this.rD = new Int32Array(P * cap);
    this.consumeDelayUs = w.dcHopUs + w.procUs;
    this.consumeLane = w.kernel.addLane(this.consumeDelayUs);
    if (s.slowConsumerShare > 0) pickSlowServers(this.slow, s.slowConsumerShare);
    this.slowServiceUs = 1e6 / s.slowConsumerMsgsPerS;
  }

  /** Starts the commit ticks at a random phase (consumers do not commit in step with the run). */
  start(): void {
    if (!this.afterProcessing) return;
    const intervalUs = Math.round(this.w.scenario.autoCommitIntervalMs * 1000);
    this.w.kernel.scheduleAt(
      1 + Math.floor(this.w.rng.fork('kafka-commit').next() * intervalUs),
      E_KAFKA_COMMIT,
    );
  }

  /** Partition of a publish's topic. */
  partitionOfTopic(target: number, d: number): number {
    return partitionOf(target, (d >>> 16) & F_ROOM ? true : false, this.partitions);
  }

  /** The broker appended a record: its consumer fetches it unless its server is down. */
  append(p: number, target: number, seq: number, t0: number, d: number): void {
    const w = this.w;
    const off = ++this.end[p]!;
    const slot = p * this.cap + (off & this.mask);
    const gone = off - this.cap;
    if (gone > Math.max(this.processed[p]!, this.maxProcessed[p]!)) {
      // The ring is full: the record `cap` older leaves the log before any consumer processed it
      // (retention): its copies are lost now, while the slot still says whose they were.
      this.lostRecords++;
      w.lose(this.sink.recipientsOf(this.rTarget[slot]!, this.rD[slot]!));
    }
    this.rTarget[slot] = target;
    this.rSeq[slot] = seq;
    this.rT0[slot] = t0;
    this.rD[slot] = d;
    let srv = this.owner[p]!;
    if (w.pool.state[srv] === 'removed') {
      // The consumer left gracefully: it committed what it processed; the group reassigns.
      this.committed[p] = this.processed[p]!;
      this.reassign(p);
      return;
    }
    srv = this.owner[p]!;
    const lag = ++this.lag[srv]!;
    if (lag > w.t.consumerLagMax) w.t.consumerLagMax = lag;
    if (w.pool.state[srv] === 'crashed') return; // waits in the log until the group notices
    this.fetch(p, off);
  }

  private fetch(p: number, off: number): void {
    const k = this.w.kernel;
    const srv = this.owner[p]!;
    if (this.slow[srv] === 1) {
      // A slow consumer takes its records one after another at its own rate (in order, so each
      // partition stays in order); it fetches a record only when it gets to it, so committing
      // before processing risks that record alone (see onConsume).
      const start = Math.max(k.now + this.consumeDelayUs, this.slowFreeUs[srv]!);
      this.slowFreeUs[srv] = start + this.slowServiceUs;
      k.scheduleAt(start + this.slowServiceUs, E_KAFKA_CONSUME, p, off, this.gen[p]!, 0);
      return;
    }
    if (!this.afterProcessing) this.committed[p] = off;
    k.scheduleLane(this.consumeLane, E_KAFKA_CONSUME, p, off, this.gen[p]!, 0);
  }

  /** A fetched record reaches its consumer's processing. */
  onConsume(p: number, off: number, gen: number): void {
    if (gen !== this.gen[p]) return; // fetched under an older assignment: the new owner replays it
    const w = this.w;
    const srv = this.owner[p]!;
    const slot = p * this.cap + (off & this.mask);
    if (this.end[p]! - off >= this.cap) {
      // Expired on its way to the consumer (counted when it left the ring; its slot is reused).
      this.processed[p] = off;
      this.lag[srv] = Math.max(0, this.lag[srv]! - 1);
      return;
    }
    if (w.pool.state[srv] === 'crashed') {
      // Died with the consumer. Committed before processing: gone for good (a slow consumer had
      // not fetched it yet, so it stays in the log for the next owner).
      if (!this.afterProcessing && this.slow[srv] !== 1) {
        this.lostRecords++;
        w.lose(this.sink.recipientsOf(this.rTarget[slot]!, this.rD[slot]!));
        this.processed[p] = off; // settled (lost): no longer pending
        this.lag[srv]!--;
      }
      return;
    }
    if (!this.afterProcessing && this.slow[srv] === 1) this.committed[p] = off;
    this.processed[p] = off;
    this.lag[srv]!--;
    const replay = off <= this.maxProcessed[p]!;
    if (!replay) this.maxProcessed[p] = off;
    else {
      const n = this.sink.recipientsOf(this.rTarget[slot]!, this.rD[slot]!);
      this.replayedCopies += n;
      w.t.redeliveries += n;
    }
    this.sink.deliverRecord(this.rTarget[slot]!, this.rSeq[slot]!, this.rT0[slot]!, this.rD[slot]!, replay);
  }

  /** Auto-commit tick (after processing): every live consumer commits what it has processed. */
  onCommitTick(): void {
    const w = this.w;
    for (let p = 0; p < this.partitions; p++)
      if (w.pool.state[this.owner[p]!] !== 'crashed') this.committed[p] = this.processed[p]!;
    w.kernel.schedule(Math.round(w.scenario.autoCommitIntervalMs * 1000), E_KAFKA_COMMIT);
  }

  /** The group noticed server `srv` is dead: its partitions go to live servers and resume from the commit. */
  onCrashDetected(srv: number): void {
    for (let p = 0; p < this.partitions; p++) if (this.owner[p] === srv) this.reassign(p);
    this.lag[srv] = 0;
  }

  /**
   * Server `srv` came up (restarted or added): the group hands it the partitions nobody could take
   * when their consumer went (every server was down), from their committed offsets. Without this
   * they would wait for good, and the next record fetched would skip the ones waiting (fuzz seed
   * 5524: the only server crashed and restarted; 613 copies vanished from the counts).
   */
  onServerUp(): void {
    for (let p = 0; p < this.partitions; p++) if (this.orphan[p] === 1) this.reassign(p);
  }

  /** Hands partition p to the live server consuming the fewest partitions, from its committed offset. */
  private reassign(p: number): void {
    const w = this.w;
    const pool = w.pool;
    const old = this.owner[p]!;
    let best = -1;
    let bestCount = Infinity;
    for (let s = 0; s < pool.count; s++) {
      if (pool.state[s] !== 'up') continue;
      let n = 0;
      for (let q = 0; q < this.partitions; q++) if (this.owner[q] === s) n++;
      if (n < bestCount) {
        bestCount = n;
        best = s;
      }
    }
    if (best < 0) {
      this.orphan[p] = 1; // nobody to consume: the records wait for a server to come up
      return;
    }
    this.orphan[p] = 0;
    this.lag[old] = Math.max(0, this.lag[old]! - (this.end[p]! - this.processed[p]!));
    this.owner[p] = best;
    this.gen[p]!++;
    const from = this.committed[p]!;
    this.processed[p] = from;
    const end = this.end[p]!;
    this.lag[best]! += end - from;
    if (this.lag[best]! > w.t.consumerLagMax) w.t.consumerLagMax = this.lag[best]!;
    for (let off = from + 1; off <= end; off++) {
      if (end - off >= this.cap) {
        // Left the log's ring: nothing to replay. Its loss was counted when it left (if no
        // consumer had processed it; otherwise that first processing settled its copies).
        this.processed[p] = off;
        this.lag[best]!--;
        continue;
      }
      this.fetch(p, off);
    }
  }

  /**
   * Copies of records appended and never processed (waiting in the log or on their way to a
   * consumer). Records a new owner replays were processed before: their copies were settled then.
   */
  pendingCopies(): number {
    let n = 0;
    for (let p = 0; p < this.partitions; p++) {
      const end = this.end[p]!;
      const from = Math.max(this.processed[p]!, this.maxProcessed[p]!) + 1;
      for (let off = Math.max(from, end - this.cap + 1); off <= end; off++) {
        const slot = p * this.cap + (off & this.mask);
        n += this.sink.recipientsOf(this.rTarget[slot]!, this.rD[slot]!);
      }
    }
    return n;
  }

  memoryBytes(): number {
    return this.rTarget.byteLength * 4 + this.end.byteLength * 5 + this.orphan.byteLength;
  }
}
