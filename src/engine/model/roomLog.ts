/**
 * What a polling read needs from the messages table: per room, the commit time and sender of its
 * last `cap` messages (a ring indexed by sequence number). Commit times are kept as µs modulo 2^32,
 * so a latency (< 71 minutes) is exact as a wrapping difference.
 */
export class RoomLog {
  readonly commitU32: Uint32Array;
  readonly sender: Uint16Array;

  constructor(
    rooms: number,
    /** Messages kept per room. */
    readonly cap: number,
  ) {
    this.commitU32 = new Uint32Array(rooms * cap);
    this.sender = new Uint16Array(rooms * cap);
  }

  /** Records message `seq` of `room`, sent by member index `senderIdx`, committed at `nowUs`. */
  record(room: number, seq: number, senderIdx: number, nowUs: number): void {
    if (this.cap === 0) return;
    const slot = room * this.cap + (seq % this.cap);
    this.commitU32[slot] = nowUs >>> 0;
    this.sender[slot] = senderIdx;
  }

  /**
   * Calls `sink.recordLatency(us)` for each message of `room` with seq in (afterSeq, upToSeq] not sent
   * by member `me`, as seen by a client receiving at `arrivalUs`. Messages older than the log are
   * skipped; returns how many latencies were recorded.
   */
  latencies(
    room: number,
    afterSeq: number,
    upToSeq: number,
    me: number,
    arrivalUs: number,
    sink: { recordLatency(us: number): void },
  ): number {
    const cap = this.cap;
    const arrival = arrivalUs >>> 0;
    let n = 0;
    for (let q = Math.max(afterSeq + 1, upToSeq - cap + 1); q <= upToSeq; q++) {
      const slot = room * cap + (q % cap);
      if (this.sender[slot] === me) continue;
      sink.recordLatency((arrival - this.commitU32[slot]!) >>> 0);
      n++;
    }
    return n;
  }

  /**
   * Messages to keep per room so a poll rarely outruns the log: the expected backlog between two
   * reads plus six standard deviations (Poisson).
   */
  static capacityFor(messagesPerRoomPerS: number, spanS: number): number {
    const backlog = messagesPerRoomPerS * spanS;
    return Math.min(4096, Math.max(4, Math.ceil(backlog + 6 * Math.sqrt(backlog) + 1)));
  }

  get bytes(): number {
    return this.commitU32.byteLength + this.sender.byteLength;
  }
}
