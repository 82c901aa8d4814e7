import { Kernel, type EventHandler } from './core/kernel';
import { Rng } from './core/rng';
import { hashInt } from './core/hash';
import { deepClone } from './core/clone';
import { MetricsRecorder } from './metrics/recorder';
import { TraceBuffer } from './metrics/trace';
import { Broker } from './model/broker';
import { Database, DbOp } from './model/database';
import { HashRing } from './model/hashRing';
import { BufferPush, MigrationBuffer } from './model/migrationBuffer';
import { RoomLog } from './model/roomLog';
import { NONE, ServerPool } from './model/servers';
import { normalizeScenario, type ActionKind, type Scenario, type ScenarioInput } from './scenario';
import {
  MsgKind,
  NodeId,
  type ActionReport,
  type LiveSnapshot,
  type MigrationInfo,
  type Result,
  type RingView,
  type SampleView,
  type SeriesRow,
  type ServerInfo,
  type StoreBudgets,
  type Totals,
} from './types';

// Event types (kernel `type` register).
const E_SECOND = 1;
const E_SEND = 2;
const E_WRITE_AT_DB = 3;
const E_DB_DONE = 4;
const E_TIMELINE = 5;
const E_POLL = 6;
const E_READ_AT_DB = 7;
const E_POLL_RESPONSE = 8;
const E_PUSH_AT_SERVER = 9;
const E_PUSH_AT_CLIENT = 10;
const E_PUBLISH_AT_BROKER = 11;
const E_BROKER_OUT = 12;
const E_RECONNECT = 13;
const E_CONNECT_AT_SERVER = 14;
const E_SUBSCRIBE = 15;
const E_VIEW_CHANGE = 16;
const E_DETECT_CRASH = 17;
const E_DRAIN_TICK = 18;
const E_FINALIZE = 19;

// Push copy flags (upper 16 bits of payload d; low 16 bits = server).
const F_OLD = 1; // dual-send copy to the old owner: never counts as pending or lost
const F_TWIN = 2; // dual-send copy to the new owner (or flushed from its buffer)
const F_ROOM = 4; // broker publish on a room topic

// Connect flags.
const C_VIA_LB = 1;

// View-change kinds.
const V_MEMBERSHIP = 0; // apply membership now (modulo, crash on a ring)
const V_MIGRATE_START = 1;
const V_FINALIZED = 2;

const DRAIN_TICK_US = 10_000;

interface PendingAction {
  kind: ActionKind;
  server: number | undefined;
  report: ActionReport;
}

interface Migration {
  phase: MigrationInfo['phase'];
  movers: Int32Array;
  drained: number;
  startUs: number;
  oldServers: number[];
  newServers: number[];
  newRing: HashRing;
  removing: number; // server being removed, or -1
}

/**
 * One simulated world: clients, load balancer, endpoint servers, chat service, DB, coordination
 * service with its ring, and broker, run by one kernel. Strategy semantics are in DESIGN.md.
 *
 * Construct with {@link createSimulation}; drive with {@link Simulation.runUntil}; read with
 * {@link Simulation.live}, {@link Simulation.drainTrace} and {@link Simulation.result}.
 */
export class Simulation implements EventHandler {
  readonly scenario: Scenario;
  readonly kernel = new Kernel(1024);

  private readonly rng: Rng;
  private readonly rngSend: Rng;
  private readonly rngClient: Rng;

  private readonly strategy: Scenario['strategy'];
  private readonly hashing: boolean;
  private readonly ringMode: boolean;
  private readonly users: number;
  private readonly roomSize: number;
  private readonly rooms: number;

  // Timing (µs).
  private readonly dcHopUs: number;
  private readonly clientHopUs: number;
  private readonly procUs: number;
  private readonly setupUs: number;

  // Lanes.
  private readonly lPoll: number;
  private readonly lReadUp: number;
  private readonly lWriteUp: number;
  private readonly lReadDown: number;
  private readonly lCommitToServer: number;
  private readonly lServerToClient: number;
  private readonly lCommitToBroker: number;
  private readonly lBrokerToServer: number;
  /** One monotone lane per broker shard (each shard is a FIFO). */
  private readonly lBrokerOut: number[];
  private readonly lConnect: number;
  private readonly lRedirect: number;
  private readonly lSubscribe: number;

  // Per-user state (struct of arrays).
  /** Polling: last seq read from the DB. Push: highest seq received (client de-dup). */
  private readonly lastSeq: Uint32Array;
  /** Polling: own messages committed since the last read. */
  private readonly ownUnseen: Uint16Array;
  /** Push: server holding the user's connection. */
  private readonly conn: Uint16Array;
  /** Hashing: user key hash; owner by the routing view. */
  private readonly hash: Uint32Array;
  private readonly owner: Uint16Array;
  private ownerNew: Uint16Array | null = null;
  /** Pub/sub: server subscribed at the broker on the user's behalf. */
  private readonly subServer: Uint16Array;

  // Rooms: the chat service's per-room sequence numbers, and what polling reads need.
  private readonly roomSeq: Uint32Array;
  private readonly log: RoomLog;

  /** Endpoint servers and the load balancer. */
  private readonly pool: ServerPool;
  private inflightPolls = 0;

  // Routing view (coordination service as the members see it).
  private members: number[] = [];
  private ring: HashRing;
  private ringVersion = 0;
  private migration: Migration | null = null;
  private deferred: PendingAction[] = [];

  /** Copies new owners keep for moving users during a migration. */
  private readonly buffer: MigrationBuffer;
  private readonly brokers: Broker[];
  private readonly db: Database;

  private readonly metrics = new MetricsRecorder();
  /** The counters (`metrics.totals`), incremented directly by the model. */
  private readonly t: Totals;
  private dbBusyPrev = 0;
  private dbUtilLastS = 0;
  private readonly brokerWorkPrevUs: number[] = [];
  private readonly brokerUtilLastS: number[] = [];

  private readonly reports: ActionReport[] = [];
  private readonly reconnectsAtAction: number[] = [];

  // Tracing.
  private readonly traceStride: number;
  private readonly trace = new TraceBuffer();
  private readonly sampleUsers: Uint32Array;
  private readonly sampleMoved: Uint8Array;
  private readonly stamp: Int32Array;
  private stampEpoch = 0;

  constructor(input: ScenarioInput | Scenario, budgets: StoreBudgets = {}) {
    const s = normalizeScenario(input);
    this.scenario = s;
    this.strategy = s.strategy;
    this.hashing = s.strategy === 'modulo-hashing' || s.strategy === 'consistent-hashing';
    this.ringMode = s.strategy === 'consistent-hashing';
    this.users = s.users;
    this.roomSize = s.roomSize;
    this.rooms = Math.max(1, Math.floor(s.users / s.roomSize));

    this.rng = new Rng(s.seed);
    this.rngSend = this.rng.fork('send');
    this.rngClient = this.rng.fork('client');

    this.dcHopUs = Math.round((s.networkRttMs * 1000) / 2);
    this.clientHopUs = Math.round((s.clientRttMs * 1000) / 2);
    this.procUs = Math.round(s.serverProcessingMs * 1000);
    this.setupUs = Math.round(s.connectSetupMs * 1000);

    // Only the lanes a strategy uses exist: every pop scans each lane's head.
    const k = this.kernel;
    const polling = s.strategy === 'polling';
    const pubsub = s.strategy === 'pubsub';
    const lane = (needed: boolean, delayUs: number, capacity = 1024, narrow = false) =>
      needed ? k.addLane(delayUs, capacity, narrow) : -1;
    this.lPoll = lane(polling, Math.round(s.pollIntervalS * 1e6), s.users, true);
    this.lReadUp = lane(polling, this.clientHopUs + this.procUs + this.dcHopUs);
    this.lWriteUp = lane(true, this.clientHopUs + this.procUs + 2 * this.dcHopUs);
    this.lReadDown = lane(polling, this.dcHopUs + this.procUs + this.clientHopUs);
    this.lCommitToServer = lane(this.hashing, 2 * this.dcHopUs);
    this.lServerToClient = lane(!polling, this.procUs + this.clientHopUs);
    this.lCommitToBroker = lane(pubsub, 2 * this.dcHopUs);
    this.lBrokerToServer = lane(pubsub, this.dcHopUs);
    this.lBrokerOut = Array.from({ length: pubsub ? s.brokerShards : 0 }, () => k.addLane(-1));
    this.lConnect = lane(!polling, this.clientHopUs + this.setupUs);
    this.lRedirect = lane(!polling, 2 * this.clientHopUs + this.setupUs);
    this.lSubscribe = lane(pubsub, this.dcHopUs);

    const n = s.users;
    this.lastSeq = new Uint32Array(n);
    this.ownUnseen = new Uint16Array(polling ? n : 0);
    this.conn = new Uint16Array(polling ? 0 : n).fill(NONE);
    this.hash = new Uint32Array(this.hashing ? n : 0);
    this.owner = new Uint16Array(this.hashing ? n : 0).fill(NONE);
    this.subServer = new Uint16Array(s.strategy === 'pubsub' ? n : 0).fill(NONE);
    this.roomSeq = new Uint32Array(this.rooms);

    // A room commits no faster than its share of what the DB can serve (the rest is refused).
    const roomRatePerS = Math.min(
      (this.membersOf(0) * s.messagesPerUserPerMin) / 60,
      (s.dbConcurrency * 1000) / s.dbQueryMs / this.rooms,
    );
    const logCap =
      polling && roomRatePerS > 0
        ? RoomLog.capacityFor(roomRatePerS, s.pollIntervalS + 2 * s.pollJitterS + 1)
        : 0;
    this.log = new RoomLog(polling ? this.rooms : 0, logCap, budgets.roomLogBytes);
    this.pool = new ServerPool(s.lbPolicy, this.rng.fork('lb'), polling);
    this.buffer = new MigrationBuffer(n, undefined, budgets.migrationBufferBytes);
    this.brokers = Array.from(
      { length: s.brokerShards },
      () => new Broker(s.brokerCapacityPerS, s.brokerMaxQueue),
    );
    this.db = new Database(
      k,
      this.rng.fork('db'),
      s.dbConcurrency,
      s.dbQueryMs * 1000,
      s.dbMaxQueue,
      E_DB_DONE,
    );
    this.ring = new HashRing(s.vnodes);

    this.t = this.metrics.totals;

    // Traced users: an evenly spaced deterministic sample.
    const traced = Math.min(s.tracedUsers, n);
    this.traceStride = traced > 0 ? Math.ceil(n / traced) : 0;
    // The drawing sample is a subset of the traced users, so every sampled dot has its own hops.
    const sampleN = Math.min(n, 240);
    let sampleStride = Math.ceil(n / sampleN);
    if (this.traceStride > 0) sampleStride = Math.ceil(sampleStride / this.traceStride) * this.traceStride;
    const sample: number[] = [];
    for (let u = 0; u < n && sample.length < sampleN; u += sampleStride) sample.push(u);
    this.sampleUsers = Uint32Array.from(sample);
    this.sampleMoved = new Uint8Array(sample.length);
    this.stamp = new Int32Array(64).fill(-1);

    // Servers at t = 0.
    for (let i = 0; i < s.servers; i++) this.pool.add();
    this.members = this.pool.members();
    if (this.hashing) {
      for (let u = 0; u < n; u++) this.hash[u] = hashInt(u, 0x5eed);
      if (this.ringMode) this.ring = HashRing.build(this.members, s.vnodes);
      this.recomputeOwners(this.owner);
      this.ringVersion++;
    }

    this.warmStart();

    // Recurring machinery.
    k.scheduleAt(1_000_000, E_SECOND);
    const ratePerUs = (s.users * s.messagesPerUserPerMin) / 60 / 1e6;
    if (ratePerUs > 0) k.schedule(this.rngSend.exp(1 / ratePerUs), E_SEND);
    s.timeline.forEach((e, i) => k.scheduleAt(Math.round(e.atS * 1e6), E_TIMELINE, i));
  }

  // ───────────────────────────── public API ─────────────────────────────

  /** Simulated time now (µs). */
  get nowUs(): number {
    return this.kernel.now;
  }

  /** Runs events strictly before `untilUs`, at most `maxEvents`. Returns events run. */
  runUntil(untilUs: number, maxEvents = Infinity): number {
    return this.kernel.runUntil(untilUs, maxEvents, this);
  }

  /**
   * Runs the scenario to `durationS`, including the events at that instant (so the last
   * second's series row is complete).
   */
  run(): this {
    this.runUntil(Math.round(this.scenario.durationS * 1e6) + 1);
    return this;
  }

  /**
   * A deep copy of the whole world at this instant. Running the copy gives exactly what running
   * the original would (checkpoints for rewind; forks for "what if").
   */
  checkpoint(): Simulation {
    return deepClone(this);
  }

  /** Applies an action now (the page's buttons); returns its report (updated as the run goes on). */
  act(kind: ActionKind, server?: number): ActionReport {
    return this.applyAction(kind, server);
  }

  /** Kernel callback: dispatches one event. */
  handle(k: Kernel): void {
    switch (k.type) {
      case E_POLL:
        return this.onPoll(k.a);
      case E_READ_AT_DB:
        return this.onReadAtDb(k.a, k.b);
      case E_DB_DONE:
        return this.onDbDone(k.a, k.b, k.c);
      case E_POLL_RESPONSE:
        return this.onPollResponse(k.a, k.b, k.c, k.d);
      case E_SEND:
        return this.onSend();
      case E_WRITE_AT_DB:
        return this.onWriteAtDb(k.a);
      case E_PUSH_AT_SERVER:
        return this.onPushAtServer(k.a, k.b, k.c, k.d);
      case E_PUSH_AT_CLIENT:
        return this.onPushAtClient(k.a, k.b, k.c, k.d);
      case E_PUBLISH_AT_BROKER:
        return this.onPublishAtBroker(k.a, k.b, k.c, k.d);
      case E_BROKER_OUT:
        return this.onBrokerOut(k.a, k.b, k.c, k.d);
      case E_RECONNECT:
        return this.connectViaLb(k.a);
      case E_CONNECT_AT_SERVER:
        return this.onConnectAtServer(k.a, k.b, k.c, k.d);
      case E_SUBSCRIBE:
        return this.onSubscribe(k.a, k.b);
      case E_SECOND:
        return this.onSecond();
      case E_TIMELINE: {
        const e = this.scenario.timeline[k.a]!;
        this.applyAction(e.action, e.server);
        return;
      }
      case E_VIEW_CHANGE:
        return this.onViewChange(k.a);
      case E_DETECT_CRASH:
        return this.onDetectCrash(k.a);
      case E_DRAIN_TICK:
        return this.onDrainTick();
      case E_FINALIZE:
        return this.onFinalize();
    }
  }

  // ───────────────────────────── workload ─────────────────────────────

  private membersOf(room: number): number {
    return room === this.rooms - 1 ? this.users - room * this.roomSize : this.roomSize;
  }

  private roomOf(u: number): number {
    const r = Math.floor(u / this.roomSize);
    return r >= this.rooms ? this.rooms - 1 : r;
  }

  private traced(u: number): boolean {
    return this.traceStride > 0 && u % this.traceStride === 0;
  }

  private onSend(): void {
    const k = this.kernel;
    const s = this.scenario;
    const u = this.rngSend.int(this.users);
    // Superposition of per-user Poisson processes: one pending event for all users.
    const ratePerUs = (s.users * s.messagesPerUserPerMin) / 60 / 1e6;
    k.schedule(this.rngSend.exp(1 / ratePerUs), E_SEND);
    k.scheduleLane(this.lWriteUp, E_WRITE_AT_DB, u);
    if (this.traced(u)) {
      const srv = NodeId.ServerBase + this.pickAnyServer(u);
      const t0 = k.now;
      const t1 = t0 + this.clientHopUs;
      const t2 = t1 + this.procUs + this.dcHopUs;
      this.trace.add(MsgKind.Write, NodeId.Client, srv, t0, t1, u);
      this.trace.add(MsgKind.Write, srv, NodeId.Chat, t1 + this.procUs, t2, u);
      this.trace.add(MsgKind.Write, NodeId.Chat, NodeId.Db, t2, t2 + this.dcHopUs, u);
    }
  }

  private onWriteAtDb(u: number): void {
    if (!this.db.submit(DbOp.Write, u, 0)) {
      this.t.dbRejected++;
      this.t.sendsFailed++;
    }
  }

  private onDbDone(op: number, a: number, b: number): void {
    this.db.complete();
    if (op === DbOp.Write) this.commit(a);
    else this.completeRead(a, b);
  }

  /** The DB committed user u's message: assign the room sequence number and route it. */
  private commit(sender: number): void {
    const k = this.kernel;
    this.t.dbWrites++;
    this.t.messagesSent++;
    const room = this.roomOf(sender);
    const seq = ++this.roomSeq[room]!;
    const first = room * this.roomSize;
    const members = this.membersOf(room);
    this.t.expectedDeliveries += members - 1;
    const commitU32 = k.now >>> 0;
    const commitI32 = commitU32 | 0;

    switch (this.strategy) {
      case 'polling': {
        this.log.record(room, seq, sender - first, k.now);
        const own = this.ownUnseen[sender]!;
        if (own < 0xffff) this.ownUnseen[sender] = own + 1;
        return;
      }
      case 'pubsub': {
        const tracedSender = this.traced(sender);
        if (tracedSender) {
          const t1 = k.now + this.dcHopUs;
          this.trace.add(MsgKind.Publish, NodeId.Db, NodeId.Chat, k.now, t1, sender);
          this.trace.add(MsgKind.Publish, NodeId.Chat, NodeId.Broker, t1, t1 + this.dcHopUs, sender);
        }
        if (this.scenario.topic === 'room') {
          k.scheduleLane(
            this.lCommitToBroker,
            E_PUBLISH_AT_BROKER,
            room,
            seq,
            commitI32,
            (F_ROOM << 16) | (sender - first),
          );
        } else {
          for (let i = 0; i < members; i++) {
            const r = first + i;
            if (r !== sender) k.scheduleLane(this.lCommitToBroker, E_PUBLISH_AT_BROKER, r, seq, commitI32, 0);
          }
        }
        return;
      }
      default: {
        // Hashing: the chat service routes each recipient's copy to its owner (both owners while
        // a migration moves the recipient).
        const mig = this.migration !== null && this.migration.phase !== 'announced' ? this.ownerNew : null;
        for (let i = 0; i < members; i++) {
          const r = first + i;
          if (r === sender) continue;
          const o = this.owner[r]!;
          const n = mig !== null ? mig[r]! : o;
          if (n !== o && n !== NONE) {
            this.sendToServer(r, seq, commitI32, o, F_OLD);
            this.sendToServer(r, seq, commitI32, n, F_TWIN);
          } else this.sendToServer(r, seq, commitI32, o, 0);
        }
      }
    }
  }

  private sendToServer(r: number, seq: number, commitI32: number, server: number, flags: number): void {
    if (server === NONE) {
      if (!(flags & F_OLD)) this.lose(r, seq, flags);
      return;
    }
    const k = this.kernel;
    k.scheduleLane(this.lCommitToServer, E_PUSH_AT_SERVER, r, seq, commitI32, (flags << 16) | server);
    if (this.traced(r)) {
      const t1 = k.now + this.dcHopUs;
      this.trace.add(MsgKind.Push, NodeId.Db, NodeId.Chat, k.now, t1, r);
      this.trace.add(MsgKind.Push, NodeId.Chat, NodeId.ServerBase + server, t1, t1 + this.dcHopUs, r);
    }
  }

  /** A copy could not be delivered: count a loss unless another copy covers it. */
  private lose(r: number, seq: number, flags: number): void {
    if (flags & F_OLD) return;
    if (flags & F_TWIN && seq <= this.lastSeq[r]!) return;
    this.t.lostDeliveries++;
  }

  // ───────────────────────────── polling ─────────────────────────────

  private warmStart(): void {
    const k = this.kernel;
    const s = this.scenario;
    const n = this.users;
    if (this.strategy === 'polling') {
      // First polls at independent uniform phases in [0, interval): n sorted uniforms (cumulative
      // exponential spacings). Users are interchangeable, so the k-th smallest phase goes to user
      // k: a poll round then sweeps per-user arrays in order (cache-friendly) instead of at random.
      // Sorted, they go straight into the fixed-interval lane, whose later entries (now +
      // interval) all come after them.
      const intervalUs = Math.round(s.pollIntervalS * 1e6);
      const rngPhase = this.rng.fork('phase');
      let total = 0;
      const gaps = new Float64Array(n + 1);
      for (let i = 0; i <= n; i++) total += gaps[i] = rngPhase.exp(1);
      let acc = 0;
      for (let u = 0; u < n; u++) {
        acc += gaps[u]!;
        k.scheduleLaneAt(this.lPoll, Math.floor((acc / total) * intervalUs), E_POLL, u);
      }
      return;
    }
    // Push strategies start in steady state: every user connected (and subscribed).
    for (let u = 0; u < n; u++) {
      const srv = this.hashing ? this.owner[u]! : this.pool.pick();
      this.conn[u] = srv;
      this.pool.conns[srv]!++;
      if (this.strategy === 'pubsub') this.subServer[u] = srv;
    }
    this.t.connects += n;
  }

  private onPoll(u: number): void {
    const k = this.kernel;
    const s = this.scenario;
    // Next poll: a fixed-interval lane unless jittered.
    if (s.pollJitterS > 0) {
      const j = (this.rngClient.next() * 2 - 1) * s.pollJitterS * 1e6;
      k.schedule(Math.max(1, s.pollIntervalS * 1e6 + j), E_POLL, u);
    } else k.scheduleLane(this.lPoll, E_POLL, u);
    this.t.polls++;
    const srv = this.pool.pick();
    if (srv === NONE) return; // no server reachable: the poll fails at the LB
    this.pool.lbPending[srv]!++;
    this.inflightPolls++;
    this.pool.handled[srv]!++;
    k.scheduleLane(this.lReadUp, E_READ_AT_DB, u, srv);
    if (this.traced(u)) {
      const t1 = k.now + this.clientHopUs;
      this.trace.add(MsgKind.Poll, NodeId.Client, NodeId.ServerBase + srv, k.now, t1, u);
      this.trace.add(
        MsgKind.Poll,
        NodeId.ServerBase + srv,
        NodeId.Db,
        t1 + this.procUs,
        t1 + this.procUs + this.dcHopUs,
        u,
      );
    }
  }

  private onReadAtDb(u: number, srv: number): void {
    if (this.pool.state[srv] === 'crashed') {
      // The server died with the request: the client just waits for its next poll.
      this.pool.lbPending[srv]!--;
      this.inflightPolls--;
      return;
    }
    if (!this.db.submit(DbOp.Read, u, srv)) {
      this.t.dbRejected++;
      this.kernel.scheduleLane(this.lReadDown, E_POLL_RESPONSE, u, srv, 0, 1);
    }
  }

  /**
   * The DB read for user u completed: it returns every message of the room newer than the user's
   * last read. Latency is fixed now (arrival = now + the fixed return path); the client counts the
   * deliveries when the response arrives.
   */
  private completeRead(u: number, srv: number): void {
    const k = this.kernel;
    this.t.dbReads++;
    const room = this.roomOf(u);
    const S = this.roomSeq[room]!;
    const L = this.lastSeq[u]!;
    const own = this.ownUnseen[u]!;
    const others = S - L - own;
    this.lastSeq[u] = S;
    this.ownUnseen[u] = 0;
    if (others > 0 && !this.log.logs(room)) this.t.latencyUnsampled += others;
    else if (others > 0) {
      const arrivalUs = k.now + this.dcHopUs + this.procUs + this.clientHopUs;
      const recorded = this.log.latencies(room, L, S, u - room * this.roomSize, arrivalUs, this.metrics);
      this.t.latencyUnrecorded += others - recorded;
    }
    k.scheduleLane(this.lReadDown, E_POLL_RESPONSE, u, srv, others, 0);
    if (this.traced(u)) {
      const t1 = k.now + this.dcHopUs;
      this.trace.add(MsgKind.PollResponse, NodeId.Db, NodeId.ServerBase + srv, k.now, t1, u);
      this.trace.add(
        MsgKind.PollResponse,
        NodeId.ServerBase + srv,
        NodeId.Client,
        t1 + this.procUs,
        t1 + this.procUs + this.clientHopUs,
        u,
      );
    }
  }

  private onPollResponse(_u: number, srv: number, count: number, rejected: number): void {
    this.pool.lbPending[srv]!--;
    this.inflightPolls--;
    if (rejected) return;
    if (count === 0) this.t.emptyPolls++;
    else this.t.deliveries += count;
  }

  // ───────────────────────────── push ─────────────────────────────

  private onPushAtServer(r: number, seq: number, commitI32: number, d: number): void {
    const k = this.kernel;
    const srv = d & 0xffff;
    const flags = d >>> 16;
    if (this.pool.state[srv] === 'crashed') return this.lose(r, seq, flags);
    this.pool.handled[srv]!++;
    if (this.conn[r] === srv) {
      k.scheduleLane(this.lServerToClient, E_PUSH_AT_CLIENT, r, seq, commitI32, flags);
      if (this.traced(r)) {
        const t1 = k.now + this.procUs;
        this.trace.add(MsgKind.Push, NodeId.ServerBase + srv, NodeId.Client, t1, t1 + this.clientHopUs, r);
      }
      return;
    }
    // The new owner keeps copies for a moving user until it connects (dual-send window).
    const mig = this.migration;
    if (flags & F_TWIN && mig !== null && this.ownerNew !== null && this.ownerNew[r] === srv) {
      const kept = this.buffer.push(r, seq, commitI32);
      if (kept === BufferPush.OverBudget) this.t.bufferRefused++;
      if (kept !== BufferPush.Kept) this.lose(r, seq, F_TWIN);
      return;
    }
    if (this.traced(r))
      this.trace.add(MsgKind.Loss, NodeId.ServerBase + srv, NodeId.ServerBase + srv, k.now, k.now + 1, r);
    this.lose(r, seq, flags);
  }

  private onPushAtClient(r: number, seq: number, commitI32: number, flags: number): void {
    if (seq <= this.lastSeq[r]!) {
      // Already received through the other owner: the client drops it by message id.
      this.t.duplicateDeliveries++;
      return;
    }
    if (flags & F_OLD || flags & F_TWIN || seq > this.lastSeq[r]!) this.lastSeq[r] = seq;
    this.t.deliveries++;
    this.recordLatency(((this.kernel.now >>> 0) - (commitI32 >>> 0)) >>> 0);
  }

  /** Sends (flush) or drops user r's buffered copies. */
  private releaseBuffer(r: number, flush: boolean): void {
    const k = this.kernel;
    if (flush)
      this.buffer.release(r, (seq, commitI32) =>
        k.scheduleLane(this.lServerToClient, E_PUSH_AT_CLIENT, r, seq, commitI32, F_TWIN),
      );
    else this.buffer.release(r, (seq) => this.lose(r, seq, F_TWIN));
  }

  // ───────────────────────────── broker ─────────────────────────────

  private onPublishAtBroker(target: number, seq: number, commitI32: number, d: number): void {
    const k = this.kernel;
    const flags = d >>> 16;
    this.t.brokerPublishes++;
    let recipients = 1;
    let work = 1;
    if (flags & F_ROOM) {
      recipients = this.membersOf(target) - 1;
      work = Math.max(1, this.distinctSubscribedServers(target, d & 0xffff));
    }
    const shard = this.shardOf(target, flags);
    const doneUs = this.brokers[shard]!.admit(k.now, work);
    if (doneUs < 0) {
      // Backlog full, or the shard is down: at-most-once, the publish is gone.
      this.t.brokerDropped++;
      this.t.lostDeliveries += recipients;
      return;
    }
    // Single-threaded FIFO (Redis-like): completions come in time order, so a monotone lane holds them.
    k.scheduleLaneAt(this.lBrokerOut[shard]!, doneUs, E_BROKER_OUT, target, seq, commitI32, d);
  }

  /** Broker shard of a topic (user topics and room topics hash alike: Redis Cluster key slots). */
  private shardOf(topic: number, flags: number): number {
    const n = this.brokers.length;
    if (n === 1) return 0;
    return (Math.imul(topic ^ (flags & F_ROOM ? 0x9e3779b9 : 0), 0x85ebca6b) >>> 0) % n;
  }

  private onBrokerOut(target: number, seq: number, commitI32: number, d: number): void {
    if (!this.brokers[this.shardOf(target, d >>> 16)]!.done()) {
      // Died in the broker's queue with a crash.
      this.t.lostDeliveries += (d >>> 16) & F_ROOM ? this.membersOf(target) - 1 : 1;
      return;
    }
    if ((d >>> 16) & F_ROOM) {
      const first = target * this.roomSize;
      const members = this.membersOf(target);
      const sender = first + (d & 0xffff);
      const epoch = ++this.stampEpoch;
      for (let i = 0; i < members; i++) {
        const r = first + i;
        if (r === sender) continue;
        const srv = this.subServer[r]!;
        if (srv === NONE) {
          this.t.lostDeliveries++;
          continue;
        }
        if (this.stamp[srv] !== epoch) {
          this.stamp[srv] = epoch;
          this.t.brokerDeliveries++;
        }
        this.fanout(r, seq, commitI32, srv);
      }
      return;
    }
    const srv = this.subServer[target]!;
    if (srv === NONE) {
      // At-most-once: nobody subscribed, nothing kept.
      this.t.lostDeliveries++;
      return;
    }
    this.t.brokerDeliveries++;
    this.fanout(target, seq, commitI32, srv);
  }

  private fanout(r: number, seq: number, commitI32: number, srv: number): void {
    const k = this.kernel;
    k.scheduleLane(this.lBrokerToServer, E_PUSH_AT_SERVER, r, seq, commitI32, srv);
    if (this.traced(r))
      this.trace.add(MsgKind.Fanout, NodeId.Broker, NodeId.ServerBase + srv, k.now, k.now + this.dcHopUs, r);
  }

  private distinctSubscribedServers(room: number, senderIdx: number): number {
    const first = room * this.roomSize;
    const members = this.membersOf(room);
    const epoch = ++this.stampEpoch;
    let n = 0;
    for (let i = 0; i < members; i++) {
      if (i === senderIdx) continue;
      const srv = this.subServer[first + i]!;
      if (srv !== NONE && this.stamp[srv] !== epoch) {
        this.stamp[srv] = epoch;
        n++;
      }
    }
    return n;
  }

  private onSubscribe(u: number, srv: number): void {
    if (this.conn[u] === srv && this.pool.state[srv] !== 'crashed') this.subServer[u] = srv;
  }

  // ───────────────────────────── connections ─────────────────────────────

  /** A live server to draw a traced write through, chosen without touching any random stream. */
  private pickAnyServer(u: number): number {
    if (this.strategy !== 'polling' && this.conn[u] !== NONE) return this.conn[u]!;
    // The (u mod n)-th server that is up, found without allocating (this runs per traced send).
    const state = this.pool.state;
    let n = 0;
    for (let i = 0; i < this.pool.count; i++) if (state[i] === 'up') n++;
    if (n === 0) return 0;
    let k = u % n;
    for (let i = 0; i < this.pool.count; i++) if (state[i] === 'up' && k-- === 0) return i;
    return 0;
  }

  /** Client u starts a connection through the load balancer. */
  private connectViaLb(u: number): void {
    const k = this.kernel;
    const srv = this.pool.pick();
    if (srv === NONE) {
      this.scheduleRetry(u);
      return;
    }
    this.pool.lbPending[srv]!++;
    k.scheduleLane(this.lConnect, E_CONNECT_AT_SERVER, u, srv, C_VIA_LB, 0);
    if (this.traced(u))
      this.trace.add(
        MsgKind.Connect,
        NodeId.Client,
        NodeId.ServerBase + srv,
        k.now,
        k.now + this.clientHopUs,
        u,
      );
  }

  private scheduleRetry(u: number): void {
    const backoffUs = Math.max(1000, this.scenario.reconnectBackoffMs * 1000);
    this.kernel.schedule(1 + this.rngClient.next() * backoffUs, E_RECONNECT, u);
  }

  private onConnectAtServer(u: number, srv: number, flags: number, hops: number): void {
    const k = this.kernel;
    if (flags & C_VIA_LB) this.pool.lbPending[srv]!--;
    const st = this.pool.state[srv];
    if (st !== 'up') {
      // Refused (crashed, draining or gone): back off and try again through the LB.
      this.scheduleRetry(u);
      return;
    }
    if (this.hashing) {
      const target = this.connectTarget(u);
      if (target !== srv && target !== NONE) {
        this.t.redirects++;
        if (hops >= 4) {
          this.scheduleRetry(u);
          return;
        }
        k.scheduleLane(this.lRedirect, E_CONNECT_AT_SERVER, u, target, 0, hops + 1);
        if (this.traced(u)) {
          const t1 = k.now + this.clientHopUs;
          this.trace.add(MsgKind.Connect, NodeId.ServerBase + srv, NodeId.Client, k.now, t1, u);
          this.trace.add(
            MsgKind.Connect,
            NodeId.Client,
            NodeId.ServerBase + target,
            t1,
            t1 + this.clientHopUs,
            u,
          );
        }
        return;
      }
    }
    const prev = this.conn[u]!;
    if (prev !== NONE) this.pool.conns[prev]!--;
    this.conn[u] = srv;
    this.pool.conns[srv]!++;
    this.t.connects++;
    if (this.strategy === 'pubsub') {
      k.scheduleLane(this.lSubscribe, E_SUBSCRIBE, u, srv);
      if (this.traced(u))
        this.trace.add(MsgKind.Coord, NodeId.ServerBase + srv, NodeId.Broker, k.now, k.now + this.dcHopUs, u);
    }
    if (this.buffer.has(u) && this.ownerNew !== null && this.ownerNew[u] === srv) {
      this.releaseBuffer(u, true);
    }
  }

  /** Where a connecting user belongs by the members' current view (new owner during a migration). */
  private connectTarget(u: number): number {
    if (this.migration !== null && this.migration.phase !== 'announced' && this.ownerNew !== null)
      return this.ownerNew[u]!;
    return this.owner[u]!;
  }

  /** Closes user u's connection; the client reconnects (via the LB after backoff, or straight to `to`). */
  private disconnect(u: number, to = NONE): void {
    const srv = this.conn[u]!;
    if (srv === NONE) return;
    this.conn[u] = NONE;
    this.pool.conns[srv]!--;
    if (this.strategy === 'pubsub') this.subServer[u] = NONE;
    this.t.reconnects++;
    const k = this.kernel;
    if (to !== NONE) {
      k.scheduleLane(this.lRedirect, E_CONNECT_AT_SERVER, u, to, 0, 0);
      if (this.traced(u)) {
        const t1 = k.now + this.clientHopUs;
        this.trace.add(MsgKind.Connect, NodeId.ServerBase + srv, NodeId.Client, k.now, t1, u);
        this.trace.add(MsgKind.Connect, NodeId.Client, NodeId.ServerBase + to, t1, t1 + this.clientHopUs, u);
      }
    } else this.scheduleRetry(u);
  }

  // ───────────────────────────── membership & actions ─────────────────────────────

  private recomputeOwners(
    out: Uint16Array,
    ring: HashRing = this.ring,
    members: number[] = this.members,
  ): void {
    const n = this.users;
    if (members.length === 0) {
      out.fill(NONE);
      return;
    }
    if (this.ringMode) for (let u = 0; u < n; u++) out[u] = ring.lookup(this.hash[u]!);
    else {
      const m = members.length;
      for (let u = 0; u < n; u++) out[u] = members[this.hash[u]! % m]!;
    }
  }

  private applyAction(kind: ActionKind, server?: number): ActionReport {
    const k = this.kernel;
    const serversBefore = this.pool.up().length;
    const report: ActionReport = {
      atS: k.now / 1e6,
      action: kind,
      server: server ?? -1,
      usersMoved: 0,
      reconnects: 0,
      serversBefore,
      serversAfter: serversBefore,
    };
    this.reports.push(report);
    this.reconnectsAtAction.push(this.t.reconnects);
    // Membership changes wait for a running migration to finish (one reshuffle at a time); a
    // crash cannot wait.
    if (this.migration !== null && (kind === 'add-server' || kind === 'remove-server')) {
      this.deferred.push({ kind, server, report });
      return report;
    }
    this.execute(kind, server, report);
    return report;
  }

  private execute(kind: ActionKind, server: number | undefined, report: ActionReport): void {
    report.serversBefore = this.pool.up().length;
    this.executeAction(kind, server, report);
    report.serversAfter = this.pool.up().length;
  }

  private executeAction(kind: ActionKind, server: number | undefined, report: ActionReport): void {
    const k = this.kernel;
    if (kind === 'crash-broker' || kind === 'recover-broker') {
      if (this.strategy !== 'pubsub') return;
      const want = kind === 'recover-broker' ? false : true; // shards in the state the action applies to
      const candidates = this.brokers.map((b, i) => (b.up === want ? i : -1)).filter((i) => i >= 0);
      const shard = server !== undefined && candidates.includes(server) ? server : candidates[0];
      if (shard === undefined) return;
      report.server = shard;
      if (kind === 'crash-broker') this.brokers[shard]!.crash();
      else this.brokers[shard]!.recover(k.now);
      this.trace.add(MsgKind.Loss, NodeId.Broker, NodeId.Broker, k.now, k.now + 1, -1);
      return;
    }
    const live = this.pool.up();
    if (kind === 'add-server') {
      const id = this.pool.add();
      if (id < 0) return; // at LIMITS.maxServers
      report.server = id;
      this.traceCoord(id);
      if (this.hashing)
        this.changeMembership(
          [...this.members, id].sort((a, b) => a - b),
          report,
          -1,
        );
      return;
    }
    const victim = server !== undefined && live.includes(server) ? server : live[live.length - 1];
    if (victim === undefined || live.length <= (kind === 'remove-server' ? 1 : 0)) return;
    report.server = victim;
    if (kind === 'remove-server') {
      this.traceCoord(victim);
      if (this.hashing) {
        this.pool.state[victim] = 'draining';
        this.changeMembership(
          this.members.filter((m) => m !== victim),
          report,
          victim,
        );
        return;
      }
      // Polling and pub/sub: the LB stops placing users there; its users reconnect elsewhere.
      this.pool.state[victim] = 'removed';
      if (this.strategy === 'pubsub') {
        let moved = 0;
        for (let u = 0; u < this.users; u++) {
          if (this.conn[u] === victim) {
            this.disconnect(u);
            moved++;
          }
        }
        report.usersMoved = moved;
      }
      return;
    }
    // crash-server: abrupt. Connections vanish now; everyone notices after the detection timeout.
    if (this.migration !== null) this.abortMigration();
    this.pool.state[victim] = 'crashed';
    const victims: number[] = [];
    if (this.strategy !== 'polling') {
      for (let u = 0; u < this.users; u++) {
        if (this.conn[u] === victim) {
          this.conn[u] = NONE;
          victims.push(u);
        }
      }
      this.pool.conns[victim] = 0;
    }
    if (this.strategy === 'pubsub') report.usersMoved = victims.length;
    this.crashVictims.set(victim, Int32Array.from(victims));
    k.schedule(this.scenario.failureDetectionS * 1e6, E_DETECT_CRASH, victim);
  }

  private readonly crashVictims = new Map<number, Int32Array>();
  private pendingMembership: { members: number[]; report: ActionReport; removing: number } | null = null;

  private traceCoord(srv: number): void {
    const k = this.kernel;
    const p = this.scenario.coordPropagationMs * 1000;
    this.trace.add(MsgKind.Coord, NodeId.Coord, NodeId.ServerBase + srv, k.now, k.now + Math.max(p, 1), -1);
    this.trace.add(MsgKind.Coord, NodeId.Coord, NodeId.Chat, k.now, k.now + Math.max(p, 1), -1);
  }

  /**
   * The coordinator records a new membership now; members learn after the propagation delay.
   * Modulo: everyone switches at once (the reconnect storm). Ring: the migration procedure.
   */
  private changeMembership(next: number[], report: ActionReport, removing: number): void {
    const delayUs = this.scenario.coordPropagationMs * 1000;
    if (this.ringMode) {
      const newRing = this.ring.clone();
      if (removing >= 0) newRing.remove(removing);
      for (const m of next) if (!this.members.includes(m)) newRing.add(m);
      this.migration = {
        phase: 'announced',
        movers: new Int32Array(0),
        drained: 0,
        startUs: this.kernel.now,
        oldServers: [...this.members],
        newServers: next,
        newRing,
        removing,
      };
      this.migrationReport = report;
      this.kernel.schedule(delayUs, E_VIEW_CHANGE, V_MIGRATE_START);
      return;
    }
    this.pendingMembership = { members: next, report, removing };
    this.kernel.schedule(delayUs, E_VIEW_CHANGE, V_MEMBERSHIP);
  }

  private migrationReport: ActionReport | null = null;

  private onViewChange(kind: number): void {
    if (kind === V_MEMBERSHIP) return this.applyMembership();
    if (kind === V_MIGRATE_START) return this.startMigration();
    if (kind === V_FINALIZED) return this.finishMigration();
  }

  /** Members switch to a new membership at once; users on the wrong server are disconnected. */
  private applyMembership(): void {
    const pm = this.pendingMembership;
    if (pm === null) return;
    this.pendingMembership = null;
    this.members = pm.members;
    if (this.ringMode) {
      this.ring = HashRing.build(this.members, this.scenario.vnodes);
    }
    const next = new Uint16Array(this.users);
    this.recomputeOwners(next);
    let moved = 0;
    for (let u = 0; u < this.users; u++) if (next[u] !== this.owner[u]) moved++;
    this.markSampleMoved(next);
    this.owner.set(next);
    pm.report.usersMoved = moved;
    if (pm.removing >= 0) this.pool.state[pm.removing] = 'removed';
    for (let u = 0; u < this.users; u++) {
      const c = this.conn[u]!;
      if (c !== NONE && c !== this.owner[u]) this.disconnect(u);
    }
    this.ringVersion++;
  }

  private markSampleMoved(next: Uint16Array): void {
    for (let i = 0; i < this.sampleUsers.length; i++) {
      const u = this.sampleUsers[i]!;
      this.sampleMoved[i] = next[u] !== this.owner[u] ? 1 : 0;
    }
  }

  private startMigration(): void {
    const mig = this.migration;
    if (mig === null) return;
    const next = this.ownerNew ?? new Uint16Array(this.users);
    this.ownerNew = next;
    this.recomputeOwners(next, mig.newRing, mig.newServers);
    const movers: number[] = [];
    for (let u = 0; u < this.users; u++) if (next[u] !== this.owner[u]) movers.push(u);
    mig.movers = Int32Array.from(movers);
    mig.phase = 'draining';
    mig.startUs = this.kernel.now;
    this.markSampleMoved(next);
    if (this.migrationReport) this.migrationReport.usersMoved = movers.length;
    this.ringVersion++;
    this.kernel.schedule(0, E_DRAIN_TICK);
  }

  /** Drains movers evenly over the drain window: each is told to reconnect to its new owner. */
  private onDrainTick(): void {
    const mig = this.migration;
    if (mig === null || mig.phase !== 'draining') return;
    const k = this.kernel;
    const windowUs = this.scenario.drainS * 1e6;
    const elapsed = k.now - mig.startUs;
    const target =
      windowUs <= 0
        ? mig.movers.length
        : Math.min(mig.movers.length, Math.ceil((mig.movers.length * elapsed) / windowUs));
    const next = this.ownerNew!;
    while (mig.drained < target) {
      const u = mig.movers[mig.drained++]!;
      if (this.conn[u] !== NONE && this.conn[u] !== next[u]) this.disconnect(u, next[u]!);
    }
    if (mig.drained < mig.movers.length) k.schedule(DRAIN_TICK_US, E_DRAIN_TICK);
    else {
      mig.phase = 'finalizing';
      // Finalize once the last movers have had time to reconnect.
      k.schedule(2 * (2 * this.clientHopUs + this.setupUs) + 1000, E_FINALIZE);
    }
  }

  private onFinalize(): void {
    if (this.migration === null) return;
    for (const srv of this.migration.newServers) this.traceCoord(srv);
    this.kernel.schedule(this.scenario.coordPropagationMs * 1000, E_VIEW_CHANGE, V_FINALIZED);
  }

  /** Everyone routes by the new ring; dual-send stops; leftover buffers are dropped. */
  private finishMigration(): void {
    const mig = this.migration;
    if (mig === null) return;
    this.ring = mig.newRing;
    this.members = mig.newServers;
    const next = this.ownerNew!;
    this.buffer.forEachUser((u) => this.releaseBuffer(u, false));
    this.owner.set(next);
    if (mig.removing >= 0) {
      this.pool.state[mig.removing] = 'removed';
    }
    // Anyone still on a server that no longer owns them (e.g. connected mid-window) moves now.
    for (let u = 0; u < this.users; u++) {
      const c = this.conn[u]!;
      if (c !== NONE && c !== next[u]) this.disconnect(u);
    }
    this.migration = null;
    this.migrationReport = null;
    this.ringVersion++;
    const d = this.deferred.shift();
    if (d) this.execute(d.kind, d.server, d.report);
  }

  private abortMigration(): void {
    // A crash during a migration: finish it at once (no drain) so the crash is handled on one view.
    const mig = this.migration!;
    if (mig.phase === 'announced') {
      this.migration = null;
      return;
    }
    this.finishMigration();
  }

  private onDetectCrash(victim: number): void {
    this.pool.lbKnowsDead[victim] = true;
    const victims = this.crashVictims.get(victim) ?? new Int32Array(0);
    this.crashVictims.delete(victim);
    // Clients whose connection died notice now (heartbeat timeout) and reconnect after a backoff.
    for (const u of victims) {
      if (this.conn[u] !== NONE) continue;
      this.t.reconnects++;
      this.scheduleRetry(u);
    }
    if (this.strategy === 'pubsub') {
      // The broker drops the dead server's subscriptions.
      for (let u = 0; u < this.users; u++) if (this.subServer[u] === victim) this.subServer[u] = NONE;
    }
    if (this.hashing) {
      const report = this.reports.filter((r) => r.action === 'crash-server' && r.server === victim).at(-1)!;
      this.pendingMembership = { members: this.members.filter((m) => m !== victim), report, removing: -1 };
      this.kernel.schedule(this.scenario.coordPropagationMs * 1000, E_VIEW_CHANGE, V_MEMBERSHIP);
    }
  }

  // ───────────────────────────── metrics ─────────────────────────────

  private recordLatency(us: number): void {
    this.metrics.recordLatency(us);
  }

  /** Traced hops recorded since the last call (a copy; TRACE_STRIDE numbers per hop). */
  drainTrace(): Float64Array {
    return this.trace.drain();
  }

  private onSecond(): void {
    const k = this.kernel;
    k.scheduleAt(k.now + 1_000_000, E_SECOND);
    this.metrics.rollSecond(k.now / 1e6 - 1, this.openConnections());
    this.db.account();
    this.dbUtilLastS = (this.db.busyAreaUs - this.dbBusyPrev) / (1e6 * this.db.concurrency);
    this.dbBusyPrev = this.db.busyAreaUs;
    this.brokers.forEach((b, i) => {
      this.brokerUtilLastS[i] = Math.min(1, (b.workUs - (this.brokerWorkPrevUs[i] ?? 0)) / 1e6);
      this.brokerWorkPrevUs[i] = b.workUs;
    });
    this.pool.rollSecond();
  }

  private openConnections(): number {
    return this.strategy === 'polling' ? this.inflightPolls : this.pool.totalConnections();
  }

  /**
   * Deliveries neither made nor lost yet, counted from the world's state (not from the other
   * counters): unread messages of polling clients, copies in flight or queued, buffered copies.
   */
  private countPending(): number {
    let pending = 0;
    if (this.strategy === 'polling') {
      for (let u = 0; u < this.users; u++)
        pending += this.roomSeq[this.roomOf(u)]! - this.lastSeq[u]! - this.ownUnseen[u]!;
    }
    this.kernel.forEachPending((type, a, b, c, d) => {
      switch (type) {
        case E_POLL_RESPONSE:
          if (!d) pending += c;
          return;
        case E_PUSH_AT_SERVER:
        case E_PUSH_AT_CLIENT: {
          const flags = type === E_PUSH_AT_SERVER ? d >>> 16 : d;
          if (flags & F_OLD) return;
          if (flags & F_TWIN && b <= this.lastSeq[a]!) return;
          pending++;
          return;
        }
        case E_PUBLISH_AT_BROKER:
        case E_BROKER_OUT:
          pending += (d >>> 16) & F_ROOM ? this.membersOf(a) - 1 : 1;
          return;
      }
    });
    this.buffer.forEachCopy((u, seq) => {
      if (seq > this.lastSeq[u]!) pending++;
    });
    return pending;
  }

  private reportsNow(): ActionReport[] {
    return this.reports.map((r, i) => ({
      ...r,
      reconnects: (this.reconnectsAtAction[i + 1] ?? this.t.reconnects) - this.reconnectsAtAction[i]!,
    }));
  }

  private serverInfos(): ServerInfo[] {
    const out: ServerInfo[] = [];
    for (let i = 0; i < this.pool.count; i++) {
      out.push({
        id: i,
        state: this.pool.state[i]!,
        connections: this.strategy === 'polling' ? this.pool.lbPending[i]! : this.pool.conns[i]!,
        handledPerS: this.pool.handledLastS[i]!,
      });
    }
    return out;
  }

  /** What the page shows now. Cheap: O(servers) plus a 5-second histogram merge once a second. */
  live(): LiveSnapshot {
    const k = this.kernel;
    const s = this.scenario;
    const mig = this.migration;
    const totals = { ...this.t, pendingDeliveries: 0 };
    totals.pendingDeliveries = totals.expectedDeliveries - totals.deliveries - totals.lostDeliveries;
    return {
      nowUs: k.now,
      events: k.events,
      totals,
      servers: this.serverInfos(),
      connections: this.openConnections(),
      db: {
        queue: this.db.queueLength,
        busy: this.db.busy,
        concurrency: s.dbConcurrency,
        utilization: this.dbUtilLastS,
        capacityPerS: (s.dbConcurrency * 1000) / s.dbQueryMs,
      },
      broker: {
        queue: this.brokers.reduce((q, b) => q + b.queue, 0),
        utilization: Math.max(0, ...this.brokerUtilLastS),
        capacityPerS: s.brokerCapacityPerS * s.brokerShards,
        subscriptions: this.strategy === 'pubsub' ? this.openConnections() : 0,
        shards: this.brokers.map((b, i) => ({
          id: i,
          up: b.up,
          queue: b.queue,
          utilization: this.brokerUtilLastS[i] ?? 0,
        })),
      },
      recentLatency: this.metrics.recentLatency(),
      lastSecond: this.metrics.lastRow,
      migration:
        mig === null
          ? null
          : {
              phase: mig.phase,
              movers: mig.movers.length,
              drained: mig.drained,
              oldServers: [...mig.oldServers],
              newServers: [...mig.newServers],
            },
      timeline: this.reportsNow(),
      ringVersion: this.ringVersion,
    };
  }

  /** The routing view for drawing the ring (or modulo buckets). */
  ringView(): RingView {
    const mig = this.migration;
    const ring = mig !== null && mig.phase !== 'announced' ? mig.newRing : this.ring;
    return {
      version: this.ringVersion,
      kind: this.ringMode ? 'ring' : this.hashing ? 'modulo' : 'none',
      servers: mig !== null && mig.phase !== 'announced' ? [...mig.newServers] : [...this.members],
      points: this.ringMode ? ring.points.slice() : new Uint32Array(0),
      owners: this.ringMode ? ring.owners.slice() : new Uint16Array(0),
    };
  }

  /** A deterministic sample of users: hash, owner, connection, moved at the last change. */
  sampleView(): SampleView {
    const n = this.sampleUsers.length;
    const hashes = new Uint32Array(n);
    const owners = new Uint16Array(n).fill(NONE);
    const connectedTo = new Uint16Array(n).fill(NONE);
    for (let i = 0; i < n; i++) {
      const u = this.sampleUsers[i]!;
      if (this.hashing) {
        hashes[i] = this.hash[u]!;
        owners[i] = this.connectTarget(u);
      } else hashes[i] = hashInt(u, 0x5eed);
      if (this.strategy !== 'polling') connectedTo[i] = this.conn[u]!;
    }
    return {
      users: this.sampleUsers.slice(),
      hashes,
      owners,
      connectedTo,
      moved: this.sampleMoved.slice(),
      usersPerSample: this.users / Math.max(1, n),
    };
  }

  /** Complete simulated seconds so far. */
  series(): SeriesRow[] {
    return this.metrics.rows();
  }

  /** Series rows that start after simulated second `tS` (a reader's cursor): O(new rows). */
  seriesAfter(tS: number): SeriesRow[] {
    return this.metrics.rowsAfter(tS);
  }

  /** The Result contract (DESIGN.md) at the current simulated time. */
  result(wallMs = 0): Result {
    const totals: Totals = { ...this.t, pendingDeliveries: this.countPending() };
    return {
      scenario: this.scenario,
      totals,
      latencyMs: this.metrics.latencySummaryMs(),
      servers: this.serverInfos()
        .filter((s) => s.state !== 'removed')
        .map((s) => ({ id: s.id, connections: s.connections, state: s.state })),
      timeline: this.reportsNow(),
      series: this.metrics.rows(),
      engine: { events: this.kernel.events, wallMs },
    };
  }

  /** DB queue statistics for queueing checks (time-averaged since t = 0). */
  dbStats(): {
    utilization: number;
    meanQueue: number;
    meanWaitUs: number;
    served: number;
    rejected: number;
  } {
    this.db.account();
    const T = Math.max(1, this.kernel.now);
    return {
      utilization: this.db.busyAreaUs / (T * this.db.concurrency),
      meanQueue: this.db.queueAreaUs / T,
      meanWaitUs: this.db.started > 0 ? this.db.waitSumUs / this.db.started : 0,
      served: this.db.started,
      rejected: this.db.rejected,
    };
  }

  /** Bytes held by the engine's stores (typed arrays): what a checkpoint copies, about. */
  memoryBytes(): number {
    const arrays = [
      this.lastSeq,
      this.ownUnseen,
      this.conn,
      this.hash,
      this.owner,
      this.ownerNew,
      this.subServer,
      this.roomSeq,
    ];
    let n = this.kernel.bytes + this.log.bytes + this.buffer.bytes + this.db.bytes + this.metrics.bytes;
    n += this.trace.bytes;
    for (const a of arrays) if (a) n += a.byteLength;
    return n;
  }
}

/** Creates a simulation; throws {@link ScenarioError} on invalid input. */
export function createSimulation(input: ScenarioInput | Scenario, budgets?: StoreBudgets): Simulation {
  return new Simulation(input, budgets);
}
