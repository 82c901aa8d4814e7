import { PairSet } from '../core/pairSet';
import { hasSeq, markSeq, SEQ_WINDOW } from '../core/seqWindow';
import { copyFlags, copyId, E_ACK_TIMEOUT, packCopy } from '../events';
import type { World } from '../world';

/** Longest wait between two resends of one copy (µs): TCP's retransmission timer stops doubling near here. */
export const MAX_RESEND_INTERVAL_US = 60_000_000;

/** Whoever can send one recipient's copy again by today's routing (the push strategies). */
export interface Resender {
  resend(r: number, seq: number, t0: number): void;
}

/**
 * At-least-once delivery (MECHANISMS.md): the client acknowledges each copy to its endpoint server,
 * which acknowledges upstream; a copy not acknowledged within `ackTimeoutMs` of being sent is sent
 * again by the current routing (so it reaches a user who has moved), and again until it is, each
 * wait twice the one before (`ackTimeoutMs`, 2×, 4×, …) up to {@link MAX_RESEND_INTERVAL_US} (or
 * `ackTimeoutMs` if longer), as TCP backs off its retransmission timer. Without the back-off a
 * timeout far shorter than the trip (1 ms against 10 s of processing: fuzz seed 55) resent every
 * copy a thousand times a second while the first was still on its way, and the copies in flight
 * grew without bound; with it, a copy has at most about log2(trip ÷ timeout) resends in flight.
 * `redeliveries` counts the copies sent again. A transport loss is then not a loss.
 *
 * The ack's way back (a client hop and a datacenter hop, tens of ms) is taken as shorter than the
 * timeout (seconds): at the timeout, "acknowledged" is "the client has it".
 *
 * Per user a received mark and a 32-message window (what the client's transport has received,
 * told apart from what its application saw), kept exact: a number the window slides past before
 * its copy came is remembered as owed until the copy comes. (Taken as received instead, a first
 * copy arriving more than 32 behind the newest was counted a duplicate and never delivered, and
 * its resends stopped: fuzz seeds 981, 1073, 1517.) The owed numbers are all being resent, so
 * they are bounded by the copies in flight. One timer per message (not per copy) waits in
 * fixed-delay kernel lanes, one per back-off step (O(1), no allocation).
 */
export class AtLeastOnce {
  /** Per user: every message up to this number has been received. */
  private readonly mark: Uint32Array;
  /** Per user: bit i set when message mark + 1 + i has been received. */
  private readonly window: Uint32Array;
  /** (user, seq) at or below the user's mark whose copy has not come yet (see the class note). */
  private readonly owed = new PairSet();
  /** Kernel lane of each back-off step: step k waits min(ackTimeout × 2^k, the cap). */
  private readonly lanes: number[] = [];

  constructor(
    private readonly w: World,
    private readonly resender: Resender,
  ) {
    this.mark = new Uint32Array(w.users);
    this.window = new Uint32Array(w.users);
    const baseUs = Math.max(1, Math.round(w.scenario.ackTimeoutMs * 1000));
    const capUs = Math.max(baseUs, MAX_RESEND_INTERVAL_US);
    for (let waitUs = baseUs; ; waitUs *= 2) {
      // Most messages are acknowledged before their first wait ends: later steps start small.
      this.lanes.push(w.kernel.addLane(Math.min(waitUs, capUs), waitUs === baseUs ? 1024 : 64));
      if (waitUs >= capUs) break;
    }
  }

  /**
   * The chat service sent message `seq` of `room` (from `sender`) to every other member: await
   * acks. One timer per message, not per copy: every copy of a message is sent at once and waits
   * alike, and a room of 10,000 would otherwise hold 9,999 timers a message (fuzz seed 231: 572 MB
   * of timers at 66 million copies a second).
   */
  track(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const first = room * w.roomSize;
    if (w.membersOf(room) > 1)
      w.kernel.scheduleLane(this.lanes[0]!, E_ACK_TIMEOUT, room, seq, t0, packCopy(0, sender - first));
    // The sender's own message is not sent to it: mark it received so its window stays tight.
    this.markReceived(sender, seq);
  }

  /** Whether client r's transport has received `seq`. */
  received(r: number, seq: number): boolean {
    if (!hasSeq(this.mark, this.window, r, seq)) return false;
    return this.owed.size === 0 || seq > this.mark[r]! || !this.owed.has(r, seq);
  }

  /** A copy reaches client r (it acks it). Returns true when it had the message already. */
  onReceipt(r: number, seq: number): boolean {
    if (seq <= this.mark[r]!) return this.owed.size === 0 || !this.owed.take(r, seq);
    if (hasSeq(this.mark, this.window, r, seq)) return true;
    this.markReceived(r, seq);
    return false;
  }

  /** Marks `seq` received by r; numbers the window slides past unreceived become owed. */
  private markReceived(r: number, seq: number): void {
    const m = this.mark[r]!;
    const shift = seq - m - SEQ_WINDOW;
    if (shift > 0) {
      const win = this.window[r]!;
      for (let j = 0; j < shift; j++) if (j >= 32 || ((win >>> j) & 1) === 0) this.owed.add(r, m + 1 + j);
    }
    markSeq(this.mark, this.window, r, seq);
  }

  /** Copies owed below the users' marks (a test's view of {@link owed}). */
  get owedCount(): number {
    return this.owed.size;
  }

  /**
   * Wait number `step` for message `seq` of `room` is over (`d`: {@link packCopy}(step, sender's
   * index in the room)): send it again to every member who has not acknowledged it, and wait
   * twice as long (up to the cap) while anyone has not.
   */
  onAckTimeout(room: number, seq: number, t0: number, d: number): void {
    const w = this.w;
    const step = copyFlags(d);
    const sender = room * w.roomSize + copyId(d);
    const first = room * w.roomSize;
    const members = w.membersOf(room);
    let waiting = false;
    for (let i = 0; i < members; i++) {
      const r = first + i;
      if (r === sender || this.received(r, seq)) continue;
      waiting = true;
      w.t.redeliveries++;
      this.resender.resend(r, seq, t0);
    }
    if (!waiting) return;
    const next = Math.min(step + 1, this.lanes.length - 1);
    w.kernel.scheduleLane(this.lanes[next]!, E_ACK_TIMEOUT, room, seq, t0, packCopy(next, copyId(d)));
  }

  memoryBytes(): number {
    return this.mark.byteLength + this.window.byteLength + this.owed.bytes;
  }
}
