import { DbOp, type Database } from '../model/database';
import { E_SEND, E_WRITE_AT_DB, packTime } from '../events';
import type { Strategy } from '../strategies/strategy';
import { MsgKind, NodeId } from '../types';
import type { World } from '../world';
import type { Connections } from './connections';

/**
 * The users' sends: a superposition of per-user Poisson processes (one pending event for all),
 * each message written to the DB, which assigns the room's sequence number on commit and hands the
 * message to the strategy.
 */
export class Workload {
  private readonly lWriteUp: number;
  private readonly ratePerUs: number;

  constructor(
    private readonly w: World,
    private readonly db: Database,
    private readonly connections: Connections,
    private readonly strategy: Strategy,
  ) {
    const s = w.scenario;
    this.lWriteUp = w.kernel.addLane(w.clientHopUs + w.procUs + 2 * w.dcHopUs);
    this.ratePerUs = (s.users * s.messagesPerUserPerMin) / 60 / 1e6;
  }

  /** Schedules the first send. */
  start(): void {
    if (this.ratePerUs > 0) this.w.kernel.schedule(this.w.rngSend.exp(1 / this.ratePerUs), E_SEND);
  }

  onSend(): void {
    const w = this.w;
    const k = w.kernel;
    const u = w.rngSend.int(w.users);
    k.schedule(w.rngSend.exp(1 / this.ratePerUs), E_SEND);
    k.scheduleLane(this.lWriteUp, E_WRITE_AT_DB, u);
    if (w.traced(u)) {
      const srv = NodeId.ServerBase + this.connections.pickAnyServer(u);
      const t0 = k.now;
      const t1 = t0 + w.clientHopUs;
      const t2 = t1 + w.procUs + w.dcHopUs;
      w.trace.add(MsgKind.Write, NodeId.Client, srv, t0, t1, u);
      w.trace.add(MsgKind.Write, srv, NodeId.Chat, t1 + w.procUs, t2, u);
      w.trace.add(MsgKind.Write, NodeId.Chat, NodeId.Db, t2, t2 + w.dcHopUs, u);
    }
  }

  onWriteAtDb(u: number): void {
    if (!this.db.submit(DbOp.Write, u, 0)) {
      this.w.t.dbRejected++;
      this.w.t.sendsFailed++;
    }
  }

  /** The DB committed user u's message: assign the room sequence number and route it. */
  commit(sender: number): void {
    const w = this.w;
    w.t.dbWrites++;
    w.t.messagesSent++;
    const room = w.roomOf(sender);
    const seq = ++w.roomSeq[room]!;
    w.t.expectedDeliveries += w.membersOf(room) - 1;
    this.strategy.route(sender, room, seq, packTime(w.kernel.now));
  }
}
