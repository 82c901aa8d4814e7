import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type Scenario } from '../../bridge/engine';
import type { Summary } from '../../store/summary';
import { agreement, explainContext, formatValue, measured } from './measure';

const scen = (p: Partial<Scenario> = {}): Scenario => ({ ...structuredClone(DEFAULT_SCENARIO), ...p });
const sum = (p: Partial<Summary>): Summary => p as Summary;
const up = (n: number) =>
  Array.from({ length: n }, (_, id) => ({ id, state: 'up' as const, connections: 0, handledPerS: 0 }));

describe('explain: context and measured values', () => {
  it('counts the servers just before the last scale change', () => {
    const timeline = [
      {
        atS: 5,
        action: 'add-server' as const,
        server: 4,
        usersMoved: 0,
        reconnects: 0,
        serversBefore: 4,
        serversAfter: 5,
      },
      {
        atS: 8,
        action: 'crash-server' as const,
        server: 1,
        usersMoved: 0,
        reconnects: 0,
        serversBefore: 5,
        serversAfter: 4,
      },
      {
        atS: 12,
        action: 'add-server' as const,
        server: 5,
        usersMoved: 0,
        reconnects: 7,
        serversBefore: 4,
        serversAfter: 5,
      },
    ];
    const ctx = explainContext(scen({ servers: 4 }), sum({ servers: up(5), timeline }));
    expect(ctx.servers).toBe(5);
    expect(ctx.lastAction?.serversBefore).toBe(4);
    expect(ctx.lastAction?.atS).toBe(12);
    expect(measured('reconnects', sum({ timeline, reconnects: 99 })).value).toBe(7);
  });
  it('falls back to the scenario before the first frame', () => {
    expect(explainContext(scen({ servers: 6 }), null)).toEqual({ servers: 6 });
    expect(measured('db-reads', null).value).toBeNull();
  });
  it('measures shares and rates', () => {
    expect(measured('empty-polls', sum({ polls: 100, emptyPolls: 92 })).value).toBeCloseTo(0.92);
    expect(
      measured('latency-p50', sum({ latencyCount: 0, latencyP50Ms: 5, latencyWindowS: 5 })).value,
    ).toBeNull();
  });
  it('formats and compares with the formula', () => {
    expect(formatValue(2000, '/s')).toBe('2,000 /s');
    expect(formatValue(0.921, '%')).toBe('92.1 %');
    expect(formatValue(2500, 'ms')).toBe('2.50 s');
    expect(formatValue(null, '/s')).toBe('—');
    expect(agreement(1960, 2000)).toBe('within 2 % of the formula');
    expect(agreement(3000, 2000)).toBe('1.50× the formula');
    expect(agreement(0, 0)).toBe('matches');
    expect(agreement(null, 10)).toBe('');
  });
});
