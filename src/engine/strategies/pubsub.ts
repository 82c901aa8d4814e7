import type { Broker } from '../model/broker';
import type { RedisCluster } from '../model/redisCluster';
import { NONE } from '../model/servers';
import {
  copyFlags,
  copyId,
  E_BROKER_OUT,
  E_BUFFER_OUT,
  E_PUBLISH_AT_BROKER,
  E_PUSH_AT_SERVER,
  E_SUBSCRIBE,
  F_REPLAY,
  F_RESEND,
  F_ROOM,
  packCopy,
} from '../events';
import type { Backpressure, BufferSink } from '../mechanisms/backpressure';
import type { Connections } from '../mechanisms/connections';
import { KafkaLog, type RecordSink } from '../mechanisms/kafka';
import { MsgKind, NodeId, type ActionReport } from '../types';
import type { Hop } from '../mechanisms/hop';
import type { LogReads } from '../mechanisms/sequencing';
import type { World } from '../world';
import type { Strategy } from './strategy';

/** Users shuffled together at warm start (see {@link PubSubStrategy.warmStart}). */
const WARM_BLOCK = 4096;

/**
 * Pub/sub: the chat service publishes each message to a broker (Redis-like, sharded); endpoint
 * servers subscribe on behalf of their connected users and push what the broker fans out.
 */
export class PubSubStrategy implements Strategy, RecordSink, BufferSink, LogReads {
  readonly name = 'pubsub' as const;
  /** Server subscribed at the broker on each user's behalf. */
  readonly subServer: Uint16Array;
  /** DB → chat service → broker; broker → server; server → broker (subscribe). */
  private readonly toBroker: Hop;
  private readonly brokerToServer: Hop;
  private readonly subscribeHop: Hop;
  /** One monotone lane per broker shard (each shard is a FIFO). */
  private readonly lBrokerOut: number[];
  /** Per room: the last message whose publish the broker turned away (one failed send each). */
  private readonly failedSeq: Uint32Array;
  /** The Kafka-like log (`broker: "kafka"`), or null. */
  readonly kafka: KafkaLog | null = null;
  /** Per-server marks for counting distinct servers without allocating. */
  private readonly stamp = new Int32Array(64).fill(-1);
  private stampEpoch = 0;
  /** Slow consumers' output buffers (null when every server keeps up). Set by the composition root. */
  backpressure: Backpressure | null = null;
  /** Broker traffic (publishes + deliveries) per shard, for the hottest shard's share. */
  readonly shardTraffic: Float64Array;
  /**
   * Log recovery (`recovery: "log"`): told of each message the broker turns away or loses in its
   * queue, which therefore never reaches its log. Set by the composition root.
   */
  logMisses: { notLogged(topic: number, seq: number): void } | null = null;

  constructor(
    private readonly w: World,
    readonly brokers: Broker[],
    private readonly connections: Connections,
    /** Redis Cluster slots and bus (null: plain Redis, topics hashed over the shards). */
    readonly cluster: RedisCluster | null = null,
  ) {
    if (w.scenario.broker === 'kafka') this.kafka = new KafkaLog(w, this, w.scenario.servers);
    const k = w.kernel;
    this.subServer = new Uint16Array(w.users).fill(NONE);
    this.failedSeq = new Uint32Array(w.rooms);
    // One connection's order per room or recipient (see Hop.keepOrder): jitter alone reorders nothing.
    this.toBroker = w.hop(0, 2 * w.dcHopUs, 6).keepOrder(w.users);
    this.brokerToServer = w.hop(0, w.dcHopUs, 7).keepOrder(w.users);
    this.lBrokerOut = brokers.map(() => k.addLane(-1));
    this.shardTraffic = new Float64Array(brokers.length);
    this.subscribeHop = w.hop(0, w.dcHopUs, 8, false);
  }

  /**
   * Everyone starts connected. Users join in shuffled blocks: in id order the least-connections
   * LB deals servers round-robin (user u on server u mod N), and every evenly spaced sample (the
   * traced users, the drawn dots) would then sit on the servers its stride aliases with — all on
   * S0 when the stride is a multiple of N. A shuffle within each block breaks that, keeps the
   * servers as even as before, and needs one block of memory.
   */
  warmStart(): void {
    const w = this.w;
    this.kafka?.start();
    const rng = w.rng.fork('warm-start');
    const order = new Uint32Array(Math.min(WARM_BLOCK, w.users));
    for (let first = 0; first < w.users; first += WARM_BLOCK) {
      const n = Math.min(WARM_BLOCK, w.users - first);
      for (let i = 0; i < n; i++) order[i] = first + i;
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      for (let i = 0; i < n; i++) {
        const u = order[i]!;
        const srv = w.pool.pick();
        if (this.connections.place(u, srv)) this.subServer[u] = srv;
      }
    }
  }

  route(sender: number, room: number, seq: number, t0: number): void {
    const w = this.w;
    const k = w.kernel;
    const first = room * w.roomSize;
    if (w.traced(sender)) {
      const t1 = k.now + w.dcHopUs;
      w.trace.add(MsgKind.Publish, NodeId.Db, NodeId.Chat, k.now, t1, sender, seq);
      w.trace.add(MsgKind.Publish, NodeId.Chat, NodeId.Broker, t1, t1 + w.dcHopUs, sender, seq);
    }
    if (w.scenario.topic === 'room') {
      this.toBroker.send(E_PUBLISH_AT_BROKER, room, seq, t0, packCopy(F_ROOM, sender - first), room, seq);
      return;
    }
    const members = w.membersOf(room);
    for (let i = 0; i < members; i++) {
      const r = first + i;
      if (r !== sender) this.toBroker.send(E_PUBLISH_AT_BROKER, r, seq, t0, 0, r, seq);
    }
  }

  /** At-least-once: the chat service publishes recipient r's copy again, on r's own channel. */
  resend(r: number, seq: number, t0: number): void {
    this.toBroker.send(E_PUBLISH_AT_BROKER, r, seq, t0, packCopy(F_RESEND, 0), r, seq);
  }

  onConnected(u: number, srv: number): void {
    const w = this.w;
    this.subscribeHop.send(E_SUBSCRIBE, u, srv, 0, 0, u, w.kernel.now);
    if (w.traced(u))
      w.trace.add(
        MsgKind.Coord,
        NodeId.ServerBase + srv,
        NodeId.Broker,
        w.kernel.now,
        w.kernel.now + w.dcHopUs,
        u,
      );
  }

  onDisconnected(u: number): void {
    this.subServer[u] = NONE;
  }

  /** The broker drops the dead server's subscriptions. */
  onCrashDetected(srv: number): void {
    const sub = this.subServer;
    for (let u = 0; u < sub.length; u++) if (sub[u] === srv) sub[u] = NONE;
    this.kafka?.onCrashDetected(srv);
  }

  onServerUp(): void {
    this.kafka?.onServerUp();
  }

  onSubscribe(u: number, srv: number): void {
    // A server the broker has cut off subscribes again all at once when it reconnects.
    if (this.backpressure?.cut[srv] === 1) return;
    if (this.w.conn[u] === srv && this.w.pool.state[srv] !== 'crashed') this.subServer[u] = srv;
  }

  dropSubscriptions(srv: number): void {
    this.onCrashDetected(srv);
  }

  resubscribe(srv: number): void {
    const w = this.w;
    if (w.pool.state[srv] === 'crashed') return;
    for (let u = 0; u < w.users; u++) if (w.conn[u] === srv) this.subServer[u] = srv;
  }

  onPublishAtBroker(target: number, seq: number, t0: number, d: number): void {
    const w = this.w;
    const k = w.kernel;
    const flags = copyFlags(d);
    w.t.brokerPublishes++;
    let recipients = 1;
    let work = 1;
    if (flags & F_ROOM && this.kafka !== null) recipients = w.membersOf(target) - 1;
    else if (flags & F_ROOM) {
      recipients = w.membersOf(target) - 1;
      work = Math.max(1, this.distinctSubscribedServers(target, copyId(d)));
    }
    const shard = this.shardOf(target, d);
    this.shardTraffic[shard]! += 1;
    const doneUs = this.brokers[shard]!.admit(k.now, work);
    if (doneUs < 0) {
      // Backlog full, or the shard is down: at-most-once, the publish is gone, and the sender's
      // send failed (counted once per message: a user-topic message is several publishes).
      w.t.brokerDropped++;
      w.lose(recipients);
      if (!(flags & F_RESEND)) this.logMisses?.notLogged(target, seq);
      const room = flags & F_ROOM ? target : w.roomOf(target);
      if (!(flags & F_RESEND) && this.failedSeq[room] !== seq) {
        this.failedSeq[room] = seq;
        w.t.sendsFailed++;
      }
      return;
    }
    const cluster = this.cluster;
    if (cluster !== null) {
      // The node relays it over the cluster bus; with PUBLISH every other master handles it too.
      w.t.clusterBusMessages += cluster.busPerPublish;
      cluster.busSent[shard]! += cluster.busPerPublish;
      if (cluster.mode === 'publish')
        for (let m = 0; m < this.brokers.length; m++) if (m !== shard) this.brokers[m]!.charge(k.now, 1);
    }
    // Single-threaded FIFO (Redis-like): completions come in time order, so a monotone lane holds them.
    k.scheduleLaneAt(this.lBrokerOut[shard]!, doneUs, E_BROKER_OUT, target, seq, t0, d);
  }

  /** Broker shard whose log holds user r's messages: its room's topic, or its own user topic. */
  shardOfReader(r: number): number {
    return this.shardOfTopic(this.w.scenario.topic === 'room' ? this.w.roomOf(r) : r);
  }

  /** Broker shard of room `room`'s topic (room topics), or of user `room`'s topic (user topics). */
  shardOfTopic(topic: number): number {
    return this.shardOf(topic, packCopy(this.w.scenario.topic === 'room' ? F_ROOM : 0, 0));
  }

  /** Broker shard of a topic (user topics and room topics hash alike: Redis Cluster key slots). */
  private shardOf(topic: number, d: number): number {
    const flags = copyFlags(d);
    if (this.kafka !== null) return this.kafka.partitionOfTopic(topic, d) % this.brokers.length;
    const cluster = this.cluster;
    if (cluster !== null) return flags & F_ROOM ? cluster.roomShard[topic]! : cluster.userShard[topic]!;
    const n = this.brokers.length;
    if (n === 1) return 0;
    return (Math.imul(topic ^ (flags & F_ROOM ? 0x9e3779b9 : 0), 0x85ebca6b) >>> 0) % n;
  }

  onBrokerOut(target: number, seq: number, t0: number, d: number): void {
    const w = this.w;
    const flags = copyFlags(d);
    const shard = this.shardOf(target, d);
    const before = w.t.brokerDeliveries;
    this.routeOut(target, seq, t0, d, flags, shard);
    this.shardTraffic[shard]! += w.t.brokerDeliveries - before;
  }

  private routeOut(target: number, seq: number, t0: number, d: number, flags: number, shard: number): void {
    const w = this.w;
    if (!this.brokers[shard]!.done()) {
      // Died in the broker's queue with a crash.
      w.lose(flags & F_ROOM ? w.membersOf(target) - 1 : 1);
      if (!(flags & F_RESEND)) this.logMisses?.notLogged(target, seq);
      return;
    }
    const kafka = this.kafka;
    if (kafka !== null) {
      kafka.append(kafka.partitionOfTopic(target, d), target, seq, t0, d);
      return;
    }
    this.deliverRecord(target, seq, t0, d, false);
  }

  /** Recipients of a publish (room topic: every member but the sender). */
  recipientsOf(target: number, d: number): number {
    return copyFlags(d) & F_ROOM ? this.w.membersOf(target) - 1 : 1;
  }

  /** Fans a routed publish (or a processed Kafka record) out to its recipients' servers. */
  deliverRecord(target: number, seq: number, t0: number, d: number, replay: boolean): void {
    const w = this.w;
    const flags = copyFlags(d);
    const copy = replay ? F_REPLAY : 0;
    if (flags & F_ROOM) {
      const first = target * w.roomSize;
      const members = w.membersOf(target);
      const sender = first + copyId(d);
      const epoch = ++this.stampEpoch;
      for (let i = 0; i < members; i++) {
        const r = first + i;
        if (r === sender) continue;
        const srv = this.subServer[r]!;
        if (srv === NONE) {
          if (!replay) w.lose(1);
          continue;
        }
        if (this.stamp[srv] !== epoch) {
          this.stamp[srv] = epoch;
          w.t.brokerDeliveries++;
        }
        this.fanout(r, seq, t0, srv, copy);
      }
      return;
    }
    const srv = this.subServer[target]!;
    if (srv === NONE) {
      // At-most-once: nobody subscribed, nothing kept (a replay's first try was counted already).
      if (!replay) w.lose(1);
      return;
    }
    w.t.brokerDeliveries++;
    this.fanout(target, seq, t0, srv, copy);
  }

  private fanout(r: number, seq: number, t0: number, srv: number, copy: number): void {
    const bp = this.backpressure;
    if (bp !== null && bp.buffers(srv)) {
      // A slow consumer: the copy waits in its output buffer, or is lost if the broker cut it off.
      if (!bp.enqueue(r, seq, t0, srv)) this.w.lose(1);
      return;
    }
    this.fanoutNow(r, seq, t0, srv, copy);
  }

  /** Broker → endpoint server, now (`copy`: the copy's flags, e.g. a Kafka replay). */
  fanoutNow(r: number, seq: number, t0: number, srv: number, copy = 0): void {
    const w = this.w;
    const k = w.kernel;
    const delayUs = this.brokerToServer.send(E_PUSH_AT_SERVER, r, seq, t0, packCopy(copy, srv), r, seq);
    if (w.traced(r))
      w.trace.add(MsgKind.Fanout, NodeId.Broker, NodeId.ServerBase + srv, k.now, k.now + delayUs, r, seq);
  }

  private distinctSubscribedServers(room: number, senderIdx: number): number {
    const w = this.w;
    const first = room * w.roomSize;
    const members = w.membersOf(room);
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

  /** crash-broker / recover-broker: picks a shard in the right state (the named one if it is). */
  brokerAction(
    kind: 'crash-broker' | 'recover-broker',
    shardAsked: number | undefined,
    report: ActionReport,
  ): void {
    const w = this.w;
    const k = w.kernel;
    const want = kind === 'crash-broker'; // shards in the state the action applies to: up for a crash
    const candidates = this.brokers.map((b, i) => (b.up === want ? i : -1)).filter((i) => i >= 0);
    const shard = shardAsked !== undefined && candidates.includes(shardAsked) ? shardAsked : candidates[0];
    if (shard === undefined) return;
    report.server = shard;
    if (kind === 'crash-broker') this.brokers[shard]!.crash();
    else this.brokers[shard]!.recover(k.now);
    w.trace.add(MsgKind.Loss, NodeId.Broker, NodeId.Broker, k.now, k.now + 1, -1);
  }

  /** Publishes queued or on their way to the broker count as their recipients' pending deliveries. */
  pending(): number {
    const w = this.w;
    let pending = 0;
    w.kernel.forEachPending((type, a, _b, _c, d) => {
      if (type === E_PUBLISH_AT_BROKER || type === E_BROKER_OUT)
        pending += copyFlags(d) & F_ROOM ? w.membersOf(a) - 1 : 1;
      else if (type === E_BUFFER_OUT && this.backpressure!.live(d)) pending++;
    });
    if (this.kafka !== null) pending += this.kafka.pendingCopies();
    return pending;
  }

  /**
   * Topics with at least one subscription, and subscriptions (a server subscribed to a topic),
   * counted from who is subscribed where: user topics — one per subscribed user; room topics —
   * one per (room, server) with a subscribed member. O(users): the read side asks at most once a
   * simulated second.
   */
  tally(): { topics: number; subscriptions: number } {
    const w = this.w;
    const sub = this.subServer;
    if (w.scenario.topic === 'user') {
      let n = 0;
      for (let u = 0; u < sub.length; u++) if (sub[u] !== NONE) n++;
      return { topics: n, subscriptions: n };
    }
    let topics = 0;
    let subscriptions = 0;
    for (let room = 0; room < w.rooms; room++) {
      const first = room * w.roomSize;
      const members = w.membersOf(room);
      const epoch = ++this.stampEpoch;
      let distinct = 0;
      for (let i = 0; i < members; i++) {
        const srv = sub[first + i]!;
        if (srv !== NONE && this.stamp[srv] !== epoch) {
          this.stamp[srv] = epoch;
          distinct++;
        }
      }
      subscriptions += distinct;
      if (distinct > 0) topics++;
    }
    return { topics, subscriptions };
  }

  memoryBytes(): number {
    return (
      this.subServer.byteLength +
      this.failedSeq.byteLength +
      this.toBroker.bytes +
      this.brokerToServer.bytes +
      (this.cluster?.bytes ?? 0) +
      (this.kafka?.memoryBytes() ?? 0)
    );
  }

  /** Share of broker traffic on the busiest shard (0 before any). */
  hottestShardShare(): number {
    let sum = 0;
    let max = 0;
    for (const x of this.shardTraffic) {
      sum += x;
      if (x > max) max = x;
    }
    return sum > 0 ? max / sum : 0;
  }
}
