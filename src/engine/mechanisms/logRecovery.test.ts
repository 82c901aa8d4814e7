import { describe, expect, it } from 'vitest';
import { expectConservedThroughout, SimHarness } from '../testing/harness';
import { normalizeScenario, type ScenarioInput } from '../scenario';
import { LOG_SEGMENTS } from './sequencing';

/**
 * `recovery: "log"` (MECHANISMS.md "Delivery guarantees"): with the Kafka-like broker, a client
 * that detects a gap or reconnects fetches `seq > last_seen` from the broker's retained log
 * instead of the DB. Checked per recipient from the clients' in-order marks, not from counters.
 */
const LOG = { broker: 'kafka', sequenceNumbers: true, recovery: 'log', idempotent: true } as const;

const base = {
  strategy: 'pubsub',
  users: 2000,
  roomSize: 4,
  servers: 4,
  messagesPerUserPerMin: 30,
  durationS: 40,
  failureDetectionS: 3,
  heartbeatIntervalS: 0,
  heartbeatTimeoutS: 3,
} as const;

/** Runs to the end; every recipient has every message accepted before the tail, once, in order. */
function expectExactlyOnceInOrder(scenario: ScenarioInput, tailS = 5): SimHarness {
  const durationS = scenario.durationS ?? 60;
  const h = new SimHarness(scenario).runTo(durationS - tailS);
  const before = h.sim.sequenceState()!.roomSeq;
  h.runTo(durationS + 1e-6);
  const { mark } = h.sim.sequenceState()!;
  const roomSize = scenario.roomSize ?? 2;
  let behind = 0;
  for (let u = 0; u < mark.length; u++) {
    const room = Math.min(before.length - 1, Math.floor(u / roomSize));
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

describe('recovery from the Kafka-like log: exactly once, in order', () => {
  it('through a server crash: the log, not the DB, serves the reads', { timeout: 180_000 }, () => {
    const scenario: ScenarioInput = { ...base, ...LOG, timeline: [{ atS: 10, action: 'crash-server' }] };
    const t = expectExactlyOnceInOrder(scenario).result.totals;
    expect(t.recoveredDeliveries, 'recovered').toBeGreaterThan(0);
    expect(t.recoveryReads).toBeGreaterThan(0);
    expect(t.recoveryReads, 'one read per reconnect at least').toBeGreaterThanOrEqual(t.reconnects);
  });

  it('through a scale-out (a server added mid-run)', { timeout: 180_000 }, () => {
    expectExactlyOnceInOrder({ ...base, ...LOG, timeline: [{ atS: 10, action: 'add-server' }] });
  });

  it(
    'through a scale-out then a crash, with room topics and commits before processing',
    { timeout: 180_000 },
    () => {
      const h = expectExactlyOnceInOrder({
        ...base,
        ...LOG,
        topic: 'room',
        consumerCommit: 'before-processing',
        timeline: [
          { atS: 8, action: 'add-server' },
          // S0, which holds users (the server just added holds none: pub/sub moves nobody).
          { atS: 12, action: 'crash-server', server: 0 },
        ],
      });
      // Before processing, the crash loses the in-flight batch at the consumer: the log brings it.
      expect(h.result.totals.recoveredDeliveries).toBeGreaterThan(0);
    },
  );
});

describe('recovery from the log loads the broker, not the DB', () => {
  const scenario: ScenarioInput = {
    ...base,
    broker: 'kafka',
    sequenceNumbers: true,
    idempotent: true,
    timeline: [{ atS: 10, action: 'crash-server' }],
  };
  const run = (recovery: 'none' | 'db' | 'log') =>
    new SimHarness({ ...scenario, recovery }).runTo(40).result.totals;

  it(
    'the DB reads are those of the run without recovery; with "db" every recovery read adds one',
    { timeout: 180_000 },
    () => {
      const none = run('none');
      const db = run('db');
      const log = run('log');
      expect(log.recoveryReads).toBeGreaterThan(0);
      // Push strategies read the DB for nothing else: the same (zero) as without recovery.
      expect(log.dbReads).toBe(none.dbReads);
      expect(db.dbReads - none.dbReads).toBe(db.recoveryReads);
      expect(db.dbReads).toBeGreaterThan(log.dbReads);
      expect(log.lostDeliveries).toBe(0);
      expect(db.lostDeliveries).toBe(0);
    },
  );

  it(
    'each log read takes one unit of its broker shard’s capacity, as a publish does',
    { timeout: 180_000 },
    () => {
      const capacity = 50_000;
      const h = new SimHarness({
        ...scenario,
        recovery: 'log',
        brokerShards: 2,
        brokerCapacityPerS: capacity,
      }).runTo(40);
      const t = h.result.totals;
      // The broker's own busy time, read from its shards (the model's internals, not a counter).
      const shards = (h.sim as unknown as { pubsub: { brokers: { workUs: number }[] } }).pubsub.brokers;
      const workUs = shards.reduce((sum, b) => sum + b.workUs, 0);
      expect(t.brokerDropped, 'nothing turned away').toBe(0);
      expect(t.recoveryReads).toBeGreaterThan(100);
      expect(workUs).toBeCloseTo(((t.brokerPublishes + t.recoveryReads) * 1e6) / capacity, 3);
    },
  );
});

describe('retention: the log forgets what is older than retentionS', () => {
  // One-to-one rooms, a server crash noticed 30 s later; the log keeps 5 s (deleted a segment at
  // a time): the messages the crashed server's clients missed early are gone when they come back.
  const scenario: ScenarioInput = {
    ...base,
    ...LOG,
    roomSize: 2,
    durationS: 60,
    heartbeatTimeoutS: 30,
    failureDetectionS: 30,
    timeline: [{ atS: 10, action: 'crash-server' }],
  };

  it(
    'messages older than retentionS cannot be recovered: lost, and every delivery accounted',
    { timeout: 180_000 },
    () => {
      const short = expectConservedThroughout({ ...scenario, retentionS: 5 }, 12, 'retention 5 s');
      expect(short.totals.lostDeliveries, 'expired before the clients came back').toBeGreaterThan(0);
      expect(short.totals.recoveredDeliveries, 'the recent ones are still there').toBeGreaterThan(0);
      const long = expectConservedThroughout(scenario, 12, 'retention 3600 s');
      expect(long.totals.lostDeliveries).toBe(0);
    },
  );

  it(
    'what is lost is what the crashed server’s clients missed before the retained segments',
    { timeout: 180_000 },
    () => {
      // Clients back at 40 s (crash at 10 s + 30 s) read at about 40 s: with retention R and
      // segments of R / 4, everything committed before ⌊(40 − R) / (R / 4)⌋ × R / 4 is gone. Each of
      // the crashed server's ~500 clients misses its partner's messages at 0.5 a second, so about
      // 0.5 × 500 × (that instant − 10 s) are lost, the rest recovered (R = 8 s: segments of 2 s,
      // deleted before 32 s: about 22 s × 250 = 5,500 lost).
      const R = 8;
      const seg = R / LOG_SEGMENTS;
      const t = new SimHarness({ ...scenario, retentionS: R, networkJitter: 0 }).runTo(60).result.totals;
      const crashed = 2000 / 4;
      const ratePerClient = 30 / 60;
      const goneBeforeS = Math.floor((40 - R) / seg) * seg;
      const expected = crashed * ratePerClient * (goneBeforeS - 10);
      expect(t.lostDeliveries).toBeGreaterThan(0.75 * expected);
      expect(t.lostDeliveries).toBeLessThan(1.25 * expected);
    },
  );
});

describe('scenario validation', () => {
  it(
    'accepts recovery "log" with the Kafka-like broker under pub/sub, and explains the rest',
    { timeout: 180_000 },
    () => {
      expect(() => normalizeScenario({ ...base, ...LOG })).not.toThrow();
      expect(() => normalizeScenario({ ...base, ...LOG, broker: 'redis' })).toThrow(/needs broker "kafka"/);
      expect(() => normalizeScenario({ ...base, ...LOG, strategy: 'consistent-hashing' })).toThrow(
        /needs strategy "pubsub"/,
      );
    },
  );
});

describe('a broker outage under log recovery', () => {
  it(
    'what the broker turned away never reached its log: lost for every recipient, every delivery accounted',
    { timeout: 180_000 },
    () => {
      const scenario: ScenarioInput = {
        ...base,
        ...LOG,
        topic: 'room',
        timeline: [
          { atS: 8, action: 'crash-broker' },
          { atS: 9, action: 'recover-broker' },
        ],
      };
      const r = expectConservedThroughout(scenario, 10, 'broker outage');
      const t = r.totals;
      expect(t.sendsFailed, 'publishes turned away while it was down').toBeGreaterThan(0);
      // Each failed send is one room message missing from the log: its roomSize − 1 recipients
      // lose it (besides any publishes queued in the broker when it died).
      expect(t.lostDeliveries).toBeGreaterThanOrEqual(t.sendsFailed * (base.roomSize - 1));
      expect(t.lostDeliveries).toBeLessThanOrEqual(t.sendsFailed * (base.roomSize - 1) * 1.05);
      expect(t.dbReads, 'the DB served no recovery').toBe(0);
    },
  );

  it('user topics, a long outage: every refused copy is lost once', { timeout: 180_000 }, () => {
    // 20,000 users at 30 a minute to three recipients each: 30,000 copies a second turned away
    // for 3 s, past the 65,536 refusals at which those no reader can still ask for are dropped.
    const r = expectConservedThroughout(
      {
        ...base,
        ...LOG,
        users: 20_000,
        durationS: 20,
        timeline: [
          { atS: 5, action: 'crash-broker' },
          { atS: 8, action: 'recover-broker' },
        ],
      },
      6,
      'user topics',
    );
    const t = r.totals;
    expect(t.brokerDropped).toBeGreaterThan(65_536);
    // One copy per dropped user-topic publish (and the few queued when the broker died).
    expect(t.lostDeliveries).toBeGreaterThanOrEqual(t.brokerDropped);
    expect(t.lostDeliveries).toBeLessThanOrEqual(t.brokerDropped * 1.05);
  });
});
