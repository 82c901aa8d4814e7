/**
 * The event registry: every kernel event type of the model, and the one place that packs and
 * unpacks payload words (`a`..`d`). A new mechanism adds its types here and one `case` per type to
 * the dispatch switch in `simulation.ts`; its handlers live in its own module.
 *
 * Payloads, by type (a, b, c, d):
 * - Send: –                                   (one pending event for all senders)
 * (t0 is the instant a delivery's latency is measured from, packed by {@link packTime}.)
 * - WriteAtDb: sender, t0
 * - DbDone: op, a, b                          (set by the Database model; a write: sender, t0)
 * - Timeline: index in scenario.timeline
 * - Poll: user                                (narrow lane: only `a`)
 * - ReadAtDb: user, server
 * - PollResponse: user, server, deliveries, rejected (0/1)
 * - PushAtServer: user, seq, t0, {@link packCopy}(flags, server)
 * - PushAtClient: user, seq, t0, flags
 * - PublishAtBroker / BrokerOut: topic, seq, t0, {@link packCopy}(flags, senderIndex | server)
 * - Reconnect: user
 * - ConnectAtServer: user, server, connect flags, hops
 * - Subscribe: user, server
 * - ViewChange: view-change kind, epoch
 * - DetectCrash: server
 * - DrainTick / Finalize: epoch
 * - RecoverAtDb: user                          (a recovery read on its way to the DB)
 * - Recovered: user, highest seq the read returned, highest seq expired from the broker's log (0: none)
 * - RecoverAtLog: user                         (a log recovery read on its way to the broker)
 * - LogReadDone: user, broker shard            (the broker served a log recovery read)
 * - AckTimeout: room, seq, t0, {@link packCopy}(back-off step, sender's index in the room)
 * - KafkaConsume: partition, offset, assignment generation
 * - KafkaCommit: –                            (auto-commit tick of every consumer)
 * - HeartbeatDetect: user, server, crash time ({@link packTime})
 * - HeartbeatTick: –                          (once a second: pings on traced connections)
 * - LeaveTick: server, leave generation       (a server leaving by `drain`)
 * - BufferOut: user, seq, t0, {@link packCopy}(link generation, server)  (a slow consumer read it)
 * - Resubscribe: server                       (after the broker cut it off)
 * - LpRequest: user                            (long polling: the client sends a request)
 * - LpAtServer / LpAtDb: user, server
 * - LpNews: user, seq, broker shard            (the broker tells the user's server of news)
 * - LpTimeout: user                            (the user's hold timer)
 * - LpResponse: user, deliveries, rejected (0/1)
 */
export const E_SECOND = 1;
export const E_SEND = 2;
export const E_WRITE_AT_DB = 3;
export const E_DB_DONE = 4;
export const E_TIMELINE = 5;
export const E_POLL = 6;
export const E_READ_AT_DB = 7;
export const E_POLL_RESPONSE = 8;
export const E_PUSH_AT_SERVER = 9;
export const E_PUSH_AT_CLIENT = 10;
export const E_PUBLISH_AT_BROKER = 11;
export const E_BROKER_OUT = 12;
export const E_RECONNECT = 13;
export const E_CONNECT_AT_SERVER = 14;
export const E_SUBSCRIBE = 15;
export const E_VIEW_CHANGE = 16;
export const E_DETECT_CRASH = 17;
export const E_DRAIN_TICK = 18;
export const E_FINALIZE = 19;
export const E_RECOVER_AT_DB = 20;
export const E_RECOVERED = 21;
export const E_ACK_TIMEOUT = 22;
export const E_KAFKA_CONSUME = 23;
export const E_KAFKA_COMMIT = 24;
// Liveness, capacity and deploys (issue 11).
export const E_HEARTBEAT_DETECT = 25;
export const E_HEARTBEAT_TICK = 26;
export const E_LEAVE_TICK = 27;
export const E_BUFFER_OUT = 28;
export const E_RESUBSCRIBE = 29;
// Recovery from the Kafka-like broker's log (issue 10).
export const E_RECOVER_AT_LOG = 30;
export const E_LOG_READ_DONE = 31;
// Long polling (issue 10).
export const E_LP_REQUEST = 40;
export const E_LP_AT_SERVER = 41;
export const E_LP_AT_DB = 42;
export const E_LP_NEWS = 43;
export const E_LP_TIMEOUT = 44;
export const E_LP_RESPONSE = 45;

// Copy flags of a pushed or published message.
/** Dual-send copy to the old owner: never counts as pending or lost. */
export const F_OLD = 1;
/** Dual-send copy to the new owner (or flushed from its buffer). */
export const F_TWIN = 2;
/** Broker publish on a room topic. */
export const F_ROOM = 4;
/**
 * A lost dual-send twin, sent on to the client's arrival time only to settle its account there:
 * the old owner's copy may still be on its way, so the loss counts only if that copy never came.
 */
export const F_GHOST = 8;

/** A copy sent again (at-least-once): its loss at the broker is not a failed send. */
export const F_RESEND = 16;
/** A record a Kafka-like consumer processes again after a rebalance (a duplicate if it came before). */
export const F_REPLAY = 32;

/** Connect flag: the attempt came through the load balancer (it counted it as pending). */
export const C_VIA_LB = 1;
/** Connect flag: this is TCP's first SYN retry (1 s after a drop at a full backlog). */
export const C_SYN1 = 2;
/** Connect flag: this is TCP's second SYN retry (3 s after the first). */
export const C_SYN2 = 4;
/** Connect flag: the server's accept queue has handed the connection over (skip the gate). */
export const C_ACCEPTED = 8;

// View-change kinds.
/** Apply a membership now (modulo switch; a crashed server leaves the ring). */
export const V_MEMBERSHIP = 0;
/** Members learnt of a ring change: the migration starts draining. */
export const V_MIGRATE_START = 1;
/** Members learnt the migration is over: everyone routes by the new ring. */
export const V_FINALIZED = 2;

/** Packs copy flags and a 16-bit id (server or sender index) into one payload word. */
export function packCopy(flags: number, id: number): number {
  return (flags << 16) | id;
}
/** Copy flags of a word made by {@link packCopy}. */
export function copyFlags(d: number): number {
  return d >>> 16;
}
/** The 16-bit id of a word made by {@link packCopy}. */
export function copyId(d: number): number {
  return d & 0xffff;
}

/**
 * Absolute simulated µs as one signed payload word (wraps every ~71.6 minutes); {@link ageUs}
 * recovers a non-negative age below that.
 */
export function packTime(us: number): number {
  return (us >>> 0) | 0;
}
/** Microseconds from a time packed by {@link packTime} to `nowUs`. */
export function ageUs(nowUs: number, packed: number): number {
  return ((nowUs >>> 0) - (packed >>> 0)) >>> 0;
}
