import type { Kernel } from './core/kernel';
import { deepClone } from './core/clone';
import { Coordinator } from './coordinator';
import {
  E_ACK_TIMEOUT,
  E_BROKER_OUT,
  E_BUFFER_OUT,
  E_CONNECT_AT_SERVER,
  E_DB_DONE,
  E_DETECT_CRASH,
  E_DRAIN_TICK,
  E_KAFKA_COMMIT,
  E_KAFKA_CONSUME,
  E_FINALIZE,
  E_LP_AT_DB,
  E_LP_AT_SERVER,
  E_LP_NEWS,
  E_LP_REQUEST,
  E_LP_RESPONSE,
  E_LP_TIMEOUT,
  E_HEARTBEAT_DETECT,
  E_HEARTBEAT_TICK,
  E_LEAVE_TICK,
  E_POLL,
  E_POLL_RESPONSE,
  E_PUBLISH_AT_BROKER,
  E_PUSH_AT_CLIENT,
  E_PUSH_AT_SERVER,
  E_READ_AT_DB,
  E_RECONNECT,
  E_RECOVER_AT_DB,
  E_RECOVERED,
  E_RESUBSCRIBE,
  E_RECOVER_AT_LOG,
  E_LOG_READ_DONE,
  E_SECOND,
  E_SEND,
  E_SUBSCRIBE,
  E_TIMELINE,
  E_VIEW_CHANGE,
  E_WRITE_AT_DB,
} from './events';
import { Connections } from './mechanisms/connections';
import { Backpressure } from './mechanisms/backpressure';
import { Delivery } from './mechanisms/delivery';
import { AtLeastOnce } from './mechanisms/acks';
import { ServerLeaves } from './mechanisms/drain';
import { Heartbeats } from './mechanisms/heartbeats';
import { Meter } from './mechanisms/meter';
import { Sequencing } from './mechanisms/sequencing';
import { Workload } from './mechanisms/workload';
import { Broker } from './model/broker';
import { Database, DbOp } from './model/database';
import { RedisCluster } from './model/redisCluster';
import { normalizeScenario, type ActionKind, type Scenario, type ScenarioInput } from './scenario';
import { checkSettled, type SettledReport } from './settled';
import { ModuloHashing, RingHashing, type HashingStrategy } from './strategies/hashing';
import { LongPollingStrategy } from './strategies/longPolling';
import { PollingStrategy } from './strategies/polling';
import { PubSubStrategy } from './strategies/pubsub';
import type { Strategy } from './strategies/strategy';
import type {
  ActionReport,
  LiveSnapshot,
  Result,
  RingView,
  SampleView,
  SeriesRow,
  StoreBudgets,
} from './types';
import { Views } from './views';
import { World } from './world';

/**
 * One simulated world: clients, load balancer, endpoint servers, chat service, DB, coordination
 * service with its ring, and broker, run by one kernel. Strategy semantics are in DESIGN.md.
 *
 * The composition root: it builds the modules (a strategy from `strategies/`, the shared
 * mechanisms, the coordinator, the read-side views) and routes each kernel event to its module
 * through one switch. Construct with {@link createSimulation}; drive with
 * {@link Simulation.runUntil}; read with {@link Simulation.live}, {@link Simulation.drainTrace}
 * and {@link Simulation.result}.
 */
export class Simulation {
  readonly scenario: Scenario;
  private readonly w: World;
  private readonly db: Database;
  private readonly strategy: Strategy;
  private readonly polling: PollingStrategy | null = null;
  private readonly longPolling: LongPollingStrategy | null = null;
  private readonly hashing: HashingStrategy | null = null;
  private readonly pubsub: PubSubStrategy | null = null;
  private readonly delivery: Delivery | null = null;
  private readonly seqs: Sequencing | null = null;
  private readonly acks: AtLeastOnce | null = null;
  private readonly connections: Connections;
  private readonly workload: Workload;
  private readonly coordinator: Coordinator;
  private readonly meter: Meter;
  private readonly heartbeats: Heartbeats;
  private readonly leaves: ServerLeaves;
  private readonly views: Views;
  /** The kernel's event handler (kept off the public API: only the kernel calls it). */
  private readonly dispatcher: Dispatcher;

  constructor(input: ScenarioInput | Scenario, budgets: StoreBudgets = {}) {
    const s = normalizeScenario(input);
    this.scenario = s;
    const w = (this.w = new World(s));
    const k = w.kernel;
    const db = (this.db = new Database(
      k,
      w.rng.fork('db'),
      s.dbConcurrency,
      s.dbQueryMs * 1000,
      s.dbMaxQueue,
      E_DB_DONE,
    ));
    const brokers = Array.from(
      { length: s.brokerShards },
      () => new Broker(s.brokerCapacityPerS, s.brokerMaxQueue),
    );
    const connections = (this.connections = new Connections(w));
    switch (s.strategy) {
      case 'polling':
        this.strategy = this.polling = new PollingStrategy(w, db, budgets.roomLogBytes);
        break;
      case 'long-polling':
        this.strategy = this.longPolling = new LongPollingStrategy(w, db, brokers, budgets.roomLogBytes);
        break;
      case 'pubsub':
        this.delivery = new Delivery(w, false, budgets.migrationBufferBytes, s.broker === 'kafka');
        this.strategy = this.pubsub = new PubSubStrategy(
          w,
          brokers,
          connections,
          s.broker === 'redis-cluster'
            ? new RedisCluster(w.users, w.rooms, s.brokerShards, s.brokerReplicas, s.clusterPublish)
            : null,
        );
        // Redis pushes into per-subscriber output buffers; the Kafka-like log's consumers pull
        // (a slow one lags instead: mechanisms/kafka.ts).
        if (s.slowConsumerShare > 0 && s.broker !== 'kafka')
          this.pubsub.backpressure = new Backpressure(w, this.pubsub);
        break;
      default: {
        const delivery = (this.delivery = new Delivery(w, true, budgets.migrationBufferBytes));
        const H = s.strategy === 'modulo-hashing' ? ModuloHashing : RingHashing;
        this.strategy = this.hashing = new H(w, delivery, connections);
        connections.target = this.hashing;
      }
    }
    connections.listeners = this.delivery !== null ? [this.strategy, this.delivery] : [this.strategy];
    this.workload = new Workload(w, db, connections, this.strategy);
    if (s.sequenceNumbers && this.delivery !== null) {
      // Sequence numbers at the push clients (polling reads by sequence number already).
      const seqs = (this.seqs = new Sequencing(w, db, budgets.roomLogBytes));
      this.delivery.seqs = seqs;
      this.workload.seqs = seqs;
      connections.listeners.push(seqs);
      if (s.recovery === 'log' && this.pubsub !== null) {
        // Recovery reads the Kafka-like broker's log: served and costed by its shards.
        seqs.logReads = this.pubsub;
        this.pubsub.logMisses = seqs;
      }
    }
    if (s.delivery === 'at-least-once' && this.delivery !== null) {
      const acks = (this.acks = new AtLeastOnce(w, this.hashing ?? this.pubsub!));
      this.delivery.acks = acks;
      this.workload.acks = acks;
    }

    // The drawing sample: evenly spaced, a subset of the traced users so every dot has its hops.
    const n = s.users;
    const sampleN = Math.min(n, 240);
    let stride = Math.ceil(n / sampleN);
    if (w.traceStride > 0) stride = Math.ceil(stride / w.traceStride) * w.traceStride;
    const sample: number[] = [];
    for (let u = 0; u < n && sample.length < sampleN; u += stride) sample.push(u);
    const sampleUsers = Uint32Array.from(sample);

    const heartbeats = (this.heartbeats = new Heartbeats(w, connections));
    const leaves = (this.leaves = new ServerLeaves(w, connections));
    this.coordinator = new Coordinator(
      w,
      this.strategy,
      this.hashing,
      this.pubsub,
      connections,
      this.delivery,
      sampleUsers,
      heartbeats,
      leaves,
    );
    this.meter = new Meter(w, db, brokers, this.polling);
    this.views = new Views({
      w,
      db,
      brokers,
      strategy: this.strategy,
      polling: this.polling,
      longPolling: this.longPolling,
      hashing: this.hashing,
      pubsub: this.pubsub,
      delivery: this.delivery,
      seqs: this.seqs,
      coordinator: this.coordinator,
      meter: this.meter,
      sampleUsers,
      connections,
      workload: this.workload,
      heartbeats,
      leaves,
    });
    this.dispatcher = new Dispatcher(
      s.timeline,
      db,
      this.workload,
      this.polling,
      this.longPolling,
      this.delivery,
      this.seqs,
      this.acks,
      this.pubsub,
      connections,
      this.meter,
      this.coordinator,
      heartbeats,
      leaves,
    );

    // t = 0: servers, steady state, recurring machinery, the scripted timeline.
    this.coordinator.start(s.servers);
    this.strategy.warmStart();
    this.meter.start();
    this.heartbeats.start();
    this.workload.start();
    s.timeline.forEach((e, i) => k.scheduleAt(Math.round(e.atS * 1e6), E_TIMELINE, i));
  }

  // ───────────────────────────── driving ─────────────────────────────

  /** Simulated time now (µs). */
  get nowUs(): number {
    return this.w.kernel.now;
  }

  /** Events run so far (a replayed action is repeated after exactly as many events). */
  get events(): number {
    return this.w.kernel.events;
  }

  /** Runs events strictly before `untilUs`, at most `maxEvents`. Returns events run. */
  runUntil(untilUs: number, maxEvents = Infinity): number {
    return this.w.kernel.runUntil(untilUs, maxEvents, this.dispatcher);
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

  /**
   * Takes an action now (the page's buttons) and returns its report, which keeps updating as the
   * run goes on. Throws {@link ActionRefusedError} when the server named (or the one that would be
   * chosen) is already down or gone, or the action would leave no server up; nothing changes then.
   */
  act(kind: ActionKind, server?: number): ActionReport {
    return this.coordinator.act(kind, server);
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** Traced hops recorded since the last call (a copy; TRACE_STRIDE numbers per hop). */
  drainTrace(): Float64Array {
    return this.w.trace.drain();
  }

  /**
   * The room sequence number of each record the last {@link drainTrace} returned (same order; 0
   * for records that carry no chat message: connects, polls, writes before commit). Kept apart
   * from the records so their layout (`TRACE_STRIDE`) is unchanged.
   */
  traceSeqs(): Uint32Array {
    return this.w.trace.lastSeqs;
  }

  /** What the page shows now. Cheap: O(servers) plus a 5-second histogram merge once a second. */
  live(): LiveSnapshot {
    return this.views.live();
  }

  /** The routing view for drawing the ring (or modulo buckets). */
  ringView(): RingView {
    return this.views.ringView();
  }

  /** A deterministic sample of users: hash, owner, connection, moved at the last change. */
  sampleView(): SampleView {
    return this.views.sampleView();
  }

  /** Complete simulated seconds so far. */
  series(): SeriesRow[] {
    return this.views.series();
  }

  /** Series rows that start after simulated second `tS` (a reader's cursor): O(new rows). */
  seriesAfter(tS: number): SeriesRow[] {
    return this.w.metrics.rowsAfter(tS);
  }

  /** The Result contract (DESIGN.md) at the current simulated time. */
  result(wallMs = 0): Result {
    return this.views.result(wallMs);
  }

  /** DB queue statistics for queueing checks (time-averaged since t = 0). */
  dbStats(): {
    utilization: number;
    meanQueue: number;
    meanWaitUs: number;
    served: number;
    rejected: number;
  } {
    return this.views.dbStats();
  }

  /**
   * Messages committed so far in each room (its last sequence number): a copy, O(rooms), for
   * checks that count deliveries from the world rather than from the counters.
   */
  committedPerRoom(): Uint32Array {
    return this.w.roomSeq.slice();
  }

  /**
   * The clients' sequence-number state, or null unless `sequenceNumbers` is on with a push
   * strategy: per user `mark` (every message of the room up to it is had) and per room `roomSeq`
   * (the last number the chat service gave out). Copies, O(users): for checks and inspection,
   * not for every frame.
   */
  sequenceState(): { mark: Uint32Array; roomSeq: Uint32Array } | null {
    if (this.seqs === null) return null;
    return { mark: this.seqs.mark.slice(), roomSeq: this.w.roomSeq.slice() };
  }

  /** Bytes held by the engine's stores (typed arrays): what a checkpoint copies, about. */
  memoryBytes(): number {
    return this.views.memoryBytes();
  }

  /**
   * Checks the settled invariants (membership, connections, nobody retrying, nothing draining):
   * meaningful once the last action has had {@link settleTimeS} to finish. Read-only.
   */
  settledCheck(): SettledReport {
    return checkSettled({
      w: this.w,
      longPolling: this.longPolling,
      hashing: this.hashing,
      pubsub: this.pubsub,
      coordinator: this.coordinator,
      heartbeats: this.heartbeats,
      leaves: this.leaves,
    });
  }
}

/**
 * The kernel's event handler: the one switch on the hot path, kept off the public API (only the
 * kernel calls it). Each case calls one concrete module method (monomorphic), so a new mechanism
 * adds cases here and a module, not a virtual call per event.
 */
class Dispatcher {
  constructor(
    private readonly timeline: Scenario['timeline'],
    private readonly db: Database,
    private readonly workload: Workload,
    private readonly polling: PollingStrategy | null,
    private readonly longPolling: LongPollingStrategy | null,
    private readonly delivery: Delivery | null,
    private readonly seqs: Sequencing | null,
    private readonly acks: AtLeastOnce | null,
    private readonly pubsub: PubSubStrategy | null,
    private readonly connections: Connections,
    private readonly meter: Meter,
    private readonly coordinator: Coordinator,
    private readonly heartbeats: Heartbeats,
    private readonly leaves: ServerLeaves,
  ) {}

  handle(k: Kernel): void {
    switch (k.type) {
      case E_POLL:
        return this.polling!.onPoll(k.a);
      case E_READ_AT_DB:
        return this.polling!.onReadAtDb(k.a, k.b);
      case E_DB_DONE:
        this.db.complete();
        if (k.a === DbOp.Write) return this.workload.commit(k.b, k.c);
        if (k.a === DbOp.Recover) return this.seqs!.completeRecovery(k.b);
        if (this.longPolling !== null) return this.longPolling.completeRead(k.b, k.c);
        return this.polling!.completeRead(k.b, k.c);
      case E_POLL_RESPONSE:
        return this.polling!.onPollResponse(k.a, k.b, k.c, k.d);
      case E_SEND:
        return this.workload.onSend();
      case E_WRITE_AT_DB:
        return this.workload.onWriteAtDb(k.a, k.b);
      case E_PUSH_AT_SERVER:
        return this.delivery!.onPushAtServer(k.a, k.b, k.c, k.d);
      case E_PUSH_AT_CLIENT:
        return this.delivery!.onPushAtClient(k.a, k.b, k.c, k.d);
      case E_PUBLISH_AT_BROKER:
        return this.pubsub!.onPublishAtBroker(k.a, k.b, k.c, k.d);
      case E_BROKER_OUT:
        return this.pubsub!.onBrokerOut(k.a, k.b, k.c, k.d);
      case E_RECONNECT:
        return this.connections.connectViaLb(k.a);
      case E_CONNECT_AT_SERVER:
        return this.connections.onConnectAtServer(k.a, k.b, k.c, k.d);
      case E_SUBSCRIBE:
        return this.pubsub!.onSubscribe(k.a, k.b);
      case E_SECOND:
        return this.meter.onSecond();
      case E_TIMELINE: {
        const e = this.timeline[k.a]!;
        this.coordinator.act(e.action, e.server);
        return;
      }
      case E_VIEW_CHANGE:
        return this.coordinator.onViewChange(k.a, k.b);
      case E_DETECT_CRASH:
        return this.coordinator.onDetectCrash(k.a, k.b);
      case E_HEARTBEAT_DETECT:
        return this.heartbeats.onDetect(k.a, k.b, k.c);
      case E_HEARTBEAT_TICK:
        return this.heartbeats.onTick();
      case E_LEAVE_TICK:
        return this.leaves.onTick(k.a, k.b);
      case E_BUFFER_OUT:
        return this.pubsub!.backpressure!.onOut(k.a, k.b, k.c, k.d);
      case E_RESUBSCRIBE:
        return this.pubsub!.backpressure!.onResubscribe(k.a);
      case E_DRAIN_TICK:
        return this.coordinator.onDrainTick(k.a);
      case E_FINALIZE:
        return this.coordinator.onFinalize(k.a);
      case E_RECOVER_AT_DB:
        return this.seqs!.onRecoverAtDb(k.a);
      case E_RECOVERED:
        return this.seqs!.onRecovered(k.a, k.b, k.c);
      case E_RECOVER_AT_LOG:
        return this.seqs!.onRecoverAtLog(k.a);
      case E_LOG_READ_DONE:
        return this.seqs!.onLogReadDone(k.a, k.b);
      case E_KAFKA_CONSUME:
        return this.pubsub!.kafka!.onConsume(k.a, k.b, k.c);
      case E_KAFKA_COMMIT:
        return this.pubsub!.kafka!.onCommitTick();
      case E_ACK_TIMEOUT:
        return this.acks!.onAckTimeout(k.a, k.b, k.c, k.d);
      case E_LP_REQUEST:
        return this.longPolling!.request(k.a);
      case E_LP_AT_SERVER:
        return this.longPolling!.onAtServer(k.a, k.b);
      case E_LP_AT_DB:
        return this.longPolling!.onAtDb(k.a, k.b);
      case E_LP_NEWS:
        return this.longPolling!.onNews(k.a, k.b, k.c);
      case E_LP_TIMEOUT:
        return this.longPolling!.onTimeout(k.a);
      case E_LP_RESPONSE:
        return this.longPolling!.onResponse(k.a, k.b, k.c);
    }
  }
}

/** Creates a simulation; throws {@link ScenarioError} on invalid input. */
export function createSimulation(input: ScenarioInput | Scenario, budgets?: StoreBudgets): Simulation {
  return new Simulation(input, budgets);
}
