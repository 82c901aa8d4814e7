import { PairSet } from '../core/pairSet';
import { hasSeq, markSeq, SEQ_WINDOW } from '../core/seqWindow';
import type { Broker } from '../model/broker';
import { DbOp, type Database } from '../model/database';
import { RoomLog } from '../model/roomLog';
import { ageUs, E_LOG_READ_DONE, E_RECOVERED, E_RECOVER_AT_DB, E_RECOVER_AT_LOG } from '../events';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Hop } from './hop';

/** Messages above the in-order mark a client tracks (bit i of its window: mark + 1 + i). */
export const WINDOW = SEQ_WINDOW;

/**
 * Segments the Kafka-like log's retention spans (`recovery: "log"`): like Kafka, the log is
 * deleted a whole segment at a time, once the segment's newest record is older than `retentionS`,
 * so a message stays readable between `retentionS` and `retentionS` × (1 + 1 / LOG_SEGMENTS).
 */
export const LOG_SEGMENTS = 4;

/** Where log recovery reads are served and costed: the broker shards, and the one holding a user's topic. */
export interface LogReads {
  readonly brokers: readonly Broker[];
  shardOfReader(r: number): number;
}

/**
 * Sequence numbers at the client (MECHANISMS.md "Delivery guarantees"), for the push strategies.
 *
 * Each client keeps `mark`, the sequence number up to which it has every message of its room (its
 * own included: the chat service tells a sender its message's number on commit), and a 32-message
 * window above it of those it has already. A copy at or below the mark, or already in the window,
 * is a duplicate: an idempotent client drops it (`duplicatesDropped`), another hands it to the
 * application again (`duplicateDeliveries`). A number more than one above the highest seen, with
 * a message missing in between, is a gap (`gapsDetected`).
 *
 * Without recovery the client hands each new message over as it comes (one that comes after a
 * higher number is an `orderViolations`). With recovery it holds messages above a gap back, fetches
 * `seq > mark` (a costed DB read through the DB queue) on a gap and on every reconnect, and hands
 * everything over in order. A transport loss is then not a loss: the message is pending until the
 * client fetches it.
 *
 * Per user: two 32-bit words, plus held messages in a shared pool. No allocation per message.
 */
export class Sequencing {
  /** Per user: every message of the room up to this number is had. */
  readonly mark: Uint32Array;
  /** Per user: bit i set when message mark + 1 + i is had (held back, delivered, or own). */
  readonly window: Uint32Array;
  /** Per user: 0 idle, 1 a recovery read in flight, 2 in flight and another wanted after it. */
  readonly recovering: Uint8Array;
  /**
   * Per user, without recovery: the highest number the application has received from others (its
   * own messages are shown as sent, so a reply racing them is not an order violation).
   */
  private readonly topReceived: Uint32Array;
  /** Per room, the recent messages' send time and sender (what a recovery read returns). */
  readonly log: RoomLog;
  readonly recovers: boolean;
  /** `recovery: "log"`: reads go to the Kafka-like broker's log, not the DB. */
  readonly fromLog: boolean;
  readonly idempotent: boolean;
  /** Log recovery: the broker shards that serve the reads (set by the composition root). */
  logReads: LogReads | null = null;
  /** Log recovery: µs one retention segment spans. */
  private readonly segUs: number;
  /** Log recovery, per room: the last segment in which the room committed a message (−1: none). */
  private readonly segLast: Float64Array;
  /**
   * Log recovery, per room and segment (a ring of LOG_SEGMENTS + 1): the room's last sequence
   * number committed before that segment began. Messages up to it leave the log with the segment.
   */
  private readonly segBefore: Uint32Array;
  /**
   * Log recovery: messages the broker turned away (or lost in its queue), so never in its log, as
   * (topic, seq): a room for room topics, a recipient for user topics. A read skips them (lost).
   */
  private readonly notInLog = new PairSet();
  /**
   * With recovery: a sender's own messages committed more than {@link WINDOW} above its mark (it
   * is that far behind its room), as (user, seq), until its window reaches them. Marking them in
   * the window would slide it and take the messages in between as had, never delivered (fuzz
   * seed 32).
   */
  private readonly ownAhead = new PairSet();
  /** Per user (with recovery): how many of its pairs {@link ownAhead} holds. */
  private readonly ownAheadCount: Uint32Array;
  /** Size of {@link notInLog} at which the pairs no reader can still ask for are dropped. */
  private notInLogPruneAt = 1 << 16;
  private readonly held: HeldPool;
  /** Client → server → DB, and back. */
  private readonly up: Hop;
  private readonly down: Hop;

  constructor(
    private readonly w: World,
    private readonly db: Database,
    /** Bytes the recovery log may take (`StoreBudgets.roomLogBytes`; the room log's default). */
    roomLogBytes?: number,
  ) {
    const s = w.scenario;
    this.recovers = s.recovery !== 'none';
    this.fromLog = s.recovery === 'log';
    this.idempotent = s.idempotent;
    this.ownAheadCount = new Uint32Array(this.recovers ? w.users : 0);
    this.segUs = (s.retentionS * 1e6) / LOG_SEGMENTS;
    this.segLast = new Float64Array(this.fromLog ? w.rooms : 0).fill(-1);
    this.segBefore = new Uint32Array(this.fromLog ? w.rooms * (LOG_SEGMENTS + 1) : 0);
    this.mark = new Uint32Array(w.users);
    this.window = new Uint32Array(w.users);
    this.recovering = new Uint8Array(this.recovers ? w.users : 0);
    this.topReceived = new Uint32Array(this.recovers ? 0 : w.users);
    this.held = new HeldPool(this.recovers ? w.users : 0);
    const roomRatePerS = (s.messagesPerUserPerMin / 60) * s.roomSize;
    // Enough for a client away for two minutes (a crash, detection and reconnect) to learn each
    // missed message's send time and sender; older ones count as latencyUnrecorded.
    this.log = new RoomLog(this.recovers ? w.rooms : 0, RoomLog.capacityFor(roomRatePerS, 120), roomLogBytes);
    this.up = w.hop(w.procUs, w.clientHopUs + w.dcHopUs, 11, false);
    this.down = w.hop(w.procUs, w.clientHopUs + w.dcHopUs, 12, false);
  }

  /** The DB committed `seq` of `room` from `sender` (sent at `t0`): the sender has its own message. */
  onCommit(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const first = room * w.roomSize;
    if (this.recovers) this.log.record(room, seq, sender - first, w.kernel.now - ageUs(w.kernel.now, t0));
    if (this.fromLog) this.logSegment(room, seq);
    if (this.recovers && seq - this.mark[sender]! > WINDOW) {
      // Beyond the window: kept aside until the window reaches it (see ownAhead).
      this.ownAhead.add(sender, seq);
      this.ownAheadCount[sender]!++;
      return;
    }
    markSeq(this.mark, this.window, sender, seq);
    if (this.recovers) {
      this.foldOwn(sender);
      this.releaseHeld(sender);
    }
  }

  /** Moves user r's own messages that its window now reaches from {@link ownAhead} into the window. */
  private foldOwn(r: number): void {
    if (this.ownAheadCount[r] === 0) return;
    for (let q = this.mark[r]! + 1; q <= this.mark[r]! + WINDOW && this.ownAheadCount[r]! > 0; q++)
      if (this.ownAhead.take(r, q)) {
        this.ownAheadCount[r]!--;
        markSeq(this.mark, this.window, r, q);
      }
  }

  /** Log recovery: `seq` of `room` was committed now; note where its retention segments begin. */
  private logSegment(room: number, seq: number): void {
    const b = Math.floor(this.w.kernel.now / this.segUs);
    const last = this.segLast[room]!;
    if (b <= last) return;
    const ring = LOG_SEGMENTS + 1;
    // Segments the room skipped (no message in them) begin after the same message.
    for (let x = Math.max(last + 1, b - LOG_SEGMENTS); x <= b; x++)
      this.segBefore[room * ring + (x % ring)] = seq - 1;
    this.segLast[room] = b;
  }

  /**
   * Log recovery: the highest sequence number of `room` whose segment the log has deleted by now
   * (0: none). A segment goes once its newest record is older than `retentionS`.
   */
  expiredUpTo(room: number): number {
    const w = this.w;
    const bMin = Math.floor((w.kernel.now - w.scenario.retentionS * 1e6) / this.segUs);
    if (bMin < 0) return 0;
    if (this.segLast[room]! < bMin) return w.roomSeq[room]!;
    return this.segBefore[room * (LOG_SEGMENTS + 1) + (bMin % (LOG_SEGMENTS + 1))]!;
  }

  /**
   * Log recovery: the broker turned a publish away (or lost it in its queue): message `seq` of
   * `topic` (a room, or a recipient for user topics) never reached its log.
   */
  notLogged(topic: number, seq: number): void {
    const set = this.notInLog;
    set.add(topic, seq);
    if (set.size < this.notInLogPruneAt) return;
    // Bounded: a pair matters only while a reader of its topic is still below it and it has not
    // expired (amortised: the next prune waits until the set has doubled again).
    const w = this.w;
    const room = w.scenario.topic === 'room';
    set.retain((a, q) => {
      const rm = room ? a : w.roomOf(a);
      if (q <= this.expiredUpTo(rm)) return false;
      if (!room) return this.mark[a]! < q;
      const first = rm * w.roomSize;
      for (let i = w.membersOf(rm) - 1; i >= 0; i--) if (this.mark[first + i]! < q) return true;
      return false;
    });
    this.notInLogPruneAt = Math.max(1 << 16, 2 * set.size);
  }

  /** Whether user r has message `seq` (at or below its mark, or in its window). */
  has(r: number, seq: number): boolean {
    if (hasSeq(this.mark, this.window, r, seq)) return true;
    return this.ownAheadCount.length > 0 && this.ownAheadCount[r]! > 0 && this.ownAhead.has(r, seq);
  }

  /** Highest message number user r has. */
  private highest(r: number): number {
    const win = this.window[r]!;
    return win === 0 ? this.mark[r]! : this.mark[r]! + 32 - Math.clz32(win);
  }

  /**
   * A pushed copy of `seq` (sent at `t0`) reaches client r. `only`: no other copy of the message
   * has reached r (no resend, replay or earlier dual-send copy can have, or at-least-once's
   * receipts say none did). Without recovery (which may have fetched it) such a copy that the
   * client counts as had slid out of its window unreceived: the client takes it for a duplicate
   * all the same. An idempotent client drops it and the application never sees the message: lost,
   * even under at-least-once (the transport acknowledged it), and counted in `dedupeWindowLost`.
   * Another client hands it over, late.
   */
  onArrive(r: number, seq: number, t0: number, only = false): void {
    const w = this.w;
    const t = w.t;
    if (this.has(r, seq)) {
      if (only && !this.recovers) {
        if (this.idempotent) {
          t.lostDeliveries++;
          t.dedupeWindowLost++;
        } else {
          t.deliveries++;
          w.metrics.recordLatency(ageUs(w.kernel.now, t0));
          if (seq < this.topReceived[r]!) t.orderViolations++;
        }
        return;
      }
      if (this.idempotent) t.duplicatesDropped++;
      else t.duplicateDeliveries++;
      if (w.traced(r))
        w.trace.add(MsgKind.Duplicate, NodeId.Client, NodeId.Client, w.kernel.now, w.kernel.now + 1, r, seq);
      return;
    }
    const top = this.highest(r);
    if (seq > top + 1 && this.missingBetween(r, top, seq)) {
      t.gapsDetected++;
      if (w.traced(r))
        w.trace.add(MsgKind.Gap, NodeId.Client, NodeId.Client, w.kernel.now, w.kernel.now + 1, r, seq);
    }
    const m = this.mark[r]!;
    if (!this.recovers) {
      t.deliveries++;
      w.metrics.recordLatency(ageUs(w.kernel.now, t0));
      if (seq < this.topReceived[r]!) t.orderViolations++;
      else this.topReceived[r] = seq;
      markSeq(this.mark, this.window, r, seq);
      return;
    }
    if (seq === m + 1) {
      t.deliveries++;
      w.metrics.recordLatency(ageUs(w.kernel.now, t0));
      markSeq(this.mark, this.window, r, seq);
      this.foldOwn(r);
      this.releaseHeld(r);
      return;
    }
    // Above a gap: hold it back (it goes to the application once the gap is filled) and fetch.
    if (seq - m <= WINDOW) {
      this.held.push(r, seq, t0);
      this.window[r] = (this.window[r]! | (1 << (seq - m - 1))) >>> 0;
    }
    // Beyond the window it is not kept: the recovery read returns it.
    this.recover(r);
  }

  /** Whether a message numbered in (lo, hi) is missing at client r (own messages are had). */
  private missingBetween(r: number, lo: number, hi: number): boolean {
    for (let q = lo + 1; q < hi; q++) if (!this.has(r, q)) return true;
    return false;
  }

  /** Hands held messages that are now next in order to the application. */
  private releaseHeld(r: number): void {
    if (!this.held.has(r)) return;
    const w = this.w;
    for (;;) {
      const t0 = this.held.takeUpTo(r, this.mark[r]!);
      if (t0 === null) break;
      w.t.deliveries++;
      w.metrics.recordLatency(ageUs(w.kernel.now, t0));
    }
  }

  /** Client r starts a recovery read (`seq > mark`) unless one is in flight (then it asks again after). */
  recover(r: number): void {
    const st = this.recovering[r]!;
    if (st !== 0) {
      this.recovering[r] = 2;
      return;
    }
    this.recovering[r] = 1;
    const w = this.w;
    const k = w.kernel;
    const delayUs = this.up.send(this.fromLog ? E_RECOVER_AT_LOG : E_RECOVER_AT_DB, r, 0, 0, 0, r, k.now);
    // The request, labelled with the number it asks after (`seq > mark`).
    if (w.traced(r))
      w.trace.add(
        MsgKind.Recovery,
        NodeId.Client,
        this.fromLog ? NodeId.Broker : NodeId.Db,
        k.now,
        k.now + delayUs,
        r,
        this.mark[r]!,
      );
  }

  /** Every reconnect: fetch what may have been missed while away. */
  onConnected(u: number): void {
    if (this.recovers) this.recover(u);
  }

  onDisconnected(): void {}

  /** The recovery read reaches the DB and queues like any query. */
  onRecoverAtDb(r: number): void {
    const w = this.w;
    if (!this.db.submit(DbOp.Recover, r, 0)) {
      w.t.dbRejected++;
      // Refused: the client tries again after a second (it still has the gap).
      w.kernel.schedule(1_000_000, E_RECOVER_AT_DB, r);
    }
  }

  /**
   * The log read reaches the broker shard holding the user's topic and queues there like a
   * publish (one unit of the shard's `brokerCapacityPerS`). A shard down or full turns it away:
   * the client tries again after a second.
   */
  onRecoverAtLog(r: number): void {
    const w = this.w;
    const reads = this.logReads!;
    const shard = reads.shardOfReader(r);
    const doneUs = reads.brokers[shard]!.admit(w.kernel.now, 1);
    if (doneUs < 0) {
      w.kernel.schedule(1_000_000, E_RECOVER_AT_LOG, r);
      return;
    }
    w.kernel.scheduleAt(doneUs, E_LOG_READ_DONE, r, shard);
  }

  /**
   * The broker served the read: it returns the room's messages after the client's mark (up to
   * the last committed; a message on its way to the broker is counted in, a few ms early), less
   * those in deleted segments (`retentionS`) and those the broker never logged, which are lost.
   */
  onLogReadDone(r: number, shard: number): void {
    const w = this.w;
    if (!this.logReads!.brokers[shard]!.done()) {
      // Died in the shard's queue with a broker crash: ask again after a second.
      w.kernel.schedule(1_000_000, E_RECOVER_AT_LOG, r);
      return;
    }
    w.t.recoveryReads++;
    const room = w.roomOf(r);
    const upTo = w.roomSeq[room]!;
    const delayUs = this.down.send(E_RECOVERED, r, upTo, this.expiredUpTo(room), 0, r, w.kernel.now);
    if (w.traced(r))
      w.trace.add(
        MsgKind.Recovery,
        NodeId.Broker,
        NodeId.Client,
        w.kernel.now,
        w.kernel.now + delayUs,
        r,
        upTo,
      );
  }

  /** The DB ran the read: it returns everything committed up to now. */
  completeRecovery(r: number): void {
    const w = this.w;
    w.t.dbReads++;
    w.t.recoveryReads++;
    const upTo = w.roomSeq[w.roomOf(r)]!;
    const delayUs = this.down.send(E_RECOVERED, r, upTo, 0, 0, r, w.kernel.now);
    // The answer, labelled with the highest number it brings.
    if (w.traced(r))
      w.trace.add(MsgKind.Recovery, NodeId.Db, NodeId.Client, w.kernel.now, w.kernel.now + delayUs, r, upTo);
  }

  /**
   * The read's answer reaches client r: everything up to `upTo`, handed over in order. From the
   * log, messages up to `expiredUpTo` (deleted by retention) and those never logged are not in
   * it: each one the client lacks is a lost delivery.
   */
  onRecovered(r: number, upTo: number, expiredUpTo = 0): void {
    const w = this.w;
    const t = w.t;
    const room = w.roomOf(r);
    const me = r - room * w.roomSize;
    const log = this.log;
    const cap = log.cap;
    // Over its byte budget the log keeps every `stride`-th room only: the others' messages are
    // delivered untimed (reading room × cap there timed them from another room's slots).
    const logged = log.logs(room);
    const base = logged ? ((room / log.stride) | 0) * cap : 0;
    const now = w.kernel.now;
    const fromLog = this.fromLog;
    const topic = w.scenario.topic === 'room' ? room : r;
    while (this.mark[r]! < upTo) {
      const q = this.mark[r]! + 1;
      // A held or own message is had already; the rest the read brought.
      if (fromLog && !this.has(r, q) && (q <= expiredUpTo || this.notInLog.has(topic, q))) {
        t.lostDeliveries++;
        if (w.traced(r)) w.trace.add(MsgKind.Loss, NodeId.Broker, NodeId.Client, now, now + 1, r, q);
      } else if (!this.has(r, q)) {
        const slot = base + (q % cap);
        const inLog = logged && q + cap > w.roomSeq[room]!;
        if (!inLog || log.sender[slot] !== me) {
          t.deliveries++;
          t.recoveredDeliveries++;
          if (inLog) w.metrics.recordLatency(((now >>> 0) - log.commitU32[slot]!) >>> 0);
          else if (!logged) t.latencyUnsampled++;
          else t.latencyUnrecorded++;
        }
      }
      markSeq(this.mark, this.window, r, q);
      if (this.ownAheadCount[r]! > 0 && this.ownAhead.take(r, q)) this.ownAheadCount[r]!--;
    }
    this.foldOwn(r);
    this.releaseHeld(r);
    const again = this.recovering[r] === 2;
    this.recovering[r] = 0;
    // Still a gap below something held (it came after the DB read): fetch again.
    if (again || this.highest(r) > this.mark[r]!) this.recover(r);
  }

  memoryBytes(): number {
    return (
      this.mark.byteLength +
      this.window.byteLength +
      this.recovering.byteLength +
      this.topReceived.byteLength +
      this.log.bytes +
      this.held.bytes +
      this.segLast.byteLength +
      this.segBefore.byteLength +
      this.notInLog.bytes +
      this.ownAhead.bytes +
      this.ownAheadCount.byteLength
    );
  }
}

/**
 * Messages clients hold back above a gap: per-user linked lists in a shared typed-array pool
 * (allocated on first use, grown by doubling). A client holds at most {@link WINDOW}.
 */
class HeldPool {
  private head: Int32Array | null = null;
  private seq = new Uint32Array(0);
  private t0 = new Int32Array(0);
  private next = new Int32Array(0);
  private free = -1;

  constructor(private readonly users: number) {}

  has(u: number): boolean {
    return this.head !== null && this.head[u]! >= 0;
  }

  push(u: number, seq: number, t0: number): void {
    this.head ??= new Int32Array(this.users).fill(-1);
    if (this.free < 0) this.grow();
    const e = this.free;
    this.free = this.next[e]!;
    this.seq[e] = seq;
    this.t0[e] = t0;
    this.next[e] = this.head[u]!;
    this.head[u] = e;
  }

  /**
   * Removes one of user u's held messages numbered `mark` or below (now in order) and returns its
   * send time, or null when none is.
   */
  takeUpTo(u: number, mark: number): number | null {
    if (this.head === null) return null;
    let prev = -1;
    for (let e = this.head[u]!; e >= 0; prev = e, e = this.next[e]!) {
      if (this.seq[e]! > mark) continue;
      if (prev < 0) this.head[u] = this.next[e]!;
      else this.next[prev] = this.next[e]!;
      this.next[e] = this.free;
      this.free = e;
      return this.t0[e]!;
    }
    return null;
  }

  get bytes(): number {
    return (this.head?.byteLength ?? 0) + this.seq.byteLength * 3;
  }

  private grow(): void {
    const old = this.seq.length;
    const n = Math.max(1024, old * 2);
    const seq = new Uint32Array(n);
    seq.set(this.seq);
    const t0 = new Int32Array(n);
    t0.set(this.t0);
    const next = new Int32Array(n);
    next.set(this.next);
    for (let i = old; i < n; i++) next[i] = i + 1 < n ? i + 1 : -1;
    this.seq = seq;
    this.t0 = t0;
    this.next = next;
    this.free = old;
  }
}
