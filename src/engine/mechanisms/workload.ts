import { DbOp, type Database } from '../model/database';
import { E_SEND, E_WRITE_AT_DB, packTime } from '../events';
import type { Strategy } from '../strategies/strategy';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Connections } from './connections';
import type { Hop } from './hop';
import type { AtLeastOnce } from './acks';
import type { Sequencing } from './sequencing';
import { RoomPopularity } from './hotRooms';

/**
 * The users' sends: a superposition of per-user Poisson processes (one pending event for all),
 * each message written to the DB, which assigns the room's sequence number on commit and hands the
 * message to the strategy.
 */
export class Workload {
  /** Client → server → chat service → DB. */
  private readonly writeUp: Hop;
  private readonly ratePerUs: number;
  /** The clients' sequence numbers, told of each commit (set when `sequenceNumbers` is on). */
  seqs: Sequencing | null = null;
  /** At-least-once acks, told of each message routed (set when `delivery` is "at-least-once"). */
  acks: AtLeastOnce | null = null;
  /** Who sends next (uniform over users, or Zipf over rooms). */
  readonly popularity: RoomPopularity;

  constructor(
    private readonly w: World,
    private readonly db: Database,
    private readonly connections: Connections,
    private readonly strategy: Strategy,
  ) {
    const s = w.scenario;
    this.writeUp = w.hop(w.procUs, w.clientHopUs + 2 * w.dcHopUs, 3);
    this.ratePerUs = (s.users * s.messagesPerUserPerMin) / 60 / 1e6;
    this.popularity = new RoomPopularity(w);
  }

  /**
   * When the next send happens, exactly (µs, fractional): the gaps accumulate in float and only
   * the absolute time is rounded for the kernel, so the offered rate is right at any rate (whole
   * µs gaps would make 1,000,000 sends/s come out 4 % high).
   */
  private nextSendUs = 0;

  /** Schedules the first send. */
  start(): void {
    if (this.ratePerUs <= 0) return;
    this.nextSendUs = this.w.rngSend.exp(1 / this.ratePerUs);
    this.w.kernel.scheduleAt(Math.round(this.nextSendUs), E_SEND);
  }

  onSend(): void {
    const w = this.w;
    const k = w.kernel;
    const u = this.popularity.pickSender(w.rngSend);
    this.nextSendUs += w.rngSend.exp(1 / this.ratePerUs);
    k.scheduleAt(Math.round(this.nextSendUs), E_SEND);
    const t0 = packTime(k.now);
    const delayUs = this.writeUp.send(E_WRITE_AT_DB, u, t0, 0, 0, u, t0);
    if (w.traced(u)) {
      // Drawn as it really goes: each network hop stretched by the same (jittered) factor.
      const net = w.clientHopUs + 2 * w.dcHopUs;
      const f = net > 0 ? (delayUs - w.procUs) / net : 1;
      const srv = NodeId.ServerBase + this.connections.pickAnyServer(u);
      const s0 = k.now;
      const t1 = s0 + w.clientHopUs * f;
      const t2 = t1 + w.procUs + w.dcHopUs * f;
      w.trace.add(MsgKind.Write, NodeId.Client, srv, s0, t1, u);
      w.trace.add(MsgKind.Write, srv, NodeId.Chat, t1 + w.procUs, t2, u);
      w.trace.add(MsgKind.Write, NodeId.Chat, NodeId.Db, t2, s0 + delayUs, u);
    }
  }

  /** The write reaches the DB; a full DB turns it away (a failed send, never silently dropped). */
  onWriteAtDb(u: number, t0: number): void {
    if (!this.db.submit(DbOp.Write, u, t0)) {
      this.w.t.dbRejected++;
      this.w.t.sendsFailed++;
    }
  }

  /**
   * The DB committed user u's message: assign the room sequence number and route it. `t0` is the
   * moment the sender pressed send: every delivery's latency is measured from it (end to end, so
   * time queued at the DB shows).
   */
  commit(sender: number, t0: number): void {
    const w = this.w;
    w.t.dbWrites++;
    w.t.messagesSent++;
    const room = w.roomOf(sender);
    const seq = ++w.roomSeq[room]!;
    w.t.expectedDeliveries += w.membersOf(room) - 1;
    if (this.seqs !== null) this.seqs.onCommit(sender, room, seq, t0);
    this.strategy.route(sender, room, seq, t0);
    if (this.acks !== null) this.acks.track(sender, room, seq, t0);
  }
}
