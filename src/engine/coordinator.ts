import { NONE } from './model/servers';
import {
  E_DETECT_CRASH,
  E_DRAIN_TICK,
  E_FINALIZE,
  E_VIEW_CHANGE,
  V_FINALIZED,
  V_MEMBERSHIP,
  V_MIGRATE_START,
} from './events';
import type { Connections } from './mechanisms/connections';
import { LEAVE_REMOVE, LEAVE_RESTART, type LeaveListener, type ServerLeaves } from './mechanisms/drain';
import type { Heartbeats } from './mechanisms/heartbeats';
import type { Delivery } from './mechanisms/delivery';
import {
  ActionRefusedError,
  actionTarget,
  leaveDrains,
  refusalOf,
  restartTarget,
  type ActionKind,
} from './scenario';
import type { HashingStrategy, Placement } from './strategies/hashing';
import type { PubSubStrategy } from './strategies/pubsub';
import type { Strategy } from './strategies/strategy';
import { MsgKind, NodeId, type ActionReport, type MigrationInfo } from './types';
import type { World } from './world';

const DRAIN_TICK_US = 10_000;

/** One membership change waiting its turn: a server joins, leaves, or is dropped after a crash. */
interface Change {
  kind: 'add' | 'remove' | 'drop';
  server: number;
  report: ActionReport;
}

/** The change being carried out (at most one: changes are serialized by epoch). */
interface InFlight {
  epoch: number;
  /** `switch`: every member applies the target at once. `migration`: the ring procedure. */
  procedure: 'switch' | 'migration';
  phase: MigrationInfo['phase'];
  target: Placement;
  change: Change;
  movers: Int32Array;
  drained: number;
  startUs: number;
  oldServers: number[];
}

/**
 * The coordination service: owns membership. Every server action goes through it. Changes of
 * membership (hashing) form an epoch-ordered queue: one is carried out at a time and the next
 * waits for it, except that a crashed server's removal is folded into a running ring migration at
 * once (its users must not wait a whole drain window). So any sequence of actions, at the same
 * instant or overlapping, ends settled: every up server a member, every connected user on its
 * owner, nobody draining forever.
 */
export class Coordinator implements LeaveListener {
  /** The membership every member has applied (hashing). */
  placement: Placement = { members: [], ring: null };
  /** Bumps whenever the routing view changes. */
  ringVersion = 0;
  private epoch = 0;
  private inflight: InFlight | null = null;
  private readonly queue: Change[] = [];
  /** Reports of crashes not yet detected, by server. */
  private readonly crashReports = new Map<number, ActionReport>();
  /** Per sampled user: 1 when its owner changed at the last change (drawn on the page). */
  readonly sampleMoved: Uint8Array;
  /** Per server: bumped at each crash, so a detection timer of an earlier crash is ignored. */
  private readonly crashGen = new Int32Array(64);
  /** The rolling deploy in progress: servers in turn, the next one's index, its report. */
  private deploying: { order: number[]; next: number; report: ActionReport } | null = null;
  /** Deploys asked for while one rolls (each runs after the one before). */
  private readonly deploysWaiting: ActionReport[] = [];

  constructor(
    private readonly w: World,
    private readonly strategy: Strategy,
    private readonly hashing: HashingStrategy | null,
    private readonly pubsub: PubSubStrategy | null,
    private readonly connections: Connections,
    private readonly delivery: Delivery | null,
    private readonly sampleUsers: Uint32Array,
    private readonly heartbeats: Heartbeats,
    private readonly leaves: ServerLeaves,
  ) {
    this.sampleMoved = new Uint8Array(sampleUsers.length);
    leaves.listener = this;
  }

  /** Starts the servers of t = 0 and the routing view they share. */
  start(servers: number): void {
    const w = this.w;
    for (let i = 0; i < servers; i++) w.pool.add();
    const h = this.hashing;
    if (h !== null) {
      this.placement = h.placementOf(w.pool.members());
      h.ownersInto(h.owner, this.placement);
      this.ringVersion++;
    }
  }

  // ───────────────────────────── actions ─────────────────────────────

  /**
   * Takes an action now. Throws {@link ActionRefusedError} (and changes nothing) when the server
   * is already down or gone, or the action would leave no server up.
   */
  act(kind: ActionKind, server?: number): ActionReport {
    const w = this.w;
    const pool = w.pool;
    const why = refusalOf(kind, server, pool.state);
    if (why !== null) throw new ActionRefusedError(kind, actionTarget(pool.state, server), why);
    const before = pool.up().length;
    const report: ActionReport = {
      atS: w.kernel.now / 1e6,
      action: kind,
      server: kind === 'deploy' ? -1 : (server ?? -1),
      usersMoved: 0,
      reconnects: 0,
      serversBefore: before,
      serversAfter: before,
    };
    w.reports.push(report);
    w.reconnectsAtAction.push(w.t.reconnects);
    switch (kind) {
      case 'crash-broker':
      case 'recover-broker':
        this.pubsub?.brokerAction(kind, server, report);
        break;
      case 'add-server':
        this.addServer(report);
        break;
      case 'remove-server':
        this.removeServer(actionTarget(pool.state, server), report);
        break;
      case 'crash-server':
        this.crashServer(actionTarget(pool.state, server), report);
        break;
      case 'restart-server':
        this.restartServer(restartTarget(pool.state, server), report);
        break;
      case 'deploy':
        this.deploy(report);
        break;
    }
    report.serversAfter = pool.up().length;
    return report;
  }

  private addServer(report: ActionReport): void {
    const id = this.w.pool.add();
    report.server = id;
    this.traceCoord(id);
    this.strategy.onServerUp?.(id);
    if (this.hashing !== null) this.enqueue({ kind: 'add', server: id, report });
  }

  private removeServer(victim: number, report: ActionReport): void {
    const w = this.w;
    report.server = victim;
    this.traceCoord(victim);
    // A removal takes over a deploy's restart of this server: the deploy moves on.
    const restarting = this.leaves.phase[victim] !== 0;
    this.leaves.abort(victim);
    if (this.hashing !== null) {
      // It stops accepting now and leaves once the membership without it is applied.
      w.pool.state[victim] = 'draining';
      this.enqueue({ kind: 'remove', server: victim, report });
      if (restarting) this.deployNext();
      return;
    }
    // Polling and pub/sub: the LB stops placing users there; its users reconnect elsewhere, as
    // its `drain` says (a lame duck closes them a few at a time; a kill all at once).
    report.usersMoved = w.push ? w.pool.conns[victim]! : 0;
    if (!leaveDrains(w.scenario)) {
      w.pool.state[victim] = 'removed';
      if (w.push) this.leaves.begin(victim, LEAVE_REMOVE);
      else this.strategy.onServerLeft?.(victim);
      if (restarting) this.deployNext();
      return;
    }
    w.pool.state[victim] = 'draining';
    this.leaves.begin(victim, LEAVE_REMOVE);
    if (restarting) this.deployNext();
  }

  /** A leave is over: a removed server is gone; a deployed one restarts, empty, and the deploy moves on. */
  onLeft(srv: number, purpose: number): void {
    const w = this.w;
    if (purpose === LEAVE_REMOVE) {
      if (w.pool.state[srv] === 'draining') w.pool.state[srv] = 'removed';
      return;
    }
    this.strategy.onServerLeft?.(srv);
    if (w.pool.state[srv] === 'up') this.comeBack(srv);
    this.deployNext();
  }

  /** Server `srv` (re)starts empty and accepting. */
  private comeBack(srv: number): void {
    const w = this.w;
    w.pool.state[srv] = 'up';
    w.pool.accepting[srv] = true;
    w.pool.lbKnowsDead[srv] = false;
    this.connections.accept.reset(srv);
    this.traceCoord(srv);
    this.strategy.onServerUp?.(srv);
  }

  /** A crashed server comes back, empty; under hashing it rejoins the membership by the queue. */
  private restartServer(srv: number, report: ActionReport): void {
    report.server = srv;
    // The coordination service and the LB see the old session end before the new one starts.
    if (this.crashReports.has(srv)) this.detectServerSide(srv);
    this.comeBack(srv);
    if (this.hashing !== null) this.enqueue({ kind: 'add', server: srv, report });
  }

  /** A rolling restart of every server up, one at a time, each leaving by `drain`. */
  private deploy(report: ActionReport): void {
    if (this.deploying !== null) {
      this.deploysWaiting.push(report);
      return;
    }
    this.deploying = { order: this.w.pool.up(), next: 0, report };
    this.deployNext();
  }

  private deployNext(): void {
    const w = this.w;
    for (;;) {
      const d = this.deploying;
      if (d === null) return;
      while (d.next < d.order.length) {
        const srv = d.order[d.next++]!;
        // A server that crashed or left meanwhile is skipped.
        if (w.pool.state[srv] !== 'up' || this.leaves.phase[srv] !== 0) continue;
        d.report.usersMoved += w.pool.conns[srv]!;
        this.traceCoord(srv);
        this.leaves.begin(srv, LEAVE_RESTART);
        return;
      }
      const waiting = this.deploysWaiting.shift();
      this.deploying = waiting !== undefined ? { order: w.pool.up(), next: 0, report: waiting } : null;
    }
  }

  /** Abrupt: connections vanish now; clients, LB and coordinator notice after the detection timeout. */
  private crashServer(victim: number, report: ActionReport): void {
    const w = this.w;
    report.server = victim;
    const deployed = this.leaves.phase[victim] !== 0;
    this.leaves.abort(victim);
    w.pool.state[victim] = 'crashed';
    this.strategy.onServerCrashed?.(victim);
    const victims = w.push ? this.connections.dropAll(victim) : new Int32Array(0);
    if (this.pubsub !== null) report.usersMoved = victims.length;
    // Its clients notice one by one through heartbeats; the LB and the coordination service
    // after their own timeout (`failureDetectionS`).
    this.heartbeats.onCrash(victim, victims);
    this.crashReports.set(victim, report);
    w.kernel.schedule(w.scenario.failureDetectionS * 1e6, E_DETECT_CRASH, victim, ++this.crashGen[victim]!);
    if (deployed) this.deployNext();
  }

  onDetectCrash(victim: number, gen: number): void {
    if (gen !== this.crashGen[victim] || !this.crashReports.has(victim)) return;
    this.detectServerSide(victim);
  }

  /** The LB, the broker and the coordination service learn `victim` is dead. */
  private detectServerSide(victim: number): void {
    const w = this.w;
    w.pool.lbKnowsDead[victim] = true;
    const report = this.crashReports.get(victim);
    this.crashReports.delete(victim);
    this.strategy.onCrashDetected(victim);
    if (this.hashing !== null && report !== undefined) this.enqueue({ kind: 'drop', server: victim, report });
  }

  // ───────────────────────────── the membership queue ─────────────────────────────

  private enqueue(c: Change): void {
    const f = this.inflight;
    if (c.kind === 'drop' && f !== null && f.procedure === 'migration') return this.foldDrop(f, c);
    this.queue.push(c);
    this.pump();
  }

  /** Starts queued changes while none is in flight (a change with nothing to do ends at once). */
  private pump(): void {
    while (this.inflight === null && this.queue.length > 0) this.begin(this.queue.shift()!);
  }

  private begin(c: Change): void {
    const w = this.w;
    const h = this.hashing!;
    const cur = this.placement;
    let target: Placement;
    if (c.kind === 'add')
      // A server that crashed before its turn never joins (its drop finds it absent).
      target = w.pool.state[c.server] === 'up' ? h.withAdded(cur, c.server) : cur;
    else target = h.withRemoved(cur, c.server);
    if (target === cur || sameMembers(target.members, cur.members)) {
      this.retire(c);
      return;
    }
    const epoch = ++this.epoch;
    const delayUs = w.scenario.coordPropagationMs * 1000;
    const migration = h.migrates && c.kind !== 'drop';
    this.inflight = {
      epoch,
      procedure: migration ? 'migration' : 'switch',
      phase: 'announced',
      target,
      change: c,
      movers: new Int32Array(0),
      drained: 0,
      startUs: w.kernel.now,
      oldServers: [...cur.members],
    };
    // A dead server has nothing to drain: members drop it as soon as they learn.
    w.kernel.schedule(delayUs, E_VIEW_CHANGE, migration ? V_MIGRATE_START : V_MEMBERSHIP, epoch);
  }

  /** A change is over: a removed server is gone. */
  private retire(c: Change): void {
    if (c.kind === 'remove' && this.w.pool.state[c.server] === 'draining')
      this.w.pool.state[c.server] = 'removed';
  }

  onViewChange(kind: number, epoch: number): void {
    const f = this.inflight;
    if (f === null || f.epoch !== epoch) return;
    if (kind === V_MEMBERSHIP) this.applySwitch(f);
    else if (kind === V_MIGRATE_START) this.startMigration(f);
    else if (kind === V_FINALIZED) this.finishMigration(f);
  }

  /** Members switch to the target at once; users on the wrong server are disconnected. */
  private applySwitch(f: InFlight): void {
    const w = this.w;
    const h = this.hashing!;
    const next = this.scratch();
    h.ownersInto(next, f.target);
    let moved = 0;
    for (let u = 0; u < w.users; u++) if (next[u] !== h.owner[u]) moved++;
    this.markSampleMoved(next);
    h.owner.set(next);
    f.change.report.usersMoved = moved;
    this.placement = f.target;
    this.retire(f.change);
    for (let u = 0; u < w.users; u++) {
      const c = w.conn[u]!;
      if (c !== NONE && c !== h.owner[u]) this.connections.disconnect(u);
    }
    this.ringVersion++;
    this.inflight = null;
    this.pump();
  }

  private startMigration(f: InFlight): void {
    const h = this.hashing!;
    const next = this.scratch();
    h.ownersInto(next, f.target);
    f.movers = this.moversOf(next);
    f.phase = 'draining';
    f.startUs = this.w.kernel.now;
    this.markSampleMoved(next);
    f.change.report.usersMoved = f.movers.length;
    this.delivery!.ownerNew = next;
    this.ringVersion++;
    this.w.kernel.schedule(0, E_DRAIN_TICK, f.epoch);
  }

  private moversOf(next: Uint16Array): Int32Array {
    const owner = this.hashing!.owner;
    let n = 0;
    for (let u = 0; u < next.length; u++) if (next[u] !== owner[u]) n++;
    const out = new Int32Array(n);
    for (let u = 0, i = 0; u < next.length; u++) if (next[u] !== owner[u]) out[i++] = u;
    return out;
  }

  /** Drains movers evenly over the drain window: each is told to reconnect to its new owner. */
  onDrainTick(epoch: number): void {
    const f = this.inflight;
    if (f === null || f.epoch !== epoch || f.phase !== 'draining') return;
    const w = this.w;
    const k = w.kernel;
    const windowUs = w.scenario.drainS * 1e6;
    const elapsed = k.now - f.startUs;
    const n = f.movers.length;
    const target = windowUs <= 0 ? n : Math.min(n, Math.ceil((n * elapsed) / windowUs));
    const next = this.delivery!.ownerNew!;
    while (f.drained < target) {
      const u = f.movers[f.drained++]!;
      if (w.conn[u] !== NONE && w.conn[u] !== next[u]) this.connections.disconnect(u, next[u]!);
    }
    if (f.drained < n) k.schedule(DRAIN_TICK_US, E_DRAIN_TICK, epoch);
    else {
      f.phase = 'finalizing';
      // Finalize once the last movers have had time to reconnect.
      k.schedule(2 * (2 * w.clientHopUs + w.setupUs) + 1000, E_FINALIZE, epoch);
    }
  }

  onFinalize(epoch: number): void {
    const f = this.inflight;
    if (f === null || f.epoch !== epoch) return;
    for (const srv of f.target.members) this.traceCoord(srv);
    this.w.kernel.schedule(this.w.scenario.coordPropagationMs * 1000, E_VIEW_CHANGE, V_FINALIZED, epoch);
  }

  /** Everyone routes by the new ring; dual-send stops; leftover buffers are dropped. */
  private finishMigration(f: InFlight): void {
    const w = this.w;
    const h = this.hashing!;
    const d = this.delivery!;
    d.dropBuffers();
    d.ownerNew = null;
    h.ownersInto(h.owner, f.target);
    const next = h.owner;
    this.placement = f.target;
    this.retire(f.change);
    // Anyone still on a server that no longer owns them (e.g. connected mid-window) moves now.
    for (let u = 0; u < w.users; u++) {
      const c = w.conn[u]!;
      if (c !== NONE && c !== next[u]) this.connections.disconnect(u);
    }
    this.inflight = null;
    this.ringVersion++;
    this.pump();
  }

  /**
   * A crashed server leaves both the view members route by now and the migration's target, so
   * its users find live owners at once instead of after the migration.
   */
  private foldDrop(f: InFlight, c: Change): void {
    const w = this.w;
    const h = this.hashing!;
    const srv = c.server;
    const target = h.withRemoved(f.target, srv);
    const cur = h.withRemoved(this.placement, srv);
    const d = this.delivery!;
    const dual = d.ownerNew;
    if (cur !== this.placement) {
      this.placement = cur;
      // Into the scratch array, which may be the one dual-send routes by: that view is redone below.
      const next = this.scratch();
      h.ownersInto(next, cur);
      let moved = 0;
      for (let u = 0; u < w.users; u++) if (next[u] !== h.owner[u]) moved++;
      c.report.usersMoved = moved;
      h.owner.set(next);
    }
    f.target = target;
    if (dual !== null) {
      h.ownersInto(dual, target);
      f.movers = this.moversOf(dual);
      f.drained = 0;
    }
    this.ringVersion++;
  }

  /** The per-user array a change computes its next view in (kept: one allocation per run). */
  private scratch(): Uint16Array {
    const h = this.hashing!;
    h.ownerNew ??= new Uint16Array(this.w.users);
    return h.ownerNew;
  }

  private markSampleMoved(next: Uint16Array): void {
    const owner = this.hashing!.owner;
    for (let i = 0; i < this.sampleUsers.length; i++) {
      const u = this.sampleUsers[i]!;
      this.sampleMoved[i] = next[u] !== owner[u] ? 1 : 0;
    }
  }

  private traceCoord(srv: number): void {
    const w = this.w;
    const k = w.kernel;
    const p = Math.max(w.scenario.coordPropagationMs * 1000, 1);
    w.trace.add(MsgKind.Coord, NodeId.Coord, NodeId.ServerBase + srv, k.now, k.now + p, -1);
    w.trace.add(MsgKind.Coord, NodeId.Coord, NodeId.Chat, k.now, k.now + p, -1);
  }

  // ───────────────────────────── read side ─────────────────────────────

  /** The migration in flight, for the page. */
  migrationInfo(): MigrationInfo | null {
    const f = this.inflight;
    if (f === null || f.procedure !== 'migration') return null;
    return {
      phase: f.phase,
      movers: f.movers.length,
      drained: f.drained,
      oldServers: [...f.oldServers],
      newServers: [...f.target.members],
    };
  }

  /** The placement the chat service routes new copies by (the target once a migration drains). */
  routingPlacement(): Placement {
    const f = this.inflight;
    return f !== null && f.procedure === 'migration' && f.phase !== 'announced' ? f.target : this.placement;
  }

  /** Membership changes in flight or waiting (0 when settled). */
  get changesPending(): number {
    return (this.inflight !== null ? 1 : 0) + this.queue.length;
  }

  /** Crashes not yet detected (by the LB and coordination service). */
  get crashesUndetected(): number {
    return this.crashReports.size;
  }

  /** Whether a deploy is rolling or waiting. */
  get deploysPending(): number {
    return (this.deploying !== null ? 1 : 0) + this.deploysWaiting.length;
  }

  /** The deploy rolling now, for the page: servers in turn and how far it got. */
  deployInfo(): { order: number[]; done: number; waiting: number } | null {
    const d = this.deploying;
    return d === null ? null : { order: [...d.order], done: d.next, waiting: this.deploysWaiting.length };
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
