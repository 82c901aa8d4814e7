import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, scenarioSchema } from '../engine/scenario';
import {
  buildScenario,
  CliError,
  kebabCase,
  parseAt,
  parseSimArgs,
  parseStrictNumber,
  scenarioFlags,
  simUsage,
} from './args';

/** Runs `fn` and returns the CliError it throws. */
function cliError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

const build = (argv: string[], file?: string) => buildScenario(parseSimArgs(argv), file);

describe('scenario flags', () => {
  it('derives one kebab-case flag for every scenario field', () => {
    const flags = scenarioFlags();
    expect(flags.map((f) => f.key).sort()).toEqual(Object.keys(scenarioSchema.shape).sort());
    expect(kebabCase('messagesPerUserPerMin')).toBe('messages-per-user-per-min');
    const byKey = new Map(flags.map((f) => [f.key, f]));
    expect(byKey.get('pollIntervalS')?.flag).toBe('poll-interval-s');
    expect(byKey.get('pollIntervalS')?.aliases).toEqual(['poll-interval']);
    expect(byKey.get('durationS')?.aliases).toEqual(['duration']);
    expect(byKey.get('dbQueryMs')?.aliases).toEqual(['db-query']);
    // A rate keeps its unit: `--broker-capacity-per` would read as nonsense.
    expect(byKey.get('brokerCapacityPerS')?.aliases).toEqual([]);
  });

  it('accepts every field as a flag, canonical and short forms alike', () => {
    const s = build([
      '--strategy',
      'pubsub',
      '--users',
      '100000',
      '--poll-interval',
      '5',
      '--duration',
      '120',
      '--seed',
      '7',
      '--messages-per-user-per-min',
      '2.5',
      '--room-size',
      '5',
      '--db-query-ms',
      '0.8',
      '--db-concurrency=64',
      '--topic',
      'room',
      '--lb-policy',
      'round-robin',
      '--broker-capacity-per-s',
      '5e5',
    ]);
    expect(s).toMatchObject({
      strategy: 'pubsub',
      users: 100000,
      pollIntervalS: 5,
      durationS: 120,
      seed: 7,
      messagesPerUserPerMin: 2.5,
      roomSize: 5,
      dbQueryMs: 0.8,
      dbConcurrency: 64,
      topic: 'room',
      lbPolicy: 'round-robin',
      brokerCapacityPerS: 500000,
    });
    expect(build(['--poll-interval-s', '3', '--duration-s', '9'])).toMatchObject({
      pollIntervalS: 3,
      durationS: 9,
    });
  });

  it('takes the delivery-guarantee fields like every other field', () => {
    expect(
      build([
        '--sequence-numbers',
        '--recovery',
        'db',
        '--idempotent',
        '--ack-timeout-ms',
        '500',
        '--partitions',
        '6',
        '--consumer-commit',
        'before-processing',
        '--hold-timeout',
        '20',
      ]),
    ).toMatchObject({
      sequenceNumbers: true,
      recovery: 'db',
      idempotent: true,
      ackTimeoutMs: 500,
      partitions: 6,
      consumerCommit: 'before-processing',
      holdTimeoutS: 20,
    });
  });

  it('fills every unset field with its default', () => {
    expect(build([])).toEqual(DEFAULT_SCENARIO);
  });

  it('takes a JSON timeline through --timeline', () => {
    const s = build(['--timeline', '[{"atS":5,"action":"remove-server","server":1}]']);
    expect(s.timeline).toEqual([{ atS: 5, action: 'remove-server', server: 1 }]);
  });
});

describe('scenario file and overrides', () => {
  const file = JSON.stringify({
    strategy: 'modulo-hashing',
    users: 500,
    servers: 3,
    timeline: [{ atS: 10, action: 'add-server' }],
  });

  it('reads the file and lets flags override it', () => {
    const s = build(['--scenario', 'x.json', '--users', '800'], file);
    expect(s).toMatchObject({ strategy: 'modulo-hashing', users: 800, servers: 3 });
  });

  it('appends --at actions to the file timeline, sorted by time', () => {
    const s = build(['--scenario', 'x.json', '--at', '30:crash-server:2', '--at', '5:add-server'], file);
    expect(s.timeline).toEqual([
      { atS: 5, action: 'add-server' },
      { atS: 10, action: 'add-server' },
      { atS: 30, action: 'crash-server', server: 2 },
    ]);
  });

  it('the last of a repeated flag wins', () => {
    expect(build(['--users', '10', '--users', '20']).users).toBe(20);
  });
});

describe('--at', () => {
  it('parses SECONDS:ACTION and SECONDS:ACTION:SERVER', () => {
    expect(parseAt('60:add-server')).toEqual({ atS: 60, action: 'add-server' });
    expect(parseAt('30:crash-server:2')).toEqual({ atS: 30, action: 'crash-server', server: 2 });
    expect(parseAt('0.5:remove-server')).toEqual({ atS: 0.5, action: 'remove-server' });
  });

  it.each([
    ['60', /SECONDS:ACTION/],
    ['60:add-server:1:2', /SECONDS:ACTION/],
    ['soon:add-server', /time "soon"/],
    ['60:explode', /unknown action "explode"/],
    ['60:crash-server:two', /server "two"/],
    ['-1:add-server', /atS/],
    ['10:crash-server:1.5', /server/],
  ])('rejects %s naming the at field', (text, message) => {
    const e = cliError(() => parseSimArgs(['--at', text]));
    expect(e.field).toBe('at');
    expect(e.message).toMatch(/^at: /);
    expect(e.message).toMatch(message);
  });
});

describe('strict numbers', () => {
  it('accepts decimal and exponent forms only', () => {
    expect(parseStrictNumber('12')).toBe(12);
    expect(parseStrictNumber('-1.5')).toBe(-1.5);
    expect(parseStrictNumber('1e6')).toBe(1e6);
    expect(parseStrictNumber('.5')).toBe(0.5);
    for (const bad of ['12abc', '', ' ', '0x10', 'Infinity', 'NaN', '1,000', '1_000', '--5']) {
      expect(parseStrictNumber(bad)).toBeUndefined();
    }
  });
});

describe('bad input names the field', () => {
  it.each([
    [['--users', '12abc'], 'users', /^users: expected a number, got "12abc"$/],
    [['--users', '-5'], 'users', /^users: Too small/],
    [['--users', '1.5'], 'users', /^users: /],
    [['--strategy', 'carrier-pigeon'], 'strategy', /^strategy: /],
    [['--poll-interval', '0'], 'pollIntervalS', /^pollIntervalS: Too small/],
    [['--foo', '1'], '--foo', /^--foo: unknown flag/],
    [['users', '5'], 'users', /unexpected argument "users"/],
    [['--seed'], 'seed', /^seed: missing value after --seed$/],
    [['--scenario'], 'scenario', /^scenario: missing value/],
    [['--timeline', '[oops'], 'timeline', /^timeline: expected JSON/],
    [['--pretty=yes'], '--pretty', /takes no value/],
    [['--room-size', '50', '--users', '10'], 'roomSize', /^roomSize: /],
  ])('%j → %s', (argv, field, message) => {
    const e = cliError(() => build(argv));
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('reports malformed JSON, non-object JSON and unknown fields in the file', () => {
    const bad = cliError(() => build(['--scenario', 'b.json'], '{"users": 10,'));
    expect(bad.field).toBe('scenario');
    expect(bad.message).toMatch(/^scenario: b\.json is not valid JSON/);
    expect(bad.message).not.toContain('\n');

    expect(cliError(() => build(['--scenario', 'a.json'], '[1, 2]')).message).toMatch(
      /must hold a JSON object/,
    );

    const unknown = cliError(() => build(['--scenario', 'u.json'], '{"userz": 10}'));
    expect(unknown.field).toBe('userz');
    expect(unknown.message).toBe('userz: unknown field');

    const nested = cliError(() =>
      build(['--scenario', 'n.json'], '{"timeline": [{"atS": 1, "action": "nap"}]}'),
    );
    expect(nested.field).toBe('timeline.0.action');
  });
});

describe('help', () => {
  it('recognises --help and -h and lists every flag with its default', () => {
    expect(parseSimArgs(['--help']).help).toBe(true);
    expect(parseSimArgs(['-h']).help).toBe(true);
    const text = simUsage(DEFAULT_SCENARIO);
    for (const f of scenarioFlags()) expect(text).toContain(`--${f.flag}`);
    expect(text).toContain('--poll-interval-s, --poll-interval N');
    expect(text).toContain('--at SECONDS:ACTION');
  });
});
