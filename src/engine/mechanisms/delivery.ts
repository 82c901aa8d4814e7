import { PairSet } from '../core/pairSet';
import { BufferPush, MigrationBuffer } from '../model/migrationBuffer';
import { NONE } from '../model/servers';
import {
  ageUs,
  copyFlags,
  copyId,
  E_PUSH_AT_CLIENT,
  E_PUSH_AT_SERVER,
  F_GHOST,
  F_OLD,
  F_REPLAY,
  F_TWIN,
  packCopy,
} from '../events';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Hop } from './hop';
import type { AtLeastOnce } from './acks';
import type { Sequencing } from './sequencing';

/**
 * Push delivery, shared by the push strategies: a copy reaches the endpoint server holding (or
 * about to hold) the recipient's connection, then the client; the client drops copies it has.
 * During a ring migration the new owner buffers copies for a moving user until it connects.
 */
export class Delivery {
  /** Chat service → owner server (hashing). */
  private readonly toServer: Hop | null;
  /** Endpoint server → client. */
  private readonly toClient: Hop;
  /**
   * Per user, which of the 32 messages below `lastSeq` have arrived (bit i: lastSeq − 1 − i):
   * with jitter copies overtake one another, and a dual-send copy is a duplicate only if that
   * very message came already.
   */
  private readonly seenBelow: Uint32Array;
  /**
   * Dual-send pairs whose old-owner copy has reached the client, as (recipient, seq), until the
   * twin (or its ghost) settles. The old copy comes first or never (the twin takes the same
   * jittered hops, then maybe a buffer), so the twin only has to ask this exact set whether its
   * message was settled already — however far behind the newest it is (a 32-message window
   * guessed "had" for older ones, and lost count of them: fuzz seed 37).
   */
  private readonly settledPairs = new PairSet();
  /** Copies new owners keep for moving users during a migration. */
  readonly buffer: MigrationBuffer;
  /**
   * While a migration dual-sends: each user's new owner (it buffers the user's copies until the
   * user connects). Null otherwise. Set by the coordinator.
   */
  ownerNew: Uint16Array | null = null;
  /** The clients' sequence numbers (set by the composition root when `sequenceNumbers` is on). */
  seqs: Sequencing | null = null;
  /** At-least-once acks (set by the composition root when `delivery` is "at-least-once"). */
  acks: AtLeastOnce | null = null;

  constructor(
    private readonly w: World,
    hashing: boolean,
    migrationBufferBytes?: number,
    /** Whether single copies can repeat (a Kafka-like replay): keep the per-user seen window. */
    replays = false,
  ) {
    // Each keeps one connection's order per recipient (see Hop.keepOrder).
    this.toServer = hashing ? w.hop(0, 2 * w.dcHopUs, 4).keepOrder(w.users) : null;
    this.toClient = w.hop(w.procUs, w.clientHopUs, 5).keepOrder(w.users);
    this.buffer = new MigrationBuffer(w.users, undefined, migrationBufferBytes);
    this.seenBelow = new Uint32Array(hashing || replays ? w.users : 0);
  }

  /** The chat service sends recipient r's copy to `server` (hashing). */
  sendToServer(r: number, seq: number, t0: number, server: number, flags: number): void {
    if (server === NONE) {
      this.lose(r, seq, flags);
      return;
    }
    const w = this.w;
    const k = w.kernel;
    const delayUs = this.toServer!.send(E_PUSH_AT_SERVER, r, seq, t0, packCopy(flags, server), r, seq);
    if (w.traced(r)) {
      // Drawn as it really goes: the two datacenter hops share the (jittered) delay.
      const t1 = k.now + delayUs / 2;
      w.trace.add(MsgKind.Push, NodeId.Db, NodeId.Chat, k.now, t1, r, seq);
      w.trace.add(MsgKind.Push, NodeId.Chat, NodeId.ServerBase + server, t1, k.now + delayUs, r, seq);
    }
  }

  /**
   * A copy could not be delivered: count a loss unless another copy covers it. A twin's old-owner
   * copy may still be in flight, so a lost twin goes on as a ghost that settles at the client
   * after that copy would have arrived (same lane, later).
   */
  lose(r: number, seq: number, flags: number): void {
    // A replayed copy settles only if it arrives: its first try was counted already.
    if (flags & (F_OLD | F_REPLAY)) return;
    if (flags & F_TWIN) {
      // The old owner's copy came already: the pair is settled. Otherwise the ghost takes the same
      // hop as that copy, so it settles no earlier than the copy would arrive.
      if (!this.settledPairs.take(r, seq))
        this.toClient.send(E_PUSH_AT_CLIENT, r, seq, 0, F_TWIN | F_GHOST, r, seq);
      return;
    }
    this.w.lose(1);
  }

  onPushAtServer(r: number, seq: number, t0: number, d: number): void {
    const w = this.w;
    const k = w.kernel;
    const srv = copyId(d);
    const flags = copyFlags(d);
    if (w.pool.state[srv] === 'crashed') return this.lose(r, seq, flags);
    w.pool.handled[srv]!++;
    if (w.conn[r] === srv) {
      const delayUs = this.toClient.send(E_PUSH_AT_CLIENT, r, seq, t0, flags, r, seq);
      if (w.traced(r)) {
        const t1 = k.now + w.procUs;
        w.trace.add(MsgKind.Push, NodeId.ServerBase + srv, NodeId.Client, t1, k.now + delayUs, r, seq);
      }
      return;
    }
    // The new owner keeps copies for a moving user until it connects (dual-send window).
    const next = this.ownerNew;
    if (flags & F_TWIN && next !== null && next[r] === srv) {
      const kept = this.buffer.push(r, seq, t0);
      if (kept === BufferPush.OverBudget) w.t.bufferRefused++;
      if (kept !== BufferPush.Kept) this.lose(r, seq, F_TWIN);
      return;
    }
    if (w.traced(r))
      w.trace.add(MsgKind.Loss, NodeId.ServerBase + srv, NodeId.ServerBase + srv, k.now, k.now + 1, r, seq);
    this.lose(r, seq, flags);
  }

  onPushAtClient(r: number, seq: number, t0: number, flags: number): void {
    const w = this.w;
    const seqs = this.seqs;
    const acks = this.acks;
    // A twin (or its ghost) after its old-owner copy: that copy settled the message's account.
    const settled = flags & F_TWIN ? this.settledPairs.take(r, seq) : false;
    if (flags & F_GHOST) {
      // The twin was lost; the message is lost unless the old owner's copy came.
      if (!settled) w.lose(1);
      return;
    }
    if (flags & F_OLD) this.settledPairs.add(r, seq);
    if (flags & F_REPLAY && !this.seen(r, seq) && !w.recovers && !w.resends) {
      // A Kafka-like replay brings a copy whose first try was lost (replays come after the crash
      // is detected, long after any first try would have arrived): it is no longer lost.
      w.t.lostDeliveries--;
    }
    // At-least-once: the transport knows exactly whether a copy of this message came before.
    const had = acks !== null && acks.onReceipt(r, seq);
    if (had && seqs === null) {
      // A copy sent again (or its original, late): without sequence numbers the application
      // cannot tell, and sees it twice.
      w.t.duplicateDeliveries++;
      return;
    }
    if (seqs !== null) {
      // Sequence numbers: every copy, twin or not, is told apart by (room, seq). Without resends
      // or replays, a single copy, an old-owner copy and a twin whose old copy never came are the
      // message's only copy to arrive; with them, the transport's receipts say.
      seqs.onArrive(r, seq, t0, acks !== null ? !had : !settled && !w.resends && !(flags & F_REPLAY));
      return;
    }
    if (settled) {
      // Already received through the old owner: the client drops it by message id.
      w.t.duplicateDeliveries++;
      return;
    }
    if (flags & F_REPLAY) {
      if (this.seen(r, seq)) {
        w.t.duplicateDeliveries++;
        return;
      }
      this.markSeen(r, seq);
    } else if (seq > w.lastSeq[r]!) {
      // A single copy is never a duplicate; it may overtake an older one (jitter).
      if (this.seenBelow.length > 0) this.markSeen(r, seq);
      else w.lastSeq[r] = seq;
    } else if (this.seenBelow.length > 0) this.markSeen(r, seq);
    w.t.deliveries++;
    w.metrics.recordLatency(ageUs(w.kernel.now, t0));
  }

  /**
   * Whether user r has message `seq` already (Kafka-like replays only; copies more than 32
   * messages behind the newest count as had).
   */
  private seen(r: number, seq: number): boolean {
    if (this.seqs !== null) return this.seqs.has(r, seq);
    const last = this.w.lastSeq[r]!;
    if (seq > last) return false;
    const behind = last - seq;
    if (behind === 0 || behind > 32) return true;
    return ((this.seenBelow[r]! >>> (behind - 1)) & 1) === 1;
  }

  private markSeen(r: number, seq: number): void {
    const w = this.w;
    const last = w.lastSeq[r]!;
    if (seq > last) {
      const shift = seq - last;
      const had = last > 0 ? 1 : 0;
      this.seenBelow[r] =
        shift > 32 ? 0 : shift === 32 ? had : ((this.seenBelow[r]! << shift) | (had << (shift - 1))) >>> 0;
      w.lastSeq[r] = seq;
    } else if (seq < last && last - seq <= 32)
      this.seenBelow[r] = (this.seenBelow[r]! | (1 << (last - seq - 1))) >>> 0;
  }

  /** Sends (flush) or drops user r's buffered copies. */
  releaseBuffer(r: number, flush: boolean): void {
    if (flush)
      this.buffer.release(r, (seq, t0) => this.toClient.send(E_PUSH_AT_CLIENT, r, seq, t0, F_TWIN, r, seq));
    else this.buffer.release(r, (seq) => this.lose(r, seq, F_TWIN));
  }

  /** User u connected to `srv`: a new owner hands over what it kept for u. */
  onConnected(u: number, srv: number): void {
    if (this.ownerNew !== null && this.ownerNew[u] === srv && this.buffer.has(u)) this.releaseBuffer(u, true);
  }

  onDisconnected(): void {}

  /** Drops every buffered copy (the migration is over). */
  dropBuffers(): void {
    this.buffer.forEachUser((u) => this.releaseBuffer(u, false));
  }

  /** Copies on their way to a client or waiting in a buffer that still count as deliveries. */
  pending(): number {
    const w = this.w;
    let pending = 0;
    w.kernel.forEachPending((type, a, b, _c, d) => {
      if (type !== E_PUSH_AT_SERVER && type !== E_PUSH_AT_CLIENT) return;
      const flags = type === E_PUSH_AT_SERVER ? copyFlags(d) : d;
      // An old-owner copy never counts; nor does a replay: its first try settled the delivery
      // (delivered or lost), and the replay only turns a loss into a late delivery on arrival.
      if (flags & (F_OLD | F_REPLAY)) return;
      if (flags & F_TWIN && this.settledPairs.has(a, b)) return;
      pending++;
    });
    this.buffer.forEachCopy((u, seq) => {
      if (!this.settledPairs.has(u, seq)) pending++;
    });
    return pending;
  }

  memoryBytes(): number {
    return (
      this.buffer.bytes +
      this.seenBelow.byteLength +
      this.settledPairs.bytes +
      (this.toServer?.bytes ?? 0) +
      this.toClient.bytes
    );
  }
}
