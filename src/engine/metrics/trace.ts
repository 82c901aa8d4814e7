import { TRACE_STRIDE } from '../types';

/**
 * Hop-by-hop records of the traced sample of users, `[kind, from, to, sendUs, recvUs, user]`
 * each, until the view drains them. If nobody drains, recording stops at a fixed size.
 */
export class TraceBuffer {
  private buf = new Float64Array(TRACE_STRIDE * 4096);
  /** Per record: the chat message's room sequence number (0 when none: connects, polls, writes). */
  private seqBuf = new Uint32Array(4096);
  private len = 0;
  /** The sequence numbers of the records the last {@link drain} returned (one per record). */
  lastSeqs = new Uint32Array(0);

  constructor(private readonly maxRecords = 262_144) {}

  add(kind: number, from: number, to: number, sendUs: number, recvUs: number, user: number, seq = 0): void {
    if (this.len + TRACE_STRIDE > this.buf.length) {
      if (this.buf.length >= TRACE_STRIDE * this.maxRecords) return;
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
      const seqs = new Uint32Array(this.seqBuf.length * 2);
      seqs.set(this.seqBuf);
      this.seqBuf = seqs;
    }
    this.seqBuf[this.len / TRACE_STRIDE] = seq;
    const b = this.buf;
    const i = this.len;
    b[i] = kind;
    b[i + 1] = from;
    b[i + 2] = to;
    b[i + 3] = sendUs;
    b[i + 4] = recvUs;
    b[i + 5] = user;
    this.len = i + TRACE_STRIDE;
  }

  /** Bytes held (the buffer grows by doubling up to `maxRecords`). */
  get bytes(): number {
    return this.buf.byteLength;
  }

  /** The records since the last drain (a copy). */
  drain(): Float64Array {
    const out = this.buf.slice(0, this.len);
    this.lastSeqs = this.seqBuf.slice(0, this.len / TRACE_STRIDE);
    this.len = 0;
    return out;
  }
}
