import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, normalizeScenario, ScenarioError } from './scenario';

const fieldOf = (input: unknown) => {
  try {
    normalizeScenario(input);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as Error).message).not.toMatch(/\n/);
    return (e as ScenarioError).field;
  }
};

describe('scenario validation', () => {
  it('fills every default', () => {
    expect(normalizeScenario({})).toEqual(DEFAULT_SCENARIO);
    expect(DEFAULT_SCENARIO).toMatchObject({
      strategy: 'polling',
      seed: 1,
      durationS: 60,
      users: 1000,
      servers: 4,
      pollIntervalS: 10,
    });
  });

  it('names the bad field in one line', () => {
    expect(fieldOf({ strategy: 'carrier-pigeon' })).toBe('strategy');
    expect(fieldOf({ users: -5 })).toBe('users');
    expect(fieldOf({ users: 1.5 })).toBe('users');
    expect(fieldOf({ colour: 'red' })).toBe('colour');
    expect(fieldOf({ timeline: [{ atS: 1, action: 'explode' }] })).toBe('timeline.0.action');
    expect(fieldOf([])).toBe('scenario');
    expect(fieldOf({ users: 3, roomSize: 5 })).toBe('roomSize');
  });

  it('rejects a timeline action naming a server that does not exist yet', () => {
    expect(fieldOf({ servers: 4, timeline: [{ atS: 3, action: 'crash-server', server: 4 }] })).toBe(
      'timeline.0.server',
    );
    // After an add-server, id 4 exists.
    expect(
      fieldOf({
        servers: 4,
        timeline: [
          { atS: 5, action: 'crash-server', server: 4 },
          { atS: 2, action: 'add-server' },
        ],
      }),
    ).toBeNull();
    expect(fieldOf({ brokerShards: 2, timeline: [{ atS: 1, action: 'crash-broker', server: 2 }] })).toBe(
      'timeline.0.server',
    );
  });
});

describe('delivery-guarantee fields', () => {
  it('default to the behaviour without them (MECHANISMS.md)', () => {
    expect(DEFAULT_SCENARIO).toMatchObject({
      sequenceNumbers: false,
      recovery: 'none',
      idempotent: false,
      delivery: 'at-most-once',
      ackTimeoutMs: 2000,
      broker: 'redis',
      brokerReplicas: 0,
      clusterPublish: 'publish',
      partitions: 12,
      retentionS: 3600,
      consumerCommit: 'after-processing',
      autoCommitIntervalMs: 5000,
      holdTimeoutS: 30,
    });
  });

  it('refuse recovery or idempotency without sequence numbers, naming the field', () => {
    expect(fieldOf({ recovery: 'db' })).toBe('recovery');
    expect(fieldOf({ idempotent: true })).toBe('idempotent');
    expect(fieldOf({ sequenceNumbers: true, recovery: 'db', idempotent: true })).toBeNull();
  });

  it('refuse a log recovery without a broker that keeps a log', () => {
    expect(fieldOf({ sequenceNumbers: true, recovery: 'log', broker: 'redis' })).toBe('recovery');
  });
});
