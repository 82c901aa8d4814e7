import type { Coordinator } from './coordinator';
import type { ServerLeaves } from './mechanisms/drain';
import type { Heartbeats } from './mechanisms/heartbeats';
import { NONE } from './model/servers';
import type { Scenario } from './scenario';
import type { HashingStrategy } from './strategies/hashing';
import type { LongPollingStrategy } from './strategies/longPolling';
import type { PubSubStrategy } from './strategies/pubsub';
import type { World } from './world';

/** One broken settled invariant, with a short reason naming what is wrong. */
export interface SettledViolation {
  /** Which invariant: `member`, `owner`, `connected`, `subscribed`, `draining`, `queue`. */
  invariant: 'member' | 'owner' | 'connected' | 'subscribed' | 'draining' | 'queue';
  message: string;
}

/** The settled invariants of a world at one instant. */
export interface SettledReport {
  ok: boolean;
  /** At most one violation per invariant (the first found, with a count). */
  violations: SettledViolation[];
  /** The membership the chat service routes by (hashing; empty otherwise). */
  members: number[];
  /** Servers up now. */
  up: number[];
}

export interface SettledParts {
  w: World;
  /** Long polling's held requests (absent or null for the other strategies). */
  longPolling?: LongPollingStrategy | null;
  hashing: HashingStrategy | null;
  pubsub: PubSubStrategy | null;
  coordinator: Coordinator;
  heartbeats: Heartbeats;
  leaves: ServerLeaves;
}

/**
 * Checks, read-only, what must hold once every action has had time to finish (issue 8, point 2):
 * no membership change in flight or waiting and no crash undetected; no server draining; every up
 * server a member and every member up (hashing); every user connected when any server is up (or
 * the servers it may use full, under `maxConnectionsPerServer`), to an up server that owns it
 * (hashing), and subscribed there (pub/sub).
 */
export function checkSettled(p: SettledParts): SettledReport {
  const { w, hashing, pubsub, coordinator, heartbeats, leaves } = p;
  const pool = w.pool;
  const violations: SettledViolation[] = [];
  const up = pool.up();
  const members = hashing !== null ? [...coordinator.placement.members] : [];

  let unnoticed = 0;
  for (let u = 0; u < heartbeats.unnoticed.length; u++) unnoticed += heartbeats.unnoticed[u]!;
  if (
    coordinator.changesPending > 0 ||
    coordinator.crashesUndetected > 0 ||
    coordinator.deploysPending > 0 ||
    leaves.active > 0 ||
    unnoticed > 0
  )
    violations.push({
      invariant: 'queue',
      message: `${coordinator.changesPending} membership change(s) in flight or waiting, ${coordinator.crashesUndetected} crash(es) undetected, ${coordinator.deploysPending} deploy(s) rolling, ${leaves.active} server(s) leaving, ${unnoticed} client(s) yet to notice a dead server`,
    });
  const draining = pool.state.flatMap((st, i) => (st === 'draining' ? [i] : []));
  if (draining.length > 0)
    violations.push({
      invariant: 'draining',
      message: `still draining: ${draining.map((i) => `S${i}`).join(', ')}`,
    });
  if (hashing !== null) {
    const notMember = up.filter((i) => !members.includes(i));
    const notUp = members.filter((i) => pool.state[i] !== 'up');
    if (notMember.length > 0 || notUp.length > 0)
      violations.push({
        invariant: 'member',
        message: `up but not members: [${notMember.map((i) => `S${i}`).join(', ')}]; members not up: [${notUp.map((i) => `S${i}`).join(', ')}]`,
      });
  }
  const lp = p.longPolling ?? null;
  if (lp !== null) {
    // Long polling: no request held (or swallowed) by a server that is not up.
    let stranded = 0;
    let first = -1;
    for (let i = 0; i < pool.count; i++) {
      if (pool.state[i] === 'up') continue;
      const n = lp.strandedAt(i);
      if (n > 0 && first < 0) first = i;
      stranded += n;
    }
    if (stranded > 0)
      violations.push({
        invariant: 'connected',
        message: `${stranded} long-poll request(s) held by a server that is not up (first: S${first})`,
      });
  }
  if (w.push && up.length > 0) {
    let disconnected = 0;
    let offOwner = 0;
    let unsubscribed = 0;
    let firstOff = -1;
    // With `maxConnectionsPerServer`, a user may stay out while the server it belongs on (its
    // owner; under pub/sub any, the LB may pick each) is full: more users than seats is no fault.
    const cap = w.scenario.maxConnectionsPerServer;
    const full = (srv: number) => cap > 0 && pool.state[srv] === 'up' && pool.conns[srv]! >= cap;
    const allFull = up.every(full);
    for (let u = 0; u < w.users; u++) {
      const c = w.conn[u]!;
      if (c === NONE || pool.state[c] !== 'up') {
        if (hashing !== null ? !full(hashing.owner[u]!) : !allFull) disconnected++;
        continue;
      }
      if (hashing !== null && hashing.owner[u] !== c) {
        if (firstOff < 0) firstOff = u;
        offOwner++;
      }
      if (pubsub !== null && pubsub.subServer[u] !== c) unsubscribed++;
    }
    if (disconnected > 0)
      violations.push({
        invariant: 'connected',
        message: `${disconnected} user(s) not connected to an up server with room for them`,
      });
    if (offOwner > 0)
      violations.push({
        invariant: 'owner',
        message: `${offOwner} user(s) connected off their owner (first: user ${firstOff} on S${w.conn[firstOff]} owned by S${hashing!.owner[firstOff]})`,
      });
    if (unsubscribed > 0)
      violations.push({
        invariant: 'subscribed',
        message: `${unsubscribed} user(s) not subscribed where they are connected`,
      });
  }
  return { ok: violations.length === 0, violations, members, up };
}

/**
 * Simulated seconds after the last action by which the world must have settled: crash detection,
 * two propagations per queued change, a drain window per migration, and reconnect backoffs with
 * redirects. `changes` is the number of membership changes that may queue (the timeline's server
 * actions).
 */
export function settleTimeS(s: Scenario, changes = 1): number {
  const propagationS = s.coordPropagationMs / 1000;
  const reconnectS = (2 * s.clientRttMs + s.connectSetupMs) / 1000;
  // A leave (remove-server or one server of a deploy) by `drain`.
  const leaveS =
    s.drain === 'kill'
      ? 0
      : s.drain === 'lame-duck'
        ? Math.max(s.drainGraceS, s.drainCloseS)
        : Math.min(s.drainCloseS, s.terminationGraceS);
  const perChange = 2 * propagationS + Math.max(s.drainS, leaveS) + 2 * reconnectS + 0.02;
  // A deploy restarts every server in turn (at most LIMITS.maxServers of them; the timeline's
  // server count bounds it in practice).
  const deployS = s.timeline.some((e) => e.action === 'deploy')
    ? s.timeline.filter((e) => e.action === 'deploy').length *
      (s.servers + s.timeline.filter((e) => e.action === 'add-server').length) *
      (leaveS + 0.2)
    : 0;
  const backoffS = s.reconnect === 'immediate' ? 0 : s.reconnectMaxMs / 1000;
  // Everyone reconnecting through the accept queues of the servers left. Retries in step (no
  // jitter) come in waves, each landing at most a backlog per server: waves × (a SYN retry + a
  // backoff) bounds it; at worst the accept rate does.
  const others = Math.max(1, s.servers - 1);
  const acceptS = Math.max(
    (2 * s.users) / (s.acceptPerS * others),
    (s.users / (Math.max(1, s.listenBacklog) * others)) * (1 + backoffS),
  );
  return (
    Math.max(s.failureDetectionS, s.heartbeatIntervalS + s.heartbeatTimeoutS) +
    Math.max(1, changes) * perChange +
    deployS +
    acceptS +
    5 * (backoffS + reconnectS) +
    4 +
    1
  );
}
