import { hasSeq, markSeq } from '../core/seqWindow';
import { E_ACK_TIMEOUT } from '../events';
import type { World } from '../world';

/** Messages above the received mark a client's receipt window tracks. */

/** Whoever can send one recipient's copy again by today's routing (the push strategies). */
export interface Resender {
  resend(r: number, seq: number, t0: number): void;
}

/**
 * At-least-once delivery (MECHANISMS.md): the client acknowledges each copy to its endpoint server,
 * which acknowledges upstream; a copy not acknowledged within `ackTimeoutMs` of being sent is sent
 * again by the current routing (so it reaches a user who has moved), every `ackTimeoutMs` until it
 * is. `redeliveries` counts the copies sent again. A transport loss is then not a loss.
 *
 * The ack's way back (a client hop and a datacenter hop, tens of ms) is taken as shorter than the
 * timeout (seconds): at the timeout, "acknowledged" is "the client has it".
 *
 * Per user a received mark and a 32-message window (what the client's transport has received,
 * told apart from what its application saw); copies more than 32 behind the newest count as
 * received. The timeouts wait in one fixed-delay kernel lane (O(1), no allocation).
 */
export class AtLeastOnce {
  /** Per user: every message up to this number has been received. */
  private readonly mark: Uint32Array;
  /** Per user: bit i set when message mark + 1 + i has been received. */
  private readonly window: Uint32Array;
  private readonly lane: number;

  constructor(
    private readonly w: World,
    private readonly resender: Resender,
  ) {
    this.mark = new Uint32Array(w.users);
    this.window = new Uint32Array(w.users);
    this.lane = w.kernel.addLane(Math.round(w.scenario.ackTimeoutMs * 1000));
  }

  /** The chat service sent message `seq` of `room` (from `sender`) to every other member: await acks. */
  track(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const first = room * w.roomSize;
    const members = w.membersOf(room);
    for (let i = 0; i < members; i++) {
      const r = first + i;
      if (r !== sender) w.kernel.scheduleLane(this.lane, E_ACK_TIMEOUT, r, seq, t0, 0);
    }
    // The sender's own message is not sent to it: mark it received so its window stays tight.
    markSeq(this.mark, this.window, sender, seq);
  }

  /** Whether client r's transport has received `seq`. */
  received(r: number, seq: number): boolean {
    return hasSeq(this.mark, this.window, r, seq);
  }

  /** A copy reaches client r (it acks it). Returns true when it had the message already. */
  onReceipt(r: number, seq: number): boolean {
    if (this.received(r, seq)) return true;
    markSeq(this.mark, this.window, r, seq);
    return false;
  }

  /** No ack within the timeout: send it again, and wait again. */
  onAckTimeout(r: number, seq: number, t0: number): void {
    if (this.received(r, seq)) return;
    this.w.t.redeliveries++;
    this.resender.resend(r, seq, t0);
    this.w.kernel.scheduleLane(this.lane, E_ACK_TIMEOUT, r, seq, t0, 0);
  }

  memoryBytes(): number {
    return this.mark.byteLength + this.window.byteLength;
  }
}
