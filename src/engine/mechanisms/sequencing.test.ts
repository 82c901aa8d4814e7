import { describe, expect, it } from 'vitest';
import { expectConservedThroughout, SimHarness } from '../testing/harness';
import type { ScenarioInput } from '../scenario';

const GUARANTEES = { sequenceNumbers: true, recovery: 'db', idempotent: true } as const;

/**
 * MECHANISMS.md invariant: with sequence numbers, recovery and idempotency, every message accepted
 * before the end minus the last few seconds reaches every recipient exactly once, in order.
 * Checked per recipient from the clients' in-order marks, not from the model's counters.
 */
function expectExactlyOnceInOrder(scenario: ScenarioInput, tailS = 5): SimHarness {
  const durationS = scenario.durationS ?? 60;
  const h = new SimHarness({ ...scenario, ...GUARANTEES }).runTo(durationS - tailS);
  const before = h.sim.sequenceState()!.roomSeq;
  h.runTo(durationS + 1e-6);
  const { mark } = h.sim.sequenceState()!;
  const roomSize = scenario.roomSize ?? 2;
  const rooms = before.length;
  let behind = 0;
  for (let u = 0; u < mark.length; u++) {
    const room = Math.min(rooms - 1, Math.floor(u / roomSize));
    if (mark[u]! < before[room]!) behind++;
  }
  const t = h.result.totals;
  expect(behind, 'recipients missing a message accepted before the tail').toBe(0);
  expect(t.lostDeliveries, 'lost').toBe(0);
  expect(t.duplicateDeliveries, 'duplicates the application saw').toBe(0);
  expect(t.orderViolations, 'out of order').toBe(0);
  expect(t.deliveries).toBeLessThanOrEqual(t.expectedDeliveries);
  expect(t.deliveries).toBeGreaterThan(0.9 * t.expectedDeliveries);
  return h;
}

const base = {
  users: 2000,
  roomSize: 4,
  servers: 4,
  messagesPerUserPerMin: 30,
  durationS: 40,
  failureDetectionS: 3,
  // Clients notice a crash 3 s after it (heartbeats: no ping interval, a 3 s timeout), as the LB does.
  heartbeatIntervalS: 0,
  heartbeatTimeoutS: 3,
} as const;

describe('sequence numbers, recovery and idempotency: exactly once, in order', () => {
  it('through a pub/sub server crash (without recovery the crash loses messages)', () => {
    const scenario: ScenarioInput = {
      ...base,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    };
    const bare = new SimHarness(scenario).runTo(40).result.totals;
    expect(bare.lostDeliveries, 'the crash loses copies without the guarantees').toBeGreaterThan(0);
    const t = expectExactlyOnceInOrder(scenario).result.totals;
    expect(t.recoveredDeliveries, 'recovered').toBeGreaterThan(0);
    expect(t.recoveryReads).toBeGreaterThan(0);
    // Every recovery read is a real DB read.
    expect(t.dbReads).toBe(t.recoveryReads);
  });

  it('through a pub/sub server crash noticed by default heartbeats (20–45 s later)', () => {
    const { heartbeatIntervalS: _i, heartbeatTimeoutS: _t, ...rest } = base;
    const t = expectExactlyOnceInOrder({
      ...rest,
      durationS: 70,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    }).result.totals;
    expect(t.recoveredDeliveries, 'recovered after the late reconnects').toBeGreaterThan(0);
  });

  it('a quiet room recovers on reconnect, not only on the next message', () => {
    // One message a minute in one-to-one rooms: after the crash most rooms send nothing more for
    // a long while, so only the read on reconnect can bring the missed messages.
    const scenario: ScenarioInput = {
      ...base,
      users: 4000,
      roomSize: 2,
      messagesPerUserPerMin: 2,
      strategy: 'pubsub',
      timeline: [{ atS: 10, action: 'crash-server' }],
    };
    const t = expectExactlyOnceInOrder(scenario).result.totals;
    expect(t.recoveryReads, 'one read per reconnect at least').toBeGreaterThanOrEqual(t.reconnects);
  });

  it('through a consistent-hashing server crash', () => {
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 10, action: 'crash-server' }],
    });
  });

  it('through a ring scale-out: 0 lost, 0 duplicates seen, duplicates dropped > 0', () => {
    const t = expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 10, action: 'add-server' }],
    }).result.totals;
    expect(t.duplicatesDropped, 'dual-send copies dropped by (room, seq)').toBeGreaterThan(0);
  });

  it('through a scale-in and a broker crash with user and room topics', () => {
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'consistent-hashing',
      timeline: [{ atS: 8, action: 'remove-server' }],
    });
    expectExactlyOnceInOrder({
      ...base,
      strategy: 'pubsub',
      topic: 'room',
      timeline: [
        { atS: 8, action: 'crash-broker' },
        { atS: 9, action: 'recover-broker' },
      ],
    });
  });
});

describe('sequence numbers without recovery', () => {
  it('detect the gap a crash leaves, and do not hide the loss', () => {
    const h = new SimHarness({
      ...base,
      strategy: 'pubsub',
      sequenceNumbers: true,
      timeline: [{ atS: 10, action: 'crash-server' }],
    }).runTo(40);
    const t = h.result.totals;
    expect(t.lostDeliveries).toBeGreaterThan(0);
    expect(t.gapsDetected).toBeGreaterThan(0);
    expect(t.recoveryReads).toBe(0);
    h.expectConservation();
  });

  it('without idempotency the application sees the dual-send copies', () => {
    const t = new SimHarness({
      ...base,
      strategy: 'consistent-hashing',
      sequenceNumbers: true,
      timeline: [{ atS: 10, action: 'add-server' }],
    }).runTo(40).result.totals;
    expect(t.duplicatesDropped).toBe(0);
    expect(t.duplicateDeliveries).toBeGreaterThan(0);
  });
});

describe('traced messages carry their sequence number', () => {
  it('labels pushes, gaps and recovery fetches with the room sequence number', () => {
    const sim = new SimHarness({
      ...base,
      ...GUARANTEES,
      strategy: 'pubsub',
      tracedUsers: 2000,
      timeline: [{ atS: 2, action: 'crash-server' }],
    }).runTo(8).sim;
    const records = sim.drainTrace();
    const seqs = sim.traceSeqs();
    expect(seqs.length * 6).toBe(records.length);
    const { roomSeq } = sim.sequenceState()!;
    let pushes = 0;
    let recoveries = 0;
    for (let i = 0; i < seqs.length; i++) {
      const kind = records[i * 6]!;
      const user = records[i * 6 + 5]!;
      const room = Math.min(roomSeq.length - 1, Math.floor(user / base.roomSize));
      if (kind === 3 /* Push */) {
        pushes++;
        expect(seqs[i]).toBeGreaterThan(0);
        expect(seqs[i]).toBeLessThanOrEqual(roomSeq[room]!);
      }
      if (kind === 11 /* Recovery */) recoveries++;
    }
    expect(pushes).toBeGreaterThan(0);
    expect(recoveries).toBeGreaterThan(0);
  });
});

/**
 * Fuzz seed 127 (`npm run fuzz -- --runs 1 --seed 127`), as plain data: modulo hashing, sequence
 * numbers without recovery, 600 messages a user a minute in rooms of 7 with Zipf popularity. In
 * the hot room a sender's own message (marked on commit) runs more than 32 numbers past its mark,
 * so the window slides over messages still on their way; when one came, the client took it for a
 * duplicate and it was counted nowhere: 9 of 9,444 deliveries unaccounted at 0.25 s.
 */
const SEED_127: ScenarioInput = {
  strategy: 'modulo-hashing',
  seed: 3542391848,
  durationS: 0.5,
  users: 2351,
  servers: 16,
  pollIntervalS: 3.5983529416417235,
  pollJitterS: 0.1568070299484232,
  messagesPerUserPerMin: 600,
  roomSize: 7,
  vnodes: 18,
  timeline: [
    { atS: 0, action: 'recover-broker', server: 0 },
    { atS: 0, action: 'recover-broker' },
    { atS: 0.425, action: 'deploy' },
    { atS: 2.161, action: 'add-server' },
  ],
  networkRttMs: 3.5295074704945337,
  networkJitter: 0.12448099786842051,
  clientRttMs: 181.8934254321978,
  dbQueryMs: 8.723834000942864,
  dbConcurrency: 82,
  dbMaxQueue: 162,
  serverProcessingMs: 0.023197035740133674,
  connectSetupMs: 282.42509816361,
  brokerCapacityPerS: 2616.551663169915,
  brokerMaxQueue: 0,
  topic: 'room',
  lbPolicy: 'random',
  coordPropagationMs: 0,
  failureDetectionS: 0.9852512453109529,
  drainS: 2.9361580354218795,
  tracedUsers: 1,
  sequenceNumbers: true,
  ackTimeoutMs: 378.42081421207655,
  brokerReplicas: 4,
  partitions: 2,
  consumerCommit: 'before-processing',
  autoCommitIntervalMs: 861.936064362874,
  heartbeatIntervalS: 10.993287499764783,
  heartbeatTimeoutS: 3.458906764118577,
  reconnect: 'immediate',
  reconnectBaseMs: 4698.253727714349,
  reconnectMaxMs: 2506.2568378364513,
  reconnectJitter: 0,
  acceptPerS: 1240.5161254866516,
  listenBacklog: 86,
  slowConsumerMsgsPerS: 342.88838916695715,
  drainGraceS: 0.009674409136363157,
  drainCloseS: 106.23681053967874,
  terminationGraceS: 33.340229879869284,
  roomPopularity: 'zipf',
  zipfS: 0.5030516775946268,
};

describe('a message that slid out of the window before it came (pinned fuzz seed 127)', () => {
  it('a client that is not idempotent hands it over late: every delivery accounted', () => {
    expectConservedThroughout(SEED_127, 40, 'seed 127');
  });

  it('an idempotent client drops it as a duplicate: lost, exactly the copies the other client handed over', () => {
    const plain = expectConservedThroughout(SEED_127, 40, 'seed 127').totals;
    const idem = expectConservedThroughout(
      { ...SEED_127, idempotent: true },
      40,
      'seed 127, idempotent',
    ).totals;
    // Same transport, same copies: the only difference is what the client does with slid-out ones.
    expect(idem.expectedDeliveries).toBe(plain.expectedDeliveries);
    expect(idem.pendingDeliveries).toBe(plain.pendingDeliveries);
    expect(idem.lostDeliveries).toBeGreaterThan(0);
    expect(idem.lostDeliveries).toBe(plain.deliveries - idem.deliveries);
  });
});

/**
 * Fuzz seed 130 (`npm run fuzz -- --runs 1 --seed 130`), as plain data: the same slide at scale —
 * 184,438 users on one server capped at 333 connections, rooms of 10,000 with Zipf popularity,
 * sequence numbers without recovery. One copy that came after its number slid out was counted as
 * a duplicate and nowhere else: off by one of 10,387,730 at the end. (The Kafka and drain fields
 * the fuzz drew do not act under modulo hashing; kept so the scenario is the one that failed.)
 * About ten million events: checked once, at the end.
 */
const SEED_130: ScenarioInput = {
  strategy: 'modulo-hashing',
  seed: 933492167,
  durationS: 0.5,
  users: 184438,
  servers: 1,
  pollIntervalS: 1.2563110243196056,
  pollJitterS: 834.9911989601852,
  messagesPerUserPerMin: 1.936783463902892,
  roomSize: 10000,
  vnodes: 36,
  networkRttMs: 1.4930029574754835,
  networkJitter: 0.06069814461383294,
  clientRttMs: 65.4503535655096,
  dbQueryMs: 484.24349618678303,
  dbConcurrency: 100000,
  dbMaxQueue: 9521,
  serverProcessingMs: 0.01304728386166135,
  connectSetupMs: 60000,
  brokerCapacityPerS: 5933.342622202095,
  brokerMaxQueue: 48,
  lbPolicy: 'random',
  coordPropagationMs: 24.668321872791605,
  failureDetectionS: 0.698838071215196,
  drainS: 6.97281408231698,
  tracedUsers: 172,
  sequenceNumbers: true,
  ackTimeoutMs: 6.867272175785326,
  broker: 'kafka',
  brokerReplicas: 1,
  clusterPublish: 'spublish',
  partitions: 3,
  consumerCommit: 'before-processing',
  autoCommitIntervalMs: 177.21983071767835,
  heartbeatIntervalS: 0.00848134220937503,
  heartbeatTimeoutS: 24.364806321908176,
  reconnectBaseMs: 0,
  reconnectMaxMs: 15206.88884550584,
  reconnectJitter: 0,
  acceptPerS: 17671.059581446676,
  listenBacklog: 68,
  maxConnectionsPerServer: 333,
  slowConsumerMsgsPerS: 18.104947972840336,
  drain: 'kill',
  drainGraceS: 742.6002748313188,
  drainCloseS: 70.92892743732563,
  terminationGraceS: 75.86550524803499,
  roomPopularity: 'zipf',
  zipfS: 0.7397832994857889,
};

describe('the same slide at scale (pinned fuzz seed 130)', () => {
  it('every delivery accounted at the end', { timeout: 60_000 }, () => {
    const t = expectConservedThroughout(SEED_130, 1, 'seed 130').totals;
    // One server holds at most 333 connections: nearly every copy finds its recipient offline.
    expect(t.lostDeliveries).toBeGreaterThan(0.9 * t.expectedDeliveries);
  });
});

/**
 * Fuzz seed 267 (`npm run fuzz -- --runs 1 --seed 267`), as plain data: modulo hashing, sequence
 * numbers with DB recovery, a Zipf-hot room of 4 and a DB of 4 connections. A recovery read brings
 * messages whose pushed copies are still on their way; such a copy, when it comes, is a duplicate
 * (the read delivered the message), not "the only copy" of a number that slid out of the window.
 * Counted as a second delivery, it drove pending to −308 (a regression of the seed 127 fix, caught
 * by the wider hunt).
 */
const SEED_267: ScenarioInput = {
  strategy: 'modulo-hashing',
  seed: 4165041464,
  durationS: 21.368,
  users: 7796,
  servers: 32,
  pollIntervalS: 0.001,
  messagesPerUserPerMin: 2.795538339675865,
  roomSize: 4,
  vnodes: 141,
  networkRttMs: 0,
  networkJitter: 0.3137622646968455,
  clientRttMs: 30.72713497399186,
  dbQueryMs: 1.829183430413876,
  dbConcurrency: 4,
  dbMaxQueue: 3831,
  serverProcessingMs: 0.4266928834113696,
  connectSetupMs: 18.253155179247624,
  brokerCapacityPerS: 1538.5661335171824,
  brokerMaxQueue: 14,
  brokerShards: 12,
  topic: 'room',
  lbPolicy: 'round-robin',
  coordPropagationMs: 0,
  failureDetectionS: 1.635125702084779,
  drainS: 7.713760027192,
  tracedUsers: 5,
  sequenceNumbers: true,
  recovery: 'db',
  ackTimeoutMs: 3151.816914581215,
  brokerReplicas: 4,
  clusterPublish: 'spublish',
  partitions: 1,
  autoCommitIntervalMs: 166.11815780382454,
  heartbeatIntervalS: 24.646025958667284,
  heartbeatTimeoutS: 17.73025738803994,
  reconnect: 'immediate',
  reconnectBaseMs: 0,
  reconnectMaxMs: 0,
  reconnectJitter: 0.10727329684986586,
  acceptPerS: 905.1976320563623,
  listenBacklog: 789975,
  maxConnectionsPerServer: 1030194,
  slowConsumerMsgsPerS: 39.615208515761516,
  drain: 'kill',
  drainGraceS: 3600,
  drainCloseS: 2389.2846854324957,
  terminationGraceS: 47.3014894313791,
  roomPopularity: 'zipf',
  zipfS: 1.327064341324662,
};

describe('a pushed copy after a recovery read brought its message (pinned fuzz seed 267)', () => {
  it('is a duplicate: never more deliveries than expected, every delivery accounted', () => {
    // Found when jitter alone reordered one connection's messages (false gaps, then a recovery
    // read racing the pushes). Connections keep their order now, so this seed no longer reaches
    // that race; it stays as a conservation regression. The race itself (a recovery read on
    // reconnect meeting pushes in flight) is covered by logRecovery.test.ts's crash runs.
    const t = expectConservedThroughout(SEED_267, 40, 'seed 267').totals;
    expect(t.deliveries).toBeLessThanOrEqual(t.expectedDeliveries);
  });
});

describe('a recovery log over its byte budget keeps a sample of rooms', () => {
  it('reads in the other rooms deliver untimed: every latency is a real one, every delivery accounted', () => {
    // 4,000 users in rooms of 4 (1,000 rooms) want 120 s of messages each; a 20 KB log holds a
    // few rooms' worth, so it keeps every stride-th room. A crash makes its clients recover.
    const durationS = 30;
    const h = new SimHarness(
      {
        strategy: 'consistent-hashing',
        users: 4000,
        roomSize: 4,
        servers: 4,
        messagesPerUserPerMin: 20,
        durationS,
        heartbeatIntervalS: 0,
        heartbeatTimeoutS: 3,
        ...GUARANTEES,
        timeline: [{ atS: 10, action: 'crash-server' }],
      },
      { roomLogBytes: 20_000 },
    ).runTo(durationS + 1e-6);
    h.expectConservation();
    const t = h.result.totals;
    expect(t.recoveredDeliveries).toBeGreaterThan(0);
    expect(t.latencyUnsampled).toBeGreaterThan(0);
    expect(t.deliveries).toBeLessThanOrEqual(t.expectedDeliveries);
    // End to end, no message can have taken longer than the run.
    expect(h.result.latencyMs.max).toBeLessThanOrEqual(durationS * 1000);
  });
});

describe('a sender more than the window behind its own room (pinned fuzz seed 32)', () => {
  it('its own message does not slide its window over messages it never had', () => {
    // 160 messages a second per room and a 131 ms client hop with jitter: a sender is often more
    // than 32 messages behind when its own message commits. Taking it into the window slid the
    // window over messages the client never had; their copies then came as "duplicates".
    const h = new SimHarness({
      strategy: 'pubsub',
      users: 489,
      roomSize: 16,
      servers: 6,
      messagesPerUserPerMin: 600,
      clientRttMs: 262,
      networkRttMs: 6,
      networkJitter: 0.32,
      topic: 'room',
      durationS: 3,
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
    }).runTo(3);
    const t = h.result.totals;
    // No resends or replays here: a dropped copy can only be one a recovery read brought first.
    expect(t.redeliveries).toBe(0);
    expect(t.duplicatesDropped).toBeLessThanOrEqual(t.recoveredDeliveries);
    expect(t.deliveries).toBeGreaterThan(0.8 * t.expectedDeliveries);
    expect(t.lostDeliveries).toBe(0);
  });
});
