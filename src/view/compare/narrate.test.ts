import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../../content/compare';
import { compareDigest, describeCompareAction } from './narrate';

const report = (usersMoved: number) => ({
  atS: 19.25,
  action: 'add-server' as const,
  server: 4,
  usersMoved,
  reconnects: usersMoved,
  serversBefore: 4,
  serversAfter: 5,
});

describe('compare narration', () => {
  it('states who moves in each architecture on one scale event', () => {
    const s = describeCompareAction([
      { strategy: 'polling', users: 10_000, report: report(0) },
      { strategy: 'modulo-hashing', users: 10_000, report: report(8000) },
      { strategy: 'consistent-hashing', users: 10_000, report: report(2050) },
      { strategy: 'pubsub', users: 10_000, report: report(0) },
      { strategy: 'long-polling', users: 10_000, report: report(0) },
    ]);
    expect(s).toBe(
      'Server added in all five at 19.3 s; users who must move: Polling 0 (0 %), Simple hashing 8,000 (80 %), Consistent hashing 2,050 (21 %), Pub/Sub 0 (0 %), Long polling 0 (0 %).',
    );
  });
  it('digests latency and DB reads from the table', () => {
    const row = (strategy: CompareRow['strategy'], p50: number, reads: number): CompareRow => ({
      strategy,
      latencyP50Ms: p50,
      latencyP99Ms: p50,
      dbReadsPerS: reads,
      reconnectsLastScale: 0,
      brokerMsgsPerS: 0,
      lost: 0,
      duplicates: 0,
      movingParts: [],
    });
    expect(compareDigest([row('polling', 2460, 2000), row('pubsub', 20.8, 0)], 75.4)).toBe(
      'At 1:15: median latency Polling 2.5 s, Pub/Sub 21 ms; DB reads/s Polling 2,000.',
    );
  });
});
