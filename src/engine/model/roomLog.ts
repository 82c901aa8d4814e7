/** Bytes the room log may hold by default (see {@link RoomLog}). */
export const ROOM_LOG_BUDGET_BYTES = 32 * 1024 * 1024;

/** Bytes one logged message takes: a 40-bit commit time (32 + 8 bits) and a 16-bit sender. */
const SLOT_BYTES = 7;
const TWO32 = 2 ** 32;

/**
 * What a polling read needs from the messages table to time its deliveries: per room, the commit
 * time and sender of its last `cap` messages (a ring indexed by sequence number). Commit times are
 * whole µs in 40 bits (low 32 + high 8: 12 days, past the longest run), so a latency is exact
 * however long a message waits (a poll interval may be an hour, plus jitter and refused reads).
 *
 * The log is a cache for latency only: how many messages a read returns comes from the rooms'
 * sequence numbers, so counts are exact whatever the log keeps. It holds at most `budgetBytes`:
 * when every room's ring does not fit, it keeps an evenly spaced sample of rooms (every
 * `stride`-th), and reads in the other rooms deliver without timing (the caller counts them as
 * unsampled). Rooms are statistically alike (same size and rate, servers picked per request), so
 * the sampled rooms' latencies are an unbiased sample of all of them.
 */
export class RoomLog {
  readonly commitU32: Uint32Array;
  /** Bits 32–39 of the commit time. */
  readonly commitHi: Uint8Array;
  readonly sender: Uint16Array;
  /** Messages kept per logged room. */
  readonly cap: number;
  /** Every `stride`-th room is logged (room % stride === 0). */
  readonly stride: number;
  /** Rooms whose messages are logged. */
  readonly loggedRooms: number;

  constructor(
    rooms: number,
    /** Messages wanted per room (see {@link RoomLog.capacityFor}). */
    wantedCap: number,
    budgetBytes = ROOM_LOG_BUDGET_BYTES,
  ) {
    const maxSlots = Math.max(0, Math.floor(budgetBytes / SLOT_BYTES));
    const cap = rooms > 0 ? Math.max(0, Math.min(Math.floor(wantedCap), maxSlots)) : 0;
    const fit = cap > 0 ? Math.min(rooms, Math.floor(maxSlots / cap)) : 0;
    this.cap = cap;
    this.stride = fit > 0 ? Math.ceil(rooms / fit) : 1;
    this.loggedRooms = fit > 0 ? Math.ceil(rooms / this.stride) : 0;
    this.commitU32 = new Uint32Array(this.loggedRooms * cap);
    this.commitHi = new Uint8Array(this.loggedRooms * cap);
    this.sender = new Uint16Array(this.loggedRooms * cap);
  }

  /** Whether `room`'s messages are logged (reads in it can be timed). */
  logs(room: number): boolean {
    return this.cap > 0 && room % this.stride === 0;
  }

  /** Records message `seq` of `room`, sent by member index `senderIdx`, committed at `nowUs`. */
  record(room: number, seq: number, senderIdx: number, nowUs: number): void {
    const stride = this.stride;
    if (this.cap === 0 || room % stride !== 0) return;
    const slot = ((room / stride) | 0) * this.cap + (seq % this.cap);
    this.commitU32[slot] = nowUs >>> 0;
    this.commitHi[slot] = Math.floor(nowUs / TWO32);
    this.sender[slot] = senderIdx;
  }

  /**
   * Calls `sink.recordLatency(us)` for each message of a logged `room` with seq in
   * (afterSeq, upToSeq] not sent by member `me`, as seen by a client receiving at `arrivalUs`.
   * Messages older than the log are skipped; returns how many latencies were recorded.
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
    if (cap === 0 || room % this.stride !== 0) return 0;
    const base = ((room / this.stride) | 0) * cap;
    let n = 0;
    for (let q = Math.max(afterSeq + 1, upToSeq - cap + 1); q <= upToSeq; q++) {
      const slot = base + (q % cap);
      if (this.sender[slot] === me) continue;
      sink.recordLatency(arrivalUs - (this.commitHi[slot]! * TWO32 + this.commitU32[slot]!));
      n++;
    }
    return n;
  }

  /**
   * Messages to keep per room so a poll rarely outruns the log: the expected backlog between two
   * reads plus six standard deviations (Poisson). The budget, not this, bounds the total.
   */
  static capacityFor(messagesPerRoomPerS: number, spanS: number): number {
    const backlog = messagesPerRoomPerS * spanS;
    return Math.max(4, Math.ceil(backlog + 6 * Math.sqrt(backlog) + 1));
  }

  /** Bytes held (at most the budget). */
  get bytes(): number {
    return this.commitU32.byteLength + this.commitHi.byteLength + this.sender.byteLength;
  }
}
