import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, normalizeScenario } from '../../bridge/engine';
import { QUEUED_OVERHEAD_BYTES } from '../../engine/mechanisms/backpressure';
import {
  connectionsNA,
  detectionWindowS,
  harmonic,
  hottestRoomShare,
  outputBufferLimitsNA,
  outputBufferNA,
  QUEUED_BYTES_OVERHEAD,
  roomCount,
  secondsToHardLimit,
  slowReadsNote,
} from './logic';

describe('Failures & capacity arithmetic (MECHANISMS.md)', () => {
  it('Socket.IO defaults: a silent server is noticed 20–45 s after, 32.5 s on average', () => {
    expect(detectionWindowS(DEFAULT_SCENARIO)).toEqual({ min: 20, max: 45, mean: 32.5 });
    expect(detectionWindowS({ heartbeatIntervalS: 10, heartbeatTimeoutS: 5 })).toEqual({
      min: 5,
      max: 15,
      mean: 10,
    });
  });

  it('a backlog growing 1,000 msg/s passes the 32 MiB hard limit after about 35.6 s', () => {
    expect(QUEUED_BYTES_OVERHEAD).toBe(QUEUED_OVERHEAD_BYTES);
    expect(secondsToHardLimit(DEFAULT_SCENARIO, 1000)).toBeCloseTo(35.6, 1);
    expect(secondsToHardLimit(DEFAULT_SCENARIO, 0)).toBe(Infinity);
  });

  it('the hottest Zipf room gets 1 / H(rooms, s)', () => {
    expect(harmonic(3, 1)).toBeCloseTo(1 + 1 / 2 + 1 / 3, 12);
    const s = normalizeScenario({ users: 1000, roomSize: 2, zipfS: 1 });
    expect(roomCount(s)).toBe(500);
    expect(hottestRoomShare(s)).toBeCloseTo(1 / harmonic(500, 1), 12);
    expect(roomCount({ users: 1001, roomSize: 10 })).toBe(101);
  });

  it('says when a setting does nothing', () => {
    expect(connectionsNA({ strategy: 'polling' })).toMatch(/Polling keeps no connection/);
    expect(connectionsNA({ strategy: 'pubsub' })).toBeNull();
    expect(outputBufferNA({ strategy: 'consistent-hashing' })).toMatch(/Only Pub\/Sub/);
    expect(outputBufferNA({ strategy: 'pubsub' })).toBeNull();
    // Kafka-like consumers pull: slow consumers apply, output-buffer limits do not.
    expect(outputBufferNA({ strategy: 'pubsub' })).toBeNull();
    expect(outputBufferLimitsNA({ strategy: 'pubsub', broker: 'kafka' })).toMatch(/never cut off/);
    expect(outputBufferLimitsNA({ strategy: 'pubsub', broker: 'redis' })).toBeNull();
    expect(outputBufferLimitsNA({ strategy: 'polling', broker: 'redis' })).toMatch(/Only Pub\/Sub/);
  });

  it('says where a slow consumer’s excess goes: the output buffer under Redis, the log under Kafka', () => {
    expect(slowReadsNote({ broker: 'redis' })).toMatch(/output buffer/);
    expect(slowReadsNote({ broker: 'kafka' })).toMatch(/wait in the log/);
    expect(slowReadsNote({ broker: 'kafka' })).not.toMatch(/output buffer/);
  });
});
