import { DbOp, type Database } from '../model/database';
import { RoomLog } from '../model/roomLog';
import { NONE } from '../model/servers';
import { ageUs, E_POLL, E_POLL_RESPONSE, E_READ_AT_DB } from '../events';
import { MsgKind, NodeId } from '../types';
import type { Hop } from '../mechanisms/hop';
import type { World } from '../world';
import type { Strategy } from './strategy';

/**
 * Polls one client may have open at once: a browser's connections per host over HTTP/1.1.
 * A poll due while that many are open is not sent (the next one is due an interval later).
 */
export const MAX_POLLS_IN_FLIGHT = 6;

/**
 * Polling: every client asks the DB for news every `pollIntervalS` (± jitter) through the LB; a
 * read returns every message of the room newer than the client's last read. A client keeps at
 * most {@link MAX_POLLS_IN_FLIGHT} polls open: with an interval far shorter than a poll's round
 * trip (6 ms against 2.5 s of processing: fuzz seed 1429) it would otherwise have hundreds open,
 * and the requests in flight would grow with the ratio (75 MB for 19,654 users).
 */
export class PollingStrategy implements Strategy {
  readonly name = 'polling' as const;
  /** Own messages committed since the last read (not news to their sender). */
  private readonly ownUnseen: Uint16Array;
  /** Commit times per room, for the latency of each message a read returns. */
  private readonly log: RoomLog;
  private readonly lPoll: number;
  /** Client → server → DB, and back. */
  private readonly readUp: Hop;
  private readonly readDown: Hop;
  /** Polls between the LB and the client's receipt of the response (open "connections"). */
  inflight = 0;
  /** Per user: its polls open now (at most {@link MAX_POLLS_IN_FLIGHT}). */
  private readonly open: Uint8Array;

  constructor(
    private readonly w: World,
    private readonly db: Database,
    roomLogBytes?: number,
  ) {
    const s = w.scenario;
    const k = w.kernel;
    this.lPoll = k.addLane(Math.round(s.pollIntervalS * 1e6), s.users, true);
    this.readUp = w.hop(w.procUs, w.clientHopUs + w.dcHopUs, 1);
    this.readDown = w.hop(w.procUs, w.dcHopUs + w.clientHopUs, 2);
    this.ownUnseen = new Uint16Array(s.users);
    this.open = new Uint8Array(s.users);
    // A room commits no faster than its share of what the DB can serve (the rest is refused).
    const roomRatePerS = Math.min(
      (w.membersOf(0) * s.messagesPerUserPerMin) / 60,
      (s.dbConcurrency * 1000) / s.dbQueryMs / w.rooms,
    );
    const logCap =
      roomRatePerS > 0 ? RoomLog.capacityFor(roomRatePerS, s.pollIntervalS + 2 * s.pollJitterS + 1) : 0;
    this.log = new RoomLog(w.rooms, logCap, roomLogBytes);
  }

  warmStart(): void {
    // First polls at independent uniform phases in [0, interval): n sorted uniforms (cumulative
    // exponential spacings). Users are interchangeable, so the k-th smallest phase goes to user
    // k: a poll round then sweeps per-user arrays in order (cache-friendly) instead of at random.
    // Sorted, they go straight into the fixed-interval lane, whose later entries (now +
    // interval) all come after them.
    const w = this.w;
    const n = w.users;
    const intervalUs = Math.round(w.scenario.pollIntervalS * 1e6);
    const rngPhase = w.rng.fork('phase');
    let total = 0;
    const gaps = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) total += gaps[i] = rngPhase.exp(1);
    let acc = 0;
    for (let u = 0; u < n; u++) {
      acc += gaps[u]!;
      w.kernel.scheduleLaneAt(this.lPoll, Math.floor((acc / total) * intervalUs), E_POLL, u);
    }
  }

  route(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const now = w.kernel.now;
    // The log keeps the send time: a read's latency is end to end, DB queueing included.
    this.log.record(room, seq, sender - room * w.roomSize, now - ageUs(now, t0));
    const own = this.ownUnseen[sender]!;
    if (own < 0xffff) this.ownUnseen[sender] = own + 1;
  }

  onConnected(): void {}
  onDisconnected(): void {}
  onCrashDetected(): void {}

  onPoll(u: number): void {
    const w = this.w;
    const k = w.kernel;
    const s = w.scenario;
    // Next poll: a fixed-interval lane unless jittered.
    if (s.pollJitterS > 0) {
      const j = (w.rngClient.next() * 2 - 1) * s.pollJitterS * 1e6;
      k.schedule(Math.max(1, s.pollIntervalS * 1e6 + j), E_POLL, u);
    } else k.scheduleLane(this.lPoll, E_POLL, u);
    if (this.open[u]! >= MAX_POLLS_IN_FLIGHT) return;
    w.t.polls++;
    const pool = w.pool;
    const srv = pool.pick();
    if (srv === NONE) return; // no server reachable: the poll fails at the LB
    pool.lbPending[srv]!++;
    this.inflight++;
    this.open[u]!++;
    pool.handled[srv]!++;
    this.readUp.send(E_READ_AT_DB, u, srv, 0, 0, u, k.now);
    if (w.traced(u)) {
      const t1 = k.now + w.clientHopUs;
      w.trace.add(MsgKind.Poll, NodeId.Client, NodeId.ServerBase + srv, k.now, t1, u);
      w.trace.add(
        MsgKind.Poll,
        NodeId.ServerBase + srv,
        NodeId.Db,
        t1 + w.procUs,
        t1 + w.procUs + w.dcHopUs,
        u,
      );
    }
  }

  onReadAtDb(u: number, srv: number): void {
    const w = this.w;
    if (w.pool.state[srv] === 'crashed') {
      // The server died with the request: the client just waits for its next poll.
      w.pool.lbPending[srv]!--;
      this.inflight--;
      this.open[u]!--;
      return;
    }
    if (!this.db.submit(DbOp.Read, u, srv)) {
      w.t.dbRejected++;
      this.readDown.send(E_POLL_RESPONSE, u, srv, 0, 1, u, w.kernel.now);
    }
  }

  /**
   * The DB read for user u completed: it returns every message of the room newer than the user's
   * last read. Latency is fixed now (arrival = now + the fixed return path); the client counts the
   * deliveries when the response arrives.
   */
  completeRead(u: number, srv: number): void {
    const w = this.w;
    const k = w.kernel;
    w.t.dbReads++;
    const room = w.roomOf(u);
    const S = w.roomSeq[room]!;
    const L = w.lastSeq[u]!;
    const own = this.ownUnseen[u]!;
    const others = S - L - own;
    w.lastSeq[u] = S;
    this.ownUnseen[u] = 0;
    const delayUs = this.readDown.send(E_POLL_RESPONSE, u, srv, others, 0, u, k.now);
    if (others > 0 && !this.log.logs(room)) w.t.latencyUnsampled += others;
    else if (others > 0) {
      const arrivalUs = k.now + delayUs;
      const recorded = this.log.latencies(room, L, S, u - room * w.roomSize, arrivalUs, w.metrics);
      w.t.latencyUnrecorded += others - recorded;
    }
    if (w.traced(u)) {
      const t1 = k.now + w.dcHopUs;
      w.trace.add(MsgKind.PollResponse, NodeId.Db, NodeId.ServerBase + srv, k.now, t1, u);
      w.trace.add(
        MsgKind.PollResponse,
        NodeId.ServerBase + srv,
        NodeId.Client,
        t1 + w.procUs,
        t1 + w.procUs + w.clientHopUs,
        u,
      );
    }
  }

  onPollResponse(u: number, srv: number, count: number, rejected: number): void {
    const w = this.w;
    w.pool.lbPending[srv]!--;
    this.inflight--;
    this.open[u]!--;
    if (rejected) return;
    if (count === 0) w.t.emptyPolls++;
    else w.t.deliveries += count;
  }

  /** Unread messages of every client plus deliveries riding on poll responses. */
  pending(): number {
    const w = this.w;
    let pending = 0;
    for (let u = 0; u < w.users; u++) pending += w.roomSeq[w.roomOf(u)]! - w.lastSeq[u]! - this.ownUnseen[u]!;
    w.kernel.forEachPending((type, _a, _b, c, d) => {
      if (type === E_POLL_RESPONSE && !d) pending += c;
    });
    return pending;
  }

  memoryBytes(): number {
    return this.ownUnseen.byteLength + this.open.byteLength + this.log.bytes;
  }
}
