import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, normalizeScenario } from '../bridge/engine';
import { formatQuery, formatTimeline, parseQuery, parseTimeline } from './url';

describe('parseQuery', () => {
  it('reads the fields DESIGN.md shows', () => {
    const { scenario, notices } = parseQuery(
      '?strategy=pubsub&users=100000&servers=4&pollIntervalS=10&seed=3',
    );
    expect(notices).toEqual([]);
    expect(scenario).toMatchObject({
      strategy: 'pubsub',
      users: 100_000,
      servers: 4,
      pollIntervalS: 10,
      seed: 3,
    });
    expect(scenario.vnodes).toBe(DEFAULT_SCENARIO.vnodes);
  });

  it('gives defaults and no notice for an empty query', () => {
    expect(parseQuery('')).toEqual({ scenario: DEFAULT_SCENARIO, notices: [] });
  });

  it.each([
    ['users=abc', 'users'],
    ['users=-5', 'users'],
    ['users=1.5', 'users'],
    ['users=', 'users'],
    ['users=1e99', 'users'],
    ['users=Infinity', 'users'],
    ['users=0x10', 'users'],
    ['strategy=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'strategy'],
    ['strategy=constructor', 'strategy'],
    ['pollIntervalS=0', 'pollIntervalS'],
    ['pollIntervalS=NaN', 'pollIntervalS'],
    ['servers=100000', 'servers'],
    ['seed=-1', 'seed'],
    ['roomSize=1', 'roomSize'],
    ['timeline=soon:add-server', 'timeline'],
    ['timeline=5:explode', 'timeline'],
    ['timeline=5:crash-server:999', 'timeline'],
  ])('replaces a hostile %s by its default with a notice', (q, field) => {
    const { scenario, notices } = parseQuery(`?${q}&servers=3`);
    // servers=… twice is also a duplicate key, named in its own notice.
    expect(notices).toHaveLength(field === 'servers' ? 2 : 1);
    expect(notices.every((n) => n.includes(field))).toBe(true);
    expect(scenario[field as keyof typeof scenario]).toEqual(
      field === 'servers'
        ? DEFAULT_SCENARIO.servers
        : DEFAULT_SCENARIO[field as keyof typeof DEFAULT_SCENARIO],
    );
    if (field !== 'servers') expect(scenario.servers).toBe(3); // the good fields survive
    expect(() => normalizeScenario(scenario)).not.toThrow();
  });

  it('ignores unknown and prototype-polluting keys with a notice', () => {
    const { scenario, notices } = parseQuery('?__proto__=1&constructor=2&users=50');
    expect(notices).toHaveLength(2);
    expect(scenario.users).toBe(50);
    expect(({} as Record<string, unknown>).users).toBeUndefined();
  });

  it('shrinks a room larger than the user count', () => {
    const { scenario, notices } = parseQuery('?users=10&roomSize=50');
    expect(notices[0]).toContain('roomSize');
    expect(scenario.users).toBe(10);
    expect(scenario.roomSize).toBe(2);
  });

  it('quotes long values shortened and survives a huge query', () => {
    const { notices } = parseQuery(`?strategy=${'x'.repeat(100_000)}`);
    expect(notices[0]!.length).toBeLessThan(200);
  });

  it('round-trips a scenario with a timeline through formatQuery', () => {
    const s = normalizeScenario({
      strategy: 'consistent-hashing',
      users: 20000,
      vnodes: 150,
      messagesPerUserPerMin: 2.5,
      topic: 'room',
      timeline: [
        { atS: 12.345678, action: 'add-server' },
        { atS: 30, action: 'crash-server', server: 2 },
      ],
    });
    const q = formatQuery(s);
    expect(q).toMatch(/^\?strategy=consistent-hashing&users=20000&servers=4&pollIntervalS=10/);
    expect(q).toContain('timeline=12.345678:add-server,30:crash-server:2');
    expect(q).toContain('topic=room');
    expect(q).not.toContain('lbPolicy'); // defaults beyond the headline fields stay out
    expect(parseQuery(q)).toEqual({ scenario: s, notices: [] });
  });

  it('round-trips the delivery-guarantee fields, booleans included', () => {
    const s = normalizeScenario({
      strategy: 'pubsub',
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      delivery: 'at-least-once',
      broker: 'kafka',
      partitions: 6,
    });
    const q = formatQuery(s);
    expect(q).toContain('sequenceNumbers=true');
    expect(parseQuery(q)).toEqual({ scenario: s, notices: [] });
    expect(parseQuery('?sequenceNumbers=1').scenario.sequenceNumbers).toBe(true);
    const bad = parseQuery('?sequenceNumbers=yes');
    expect(bad.scenario.sequenceNumbers).toBe(false);
    expect(bad.notices[0]).toMatch(/sequenceNumbers/);
  });
});

describe('parseTimeline', () => {
  it('reads time:action[:server] entries', () => {
    expect(parseTimeline('1:add-server,2.5:remove-server:3')).toEqual([
      { atS: 1, action: 'add-server' },
      { atS: 2.5, action: 'remove-server', server: 3 },
    ]);
    expect(parseTimeline('')).toEqual([]);
  });
});

describe('URL keys the page cannot use are named', () => {
  it.each([
    ['tour=nope&step=99', ['tour', 'step']],
    ['mode=evil', ['mode']],
    ['present=maybe', ['present']],
    ['embed=yes', ['embed']],
    ['step=2', ['step']],
    ['users=10&users=1000000', ['users']],
  ])('%s gets a notice naming %j', (q, keys) => {
    const { notices, scenario } = parseQuery(`?${q}`);
    expect(notices).toHaveLength(keys.length);
    keys.forEach((k, i) => expect(notices[i]).toContain(`${k}`));
    expect(() => normalizeScenario(scenario)).not.toThrow();
  });

  it('the first of duplicate keys wins', () => {
    const { scenario, notices } = parseQuery('?users=10&users=1000000');
    expect(scenario.users).toBe(10);
    expect(notices[0]).toMatch(/users appears 2 times/);
  });

  it('an out-of-range step of a real tour says which step opens', () => {
    const { notices } = parseQuery('?tour=polling&step=99');
    expect(notices.join(' ')).toMatch(/step="99" is not a step of this tour \(1–\d+\); using \d+/);
  });
});

describe('share links stay short', () => {
  it('compresses a long timeline and reads it back exactly', () => {
    const timeline = Array.from({ length: 200 }, (_, i) => ({
      atS: Math.round(i * 1.234 * 1000) / 1000,
      // Broker crashes and recoveries: the world takes any number of them (servers cap at 64).
      action: i % 2 ? ('recover-broker' as const) : ('crash-broker' as const),
    }));
    const s = normalizeScenario({ timeline });
    const q = formatQuery(s);
    expect(q).toContain('timeline=lz.');
    expect(q.length).toBeLessThan(formatTimeline(s.timeline).length / 2);
    const back = parseQuery(q);
    expect(back.notices).toEqual([]);
    expect(back.scenario).toEqual(s);
  });

  it('keeps a short timeline readable', () => {
    const s = normalizeScenario({ timeline: [{ atS: 8.158, action: 'crash-server', server: 2 }] });
    expect(formatQuery(s)).toContain('timeline=8.158:crash-server:2');
  });

  it('reports a damaged compressed timeline and keeps the rest', () => {
    const { scenario, notices } = parseQuery('?users=50&timeline=lz.%21%21%21');
    expect(scenario.users).toBe(50);
    expect(scenario.timeline).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('timeline');
  });

  it('reads a 60 KB query and says it was too long only past the limit', () => {
    const pad = 'x'.repeat(60_000);
    const { scenario, notices } = parseQuery(`?users=50&junk=${pad}`);
    expect(scenario.users).toBe(50);
    expect(notices).toEqual(['Ignored unknown URL parameter "junk".']);
    const long = parseQuery(`?users=50&junk=${'x'.repeat(70_000)}`);
    expect(long.notices[0]).toMatch(/KB long/);
  });
});
