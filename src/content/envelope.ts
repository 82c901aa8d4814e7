/**
 * The back-of-the-envelope arithmetic: what the engine will count at steady state, from the
 * settings alone. Each figure is the formula for the very counter a chart or tile shows (the
 * broker routes one copy per *server* holding a recipient, not one per recipient), and
 * envelope.test.ts holds every figure against an engine run of each preset.
 */
import { pickSlowServers, type Scenario } from '../bridge/engine';
import { compact, duration, load, percent } from '../view/format';

/** What a figure predicts; the test measures the same thing in an engine run. */
export type EnvelopeId =
  | 'db-reads'
  | 'db-writes'
  | 'db-load'
  | 'wait'
  | 'empty-polls'
  | 'per-server'
  | 'broker-routed'
  | 'pushes'
  | 'moved';

export interface EnvelopeFigure {
  id: EnvelopeId;
  label: string;
  /** The prediction in the engine's unit (per second, ms, a share 0..1, a load 1 = capacity). */
  value: number;
  text: string;
  hint: string;
  /** Parts of `value` the engine also counts separately (e.g. broker publishes and copies). */
  parts?: Record<string, number>;
}

export type EnvelopeInput = Pick<
  Scenario,
  | 'strategy'
  | 'users'
  | 'pollIntervalS'
  | 'messagesPerUserPerMin'
  | 'roomSize'
  | 'dbConcurrency'
  | 'dbQueryMs'
  | 'brokerCapacityPerS'
  | 'brokerShards'
  | 'topic'
  | 'lbPolicy'
  | 'clientRttMs'
  | 'networkRttMs'
  | 'serverProcessingMs'
  | 'slowConsumerShare'
  | 'slowConsumerMsgsPerS'
  | 'holdTimeoutS'
>;

const plural = (k: number, w: string) => `${compact(k)} ${w}${k === 1 ? '' : 's'}`;

/**
 * Expected number of distinct endpoint servers holding the other `others` members of a room,
 * with `n` servers. The load balancer spreads users evenly (least-connections and round-robin
 * place user u on server u mod n; rooms are runs of consecutive users), so a room of R covers
 * min(n, R) servers; leaving out the sender loses its server when no other member shares it.
 * With random placement it is the occupancy formula n·(1 − (1 − 1/n)^(R−1)).
 */
export function serversHoldingOthers(n: number, roomSize: number, random: boolean): number {
  if (n <= 0) return 0;
  const others = roomSize - 1;
  if (random) return n * (1 - Math.pow(1 - 1 / n, others));
  if (roomSize <= n) return others;
  if (roomSize >= 2 * n) return n;
  // n < R < 2n: R − n servers hold two members, 2n − R hold one; a sender alone on its server
  // (chance (2n − R)/R) takes that server out.
  return n - (2 * n - roomSize) / roomSize;
}

/** The figures for the current settings with `servers` endpoint servers up. */
export function envelope(s: EnvelopeInput, servers: number): EnvelopeFigure[] {
  const n = Math.max(0, servers);
  const writes = (s.users * s.messagesPerUserPerMin) / 60;
  const recipients = s.roomSize - 1;
  const pushes = writes * recipients;
  const dbCap = (s.dbConcurrency / s.dbQueryMs) * 1000;
  // Push strategies still write every message to the DB: past its capacity the queue grows.
  const dbWriteLoad: EnvelopeFigure = {
    id: 'db-load',
    label: 'DB load',
    value: writes / dbCap,
    text: load(writes / dbCap),
    hint: `writes ÷ ${compact(dbCap)}/s capacity${writes > dbCap ? ' — overloaded: the queue grows, then sends fail' : ''}`,
  };
  const perServer: EnvelopeFigure = {
    id: 'per-server',
    label: 'Per server',
    value: s.users / Math.max(1, n),
    text: `≈ ${compact(s.users / Math.max(1, n))} conns`,
    hint: `${compact(s.users)} users over ${plural(n, 'server')}`,
  };

  if (s.strategy === 'polling') {
    const reads = s.users / s.pollIntervalS;
    const dbLoad = (reads + writes) / dbCap;
    const lambda = (recipients * s.messagesPerUserPerMin) / 60;
    // End to end, from the sender's send (as the engine measures it): the write's way to the DB
    // (client → server → chat service → DB) and its query; then on average half an interval for
    // the next poll to read it; then the read and the way back: the DB query, a data-centre hop
    // and the client's last hop.
    const dcMs = s.networkRttMs / 2;
    const writeMs = s.clientRttMs / 2 + s.serverProcessingMs + 2 * dcMs + s.dbQueryMs;
    const waitMs = writeMs + (s.pollIntervalS * 1000) / 2 + s.dbQueryMs + dcMs + s.clientRttMs / 2;
    return [
      {
        id: 'db-reads',
        label: `${compact(s.users)} users ÷ ${s.pollIntervalS} s`,
        value: reads,
        text: `${compact(reads)}/s`,
        hint: 'DB reads, one per poll',
      },
      {
        id: 'db-writes',
        label: 'Chat writes',
        value: writes,
        text: `${compact(writes)}/s`,
        hint: `${compact(s.users)} × ${s.messagesPerUserPerMin}/min ÷ 60`,
      },
      {
        id: 'db-load',
        label: 'DB load',
        value: dbLoad,
        text: load(dbLoad),
        hint: `(reads + writes) ÷ (${s.dbConcurrency} conns ÷ ${s.dbQueryMs} ms)${reads + writes > dbCap ? ' — overloaded' : ''}`,
      },
      {
        id: 'wait',
        label: 'Wait for news',
        value: waitMs,
        text: `≈ ${duration(waitMs)}`,
        hint: 'the write’s way to the DB + half the interval, on average, + the read’s way back',
      },
      {
        id: 'empty-polls',
        label: 'Empty polls',
        value: Math.exp(-lambda * s.pollIntervalS),
        text: `≈ ${percent(Math.exp(-lambda * s.pollIntervalS), 0)}`,
        hint: 'e^(−λT), λ = news rate from others',
      },
    ];
  }

  if (s.strategy === 'long-polling') {
    // A request ends at the first news (rate λ from the others) or at the hold τ: each user asks
    // λ ÷ (1 − e^(−λτ)) times a second, and each request is one DB read.
    const lambda = (recipients * s.messagesPerUserPerMin) / 60;
    const tau = s.holdTimeoutS;
    const rate = lambda > 0 ? lambda / (1 - Math.exp(-lambda * tau)) : 1 / tau;
    const reads = s.users * rate;
    const dbLoad = (reads + writes) / dbCap;
    const timeouts = Math.exp(-lambda * tau);
    return [
      {
        ...perServer,
        text: `≈ ${compact(s.users / Math.max(1, n))} held`,
        hint: `${compact(s.users)} held requests over ${plural(n, 'server')}`,
      },
      {
        id: 'db-reads',
        label: 'Requests',
        value: reads,
        parts: { dbLoad },
        text: `${compact(reads)}/s`,
        hint: `λ ÷ (1 − e^(−λτ)) per user, τ = ${tau} s; one DB read each → DB ${load(dbLoad)} busy${reads + writes > dbCap ? ' — overloaded' : ''}`,
      },
      {
        id: 'empty-polls',
        label: 'Held to timeout',
        value: timeouts,
        text: `≈ ${percent(timeouts, 0)}`,
        hint: 'e^(−λτ): no news during a whole hold',
      },
      {
        id: 'pushes',
        label: 'Answers with news',
        value: reads * (1 - timeouts),
        text: `${compact(reads * (1 - timeouts))}/s`,
        hint: `${compact(writes)} writes/s reach ${plural(recipients, 'recipient')} each, a few hops after the send`,
      },
    ];
  }

  if (s.strategy === 'pubsub') {
    const room = s.topic === 'room';
    // Room topics: one publish per message, one copy per server holding another member.
    // User topics: one publish per recipient, routed to the one server holding that recipient.
    const publishes = room ? writes : pushes;
    const perPublish = room ? serversHoldingOthers(n, s.roomSize, s.lbPolicy === 'random') : 1;
    const copies = publishes * perPublish;
    const brokerCap = s.brokerCapacityPerS * s.brokerShards;
    // The broker's work is one routed copy per publish (at least one for a room topic).
    const brokerLoad = (publishes * Math.max(1, perPublish)) / brokerCap;
    const dbLoad = writes / dbCap;
    // Slow consumers (issue 11) read no faster than their rate: the rest of their share waits in
    // the broker's output buffer (and is lost when Redis cuts them off), so it is not pushed.
    const slow = slowServers(s, n);
    const perServerPushes = pushes / n;
    const delivered = slow
      ? (n - slow) * perServerPushes + slow * Math.min(perServerPushes, s.slowConsumerMsgsPerS)
      : pushes;
    // Four lines, so the card fits a 720p rail: the loads ride on the rates they come from.
    return [
      perServer,
      {
        id: 'db-writes',
        label: 'Chat writes',
        value: writes,
        parts: { dbLoad },
        text: `${compact(writes)}/s`,
        hint: `${compact(s.users)} × ${s.messagesPerUserPerMin}/min ÷ 60 → DB ${load(dbLoad)} busy${writes > dbCap ? ' — overloaded: the queue grows, then sends fail' : ''}; no DB reads`,
      },
      {
        id: 'broker-routed',
        label: 'Broker routes',
        value: publishes + copies,
        parts: { publishes, copies, brokerLoad },
        text: `${compact(publishes + copies)}/s`,
        hint: room
          ? `${compact(publishes)}/s in + ${compact(copies)}/s out, one per server holding a member (≈ ${+perPublish.toFixed(1)} of ${n}) · ${load(brokerLoad)} of ${compact(brokerCap)}/s`
          : `${compact(publishes)}/s in, one per recipient’s topic, + as many out · ${load(brokerLoad)} of ${compact(brokerCap)}/s`,
      },
      {
        id: 'pushes',
        label: 'Pushes to clients',
        value: delivered,
        text: `${compact(delivered)}/s`,
        hint: slow
          ? `${compact(writes)} writes/s × ${plural(recipients, 'recipient')}, but ${slow} slow server${slow === 1 ? '' : 's'} read${slow === 1 ? 's' : ''} only ${compact(s.slowConsumerMsgsPerS)}/s`
          : `${compact(writes)} writes/s × ${plural(recipients, 'recipient')}`,
      },
    ];
  }

  const modulo = s.strategy === 'modulo-hashing';
  const moved = modulo ? n / (n + 1) : 1 / (n + 1);
  return [
    perServer,
    dbWriteLoad,
    {
      id: 'pushes',
      label: 'Pushes',
      value: pushes,
      text: `${compact(pushes)}/s`,
      hint: `${compact(writes)} writes/s × ${plural(recipients, 'recipient')}; no DB reads`,
    },
    {
      id: 'moved',
      label: 'Add 1 server',
      value: moved,
      text: `moves ≈ ${percent(moved, 0)}`,
      hint: `${modulo ? 'N/(N+1)' : '1/(N+1)'} of users → ≈ ${compact(s.users * moved)} reconnects`,
    },
  ];
}

/** Endpoint servers (of the first `n`) that are slow consumers: the engine's own pick. */
export function slowServers(s: Pick<Scenario, 'slowConsumerShare' | 'strategy'>, n: number): number {
  if (s.strategy !== 'pubsub' || s.slowConsumerShare <= 0 || n <= 0) return 0;
  let k = 0;
  for (const slow of pickSlowServers(new Uint8Array(n), s.slowConsumerShare)) k += slow;
  return k;
}
