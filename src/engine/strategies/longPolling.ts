import type { Broker } from '../model/broker';
import { DbOp, type Database } from '../model/database';
import { ROOM_LOG_BUDGET_BYTES, RoomLog } from '../model/roomLog';
import { NONE } from '../model/servers';
import {
  ageUs,
  E_LP_AT_DB,
  E_LP_AT_SERVER,
  E_LP_NEWS,
  E_LP_REQUEST,
  E_LP_RESPONSE,
  E_LP_TIMEOUT,
} from '../events';
import { MsgKind, NodeId } from '../types';
import type { Hop } from '../mechanisms/hop';
import type { World } from '../world';
import type { Strategy } from './strategy';

/** Where a user's request is (per user, {@link LongPollingStrategy.phase}). */
const TRAVEL = 0; // on its way to a server, on its way back, or waiting to be sent again
const READING = 1; // registered at a server, its DB read in flight
const PARKED = 2; // held at a server until news or the hold timeout
const DEAD = 3; // held at a server that crashed: no answer will come

/** Shortest wait before a client asks again after a refusal (no server, a full server, a full DB). */
const MIN_RETRY_US = 100_000;
/** Moved hold timers go on in steps of 2^k µs, k from POW_MIN (1 ms) up (the rest on the heap). */
const POW_MIN = 10;
const POW_LANES = 23;

/**
 * Long polling (RFC 6202; MECHANISMS.md): every client keeps one request open. A request reaches
 * an endpoint server through the LB; the server registers it (it takes a slot: held requests are
 * the server's connections, and `maxConnectionsPerServer` caps them), then reads the DB for the
 * room's messages after the client's last seen sequence number. With some, it answers at once;
 * with none, it parks the request until the broker tells it of news for that user or
 * `holdTimeoutS` passes from the moment it parked (an empty answer). The client asks again the
 * moment an answer arrives. Registering before the read closes the re-request gap: a message
 * committed after the read reaches the server as news while the request is parked.
 *
 * A crashed server's requests get no answer: their clients ask again when the LB notices the
 * crash (an L7 load balancer answers the requests it proxied with an error) or their own hold
 * timer runs out, whichever is first. A server that leaves (remove-server, a deploy) ends its
 * held requests with an empty answer, and the clients ask elsewhere.
 *
 * `polls` counts requests sent; `emptyPolls` those a server ended by the hold timeout.
 */
export class LongPollingStrategy implements Strategy {
  readonly name = 'long-polling' as const;
  /** Per user: the server its request is registered at (NONE while travelling). */
  readonly srvOf: Uint16Array;
  /** Per user: {@link TRAVEL}, {@link READING}, {@link PARKED} or {@link DEAD}. */
  readonly phase: Uint8Array;
  /** Per user: when the current hold ends (µs); at most one timer event per user is pending. */
  private readonly deadline: Float64Array;
  private readonly timerSet: Uint8Array;
  /** Own messages committed since the last answer (not news to their sender). */
  private readonly ownUnseen: Uint16Array;
  /** Per server: requests parked now (held waiting for news). */
  readonly parked: Int32Array;
  /** Commit times per room, for the latency of each message an answer carries. */
  private readonly log: RoomLog;
  private readonly holdUs: number;
  private readonly retryUs: number;
  /** Client → server; server → DB; DB → server → client; server → client. */
  private readonly upHop: Hop;
  private readonly toDb: Hop;
  private readonly readDown: Hop;
  private readonly answerHop: Hop;
  /** One monotone lane per broker shard: news leaving the broker for an endpoint server. */
  private readonly lNews: number[];
  /** Hold timers: a fixed-delay lane for fresh ones, and lanes of 2^k µs for moved ones. */
  private readonly lHold: number;
  private readonly lPow: Int32Array;
  /** Requests between the LB and the client's receipt of the answer. */
  inflight = 0;

  constructor(
    private readonly w: World,
    private readonly db: Database,
    private readonly brokers: Broker[],
    roomLogBytes?: number,
  ) {
    const s = w.scenario;
    const n = s.users;
    this.srvOf = new Uint16Array(n).fill(NONE);
    this.phase = new Uint8Array(n);
    this.deadline = new Float64Array(n);
    this.timerSet = new Uint8Array(n);
    this.ownUnseen = new Uint16Array(n);
    this.parked = new Int32Array(64);
    this.holdUs = Math.round(s.holdTimeoutS * 1e6);
    this.retryUs = Math.max(MIN_RETRY_US, s.reconnectBaseMs * 1000);
    this.upHop = w.hop(w.procUs, w.clientHopUs, 40);
    this.toDb = w.hop(0, w.dcHopUs, 41);
    this.readDown = w.hop(w.procUs, w.dcHopUs + w.clientHopUs, 42);
    this.answerHop = w.hop(w.procUs, w.clientHopUs, 43);
    this.lNews = brokers.map(() => w.kernel.addLane(-1));
    // One timer event per user at a time (a heap entry each would be 43 MB for a million users):
    // a fresh hold goes in the fixed-delay lane; a timer that fires before its (moved) deadline
    // goes on by the largest power of two µs that fits, so every lane stays in time order.
    this.lHold = w.kernel.addLane(this.holdUs, 1024, true);
    this.lPow = new Int32Array(POW_LANES);
    for (let i = 0; i < POW_LANES; i++) this.lPow[i] = w.kernel.addLane(2 ** (i + POW_MIN), 64, true);
    // A message waits for its reader at most a hold (news lost) or a crash's detection, plus retries.
    const roomRatePerS = Math.min(
      (w.membersOf(0) * s.messagesPerUserPerMin) / 60,
      (s.dbConcurrency * 1000) / s.dbQueryMs / w.rooms,
    );
    const spanS = s.holdTimeoutS + s.failureDetectionS + this.retryUs / 1e6 + 2;
    const logCap = roomRatePerS > 0 ? RoomLog.capacityFor(roomRatePerS, spanS) : 0;
    // Half polling's budget: the per-user arrays and hold timers take the other half (a rewind
    // checkpoint copies it all); past it the log keeps an even sample of rooms.
    this.log = new RoomLog(w.rooms, logCap, roomLogBytes ?? ROOM_LOG_BUDGET_BYTES / 2);
  }

  /**
   * Steady state at t = 0: every user's request is parked at a server, with its hold's remaining
   * time uniform over [0, hold) so the timeouts do not all come at once.
   */
  warmStart(): void {
    const w = this.w;
    const pool = w.pool;
    const cap = w.scenario.maxConnectionsPerServer;
    // Remaining holds: n sorted uniforms on [0, hold) (cumulative exponential spacings), so they
    // go straight into the fixed-delay lane, whose later entries (now + hold) all come after.
    const rng = w.rng.fork('hold-phase');
    const n = w.users;
    const gaps = new Float64Array(n + 1);
    let total = 0;
    for (let i = 0; i <= n; i++) total += gaps[i] = rng.exp(1);
    let acc = 0;
    for (let u = 0; u < n; u++) {
      acc += gaps[u]!;
      const srv = pool.pick();
      if (srv === NONE || (cap > 0 && pool.conns[srv]! >= cap)) {
        if (srv !== NONE) w.t.connectionsRejected++;
        w.kernel.schedule(this.retryDelayUs(), E_LP_REQUEST, u);
        continue;
      }
      pool.conns[srv]!++;
      this.inflight++;
      this.srvOf[u] = srv;
      this.phase[u] = PARKED;
      this.parked[srv]!++;
      const at = Math.min(this.holdUs, Math.floor((acc / total) * this.holdUs) + 1);
      this.deadline[u] = at;
      this.timerSet[u] = 1;
      w.kernel.scheduleLaneAt(this.lHold, at, E_LP_TIMEOUT, u);
    }
  }

  route(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const k = w.kernel;
    const first = room * w.roomSize;
    this.log.record(room, seq, sender - first, k.now - ageUs(k.now, t0));
    const own = this.ownUnseen[sender]!;
    if (own < 0xffff) this.ownUnseen[sender] = own + 1;
    // The chat service publishes the news on each recipient's topic; the broker passes it to the
    // server where that recipient's request is registered, if any (fire and forget).
    const members = w.membersOf(room);
    const arriveUs = k.now + 2 * w.dcHopUs;
    for (let i = 0; i < members; i++) {
      const r = first + i;
      if (r === sender) continue;
      const shard = this.shardOf(r);
      w.t.brokerPublishes++;
      const doneUs = this.brokers[shard]!.admit(arriveUs, 1);
      if (doneUs < 0) {
        // Dropped at the broker: the client still gets the message, late, on its next request.
        w.t.brokerDropped++;
        continue;
      }
      k.scheduleLaneAt(this.lNews[shard]!, doneUs + w.dcHopUs, E_LP_NEWS, r, seq, shard);
    }
  }

  private shardOf(u: number): number {
    const n = this.brokers.length;
    return n === 1 ? 0 : (Math.imul(u, 0x85ebca6b) >>> 0) % n;
  }

  onConnected(): void {}
  onDisconnected(): void {}

  /** The LB knows `srv` is dead: the requests it swallowed fail, and their clients ask again. */
  onCrashDetected(srv: number): void {
    const w = this.w;
    for (let u = 0; u < w.users; u++)
      if (this.srvOf[u] === srv && this.phase[u] !== TRAVEL) {
        this.drop(u);
        this.request(u);
      }
  }

  /** `srv` crashed: its held requests are gone (no answer will come), its slots with them. */
  onServerCrashed(srv: number): void {
    const w = this.w;
    for (let u = 0; u < w.users; u++)
      if (this.srvOf[u] === srv && (this.phase[u] === READING || this.phase[u] === PARKED)) {
        if (this.phase[u] === PARKED) this.parked[srv]!--;
        // A request still reading had no hold running: its client gives up a hold from now.
        else this.armTimer(u);
        this.phase[u] = DEAD;
      }
    w.pool.conns[srv] = 0;
  }

  /** `srv` leaves (removed, or restarting in a deploy): it ends its held requests with an empty answer. */
  onServerLeft(srv: number): void {
    const w = this.w;
    for (let u = 0; u < w.users; u++) {
      if (this.srvOf[u] !== srv) continue;
      const ph = this.phase[u]!;
      if (ph === READING || ph === PARKED) this.answerEmpty(u, srv);
    }
  }

  /** Client u sends a request through the LB (its first, or again after an answer or a failure). */
  request(u: number): void {
    const w = this.w;
    const k = w.kernel;
    const pool = w.pool;
    w.t.polls++;
    const srv = pool.pick();
    if (srv === NONE) {
      k.schedule(this.retryDelayUs(), E_LP_REQUEST, u);
      return;
    }
    pool.lbPending[srv]!++;
    this.inflight++;
    this.upHop.send(E_LP_AT_SERVER, u, srv, 0, 0, u, w.t.polls);
    if (w.traced(u))
      w.trace.add(MsgKind.Poll, NodeId.Client, NodeId.ServerBase + srv, k.now, k.now + w.clientHopUs, u);
  }

  /** u's request reaches `srv`: registered (a slot taken), then the DB read. */
  onAtServer(u: number, srv: number): void {
    const w = this.w;
    const pool = w.pool;
    pool.lbPending[srv]!--;
    const st = pool.state[srv];
    if (st === 'crashed' && pool.lbKnowsDead[srv]) {
      // The LB picked it just before it learnt of the crash: it answers with an error at once.
      this.inflight--;
      this.request(u);
      return;
    }
    if (st === 'crashed') {
      // Swallowed by a dead machine: the client waits for its timer or the LB's detection.
      this.srvOf[u] = srv;
      this.phase[u] = DEAD;
      this.armTimer(u);
      return;
    }
    const cap = w.scenario.maxConnectionsPerServer;
    if (st !== 'up' || !pool.accepting[srv] || (cap > 0 && pool.conns[srv]! >= cap)) {
      // Refused (leaving, gone, or at its cap): the client backs off and asks again.
      if (st === 'up' && pool.accepting[srv]) w.t.connectionsRejected++;
      this.inflight--;
      w.kernel.schedule(this.retryDelayUs(), E_LP_REQUEST, u);
      return;
    }
    pool.conns[srv]!++;
    pool.handled[srv]!++;
    this.srvOf[u] = srv;
    this.phase[u] = READING;
    // The hold starts when the request parks (completeRead), not here: a hold shorter than the
    // DB round trip would otherwise answer every request before its read came back, and each
    // client would leave a read behind per hold (fuzz seed 6225: 600 reads in flight per user).
    this.toDb.send(E_LP_AT_DB, u, srv, 0, 0, u, this.w.t.polls);
    if (w.traced(u)) {
      const k = w.kernel;
      w.trace.add(MsgKind.Poll, NodeId.ServerBase + srv, NodeId.Db, k.now, k.now + w.dcHopUs, u);
    }
  }

  onAtDb(u: number, srv: number): void {
    if (this.srvOf[u] !== srv || this.phase[u] !== READING) return; // ended meanwhile
    if (!this.db.submit(DbOp.Read, u, srv)) {
      // The DB is full: the server answers with an error and the client backs off.
      this.w.t.dbRejected++;
      this.release(u, srv);
      this.readDown.send(E_LP_RESPONSE, u, 0, 1, 0, u, this.w.t.polls);
    }
  }

  /**
   * The DB read for u's request is done: every message of the room after the client's last seen
   * number. With some the server answers now; with none it parks the request.
   */
  completeRead(u: number, srv: number): void {
    const w = this.w;
    w.t.dbReads++;
    if (this.srvOf[u] !== srv || this.phase[u] !== READING) return; // timed out or its server died
    const room = w.roomOf(u);
    const others = w.roomSeq[room]! - w.lastSeq[u]! - this.ownUnseen[u]!;
    if (others > 0) {
      this.answer(u, srv, this.readDown, w.dcHopUs);
      return;
    }
    this.phase[u] = PARKED;
    this.parked[srv]!++;
    this.armTimer(u);
  }

  /** The broker's news of message `seq` for user r reaches the server its request was registered at. */
  onNews(r: number, seq: number, shard: number): void {
    const w = this.w;
    if (!this.brokers[shard]!.done()) return; // died in the broker's queue
    w.t.brokerDeliveries++;
    const srv = this.srvOf[r]!;
    if (this.phase[r] !== PARKED || seq <= w.lastSeq[r]!) return; // nobody waiting, or already had it
    this.answer(r, srv, this.answerHop, 0);
  }

  /** u's timer: its hold ends (an empty answer), or a request to a dead server is given up on. */
  onTimeout(u: number): void {
    const w = this.w;
    this.timerSet[u] = 0;
    const ph = this.phase[u]!;
    // Travelling, or reading (its hold starts when it parks): a timer left from an earlier request.
    if (ph === TRAVEL || ph === READING) return;
    const k = w.kernel;
    const due = this.deadline[u]!;
    if (due > k.now) {
      this.timerSet[u] = 1;
      const left = due - k.now;
      const p = 31 - Math.clz32(Math.min(left, 0xffffffff));
      if (p >= POW_MIN)
        k.scheduleLane(this.lPow[Math.min(p, POW_MIN + POW_LANES - 1) - POW_MIN]!, E_LP_TIMEOUT, u);
      else k.scheduleAt(due, E_LP_TIMEOUT, u);
      return;
    }
    if (ph === DEAD) {
      this.drop(u);
      this.request(u);
      return;
    }
    w.t.emptyPolls++;
    this.answerEmpty(u, this.srvOf[u]!);
  }

  /** The answer reaches client u: it has its messages and asks again at once (or after a refusal). */
  onResponse(u: number, count: number, rejected: number): void {
    const w = this.w;
    this.inflight--;
    if (rejected) {
      w.kernel.schedule(this.retryDelayUs(), E_LP_REQUEST, u);
      return;
    }
    w.t.deliveries += count;
    this.request(u);
  }

  /** Answers u's request at `srv` with every message after its last seen number, over `hop`. */
  private answer(u: number, srv: number, hop: Hop, tracedDcUs: number): void {
    const w = this.w;
    const k = w.kernel;
    const room = w.roomOf(u);
    const S = w.roomSeq[room]!;
    const L = w.lastSeq[u]!;
    const others = S - L - this.ownUnseen[u]!;
    w.lastSeq[u] = S;
    this.ownUnseen[u] = 0;
    this.release(u, srv);
    const delayUs = hop.send(E_LP_RESPONSE, u, others, 0, 0, u, this.w.t.polls);
    if (others > 0 && !this.log.logs(room)) w.t.latencyUnsampled += others;
    else if (others > 0) {
      const recorded = this.log.latencies(room, L, S, u - room * w.roomSize, k.now + delayUs, w.metrics);
      w.t.latencyUnrecorded += others - recorded;
    }
    if (w.traced(u)) {
      const t1 = k.now + tracedDcUs;
      if (tracedDcUs > 0) w.trace.add(MsgKind.PollResponse, NodeId.Db, NodeId.ServerBase + srv, k.now, t1, u);
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

  private answerEmpty(u: number, srv: number): void {
    this.release(u, srv);
    this.answerHop.send(E_LP_RESPONSE, u, 0, 0, 0, u, this.w.t.polls);
  }

  /** u's request leaves `srv` (answered): its slot is free. */
  private release(u: number, srv: number): void {
    if (this.phase[u] === PARKED) this.parked[srv]!--;
    if (this.phase[u] !== DEAD) this.w.pool.conns[srv]!--;
    this.srvOf[u] = NONE;
    this.phase[u] = TRAVEL;
  }

  /** u's request at a dead server is given up on (it took no slot: the crash freed them). */
  private drop(u: number): void {
    this.srvOf[u] = NONE;
    this.phase[u] = TRAVEL;
    this.inflight--;
  }

  /** u's hold ends a hold from now; one timer event per user, moved on when it fires early. */
  private armTimer(u: number): void {
    const k = this.w.kernel;
    this.deadline[u] = k.now + this.holdUs;
    if (this.timerSet[u]) return;
    this.timerSet[u] = 1;
    k.scheduleLane(this.lHold, E_LP_TIMEOUT, u);
  }

  private retryDelayUs(): number {
    return this.retryUs * (0.5 + this.w.rngClient.next());
  }

  /** Requests parked now, over all servers. */
  parkedTotal(): number {
    let n = 0;
    for (let i = 0; i < this.w.pool.count; i++) n += this.parked[i]!;
    return n;
  }

  /** Requests registered at `srv` that is not up (crashed or gone): none once the world settles. */
  strandedAt(srv: number): number {
    let n = 0;
    for (let u = 0; u < this.srvOf.length; u++) if (this.srvOf[u] === srv && this.phase[u] !== TRAVEL) n++;
    return n;
  }

  /** Unread messages of every client plus deliveries riding on answers. */
  pending(): number {
    const w = this.w;
    let pending = 0;
    for (let u = 0; u < w.users; u++) pending += w.roomSeq[w.roomOf(u)]! - w.lastSeq[u]! - this.ownUnseen[u]!;
    w.kernel.forEachPending((type, _a, b, c) => {
      if (type === E_LP_RESPONSE && !c) pending += b;
    });
    return pending;
  }

  memoryBytes(): number {
    return (
      this.srvOf.byteLength +
      this.phase.byteLength +
      this.deadline.byteLength +
      this.timerSet.byteLength +
      this.ownUnseen.byteLength +
      this.parked.byteLength +
      this.log.bytes
    );
  }
}
