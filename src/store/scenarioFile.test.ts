import { describe, expect, it } from 'vitest';
import { normalizeScenario } from '../bridge/engine';
import { readScenarioText, scenarioFileText } from './scenarioFile';

describe('scenario files (Open scenario… / Save scenario…)', () => {
  it('names the bad field in one line, as the CLI does', () => {
    expect(() => readScenarioText('bad.json', '{"users": 0}')).toThrow(
      /^users: Too small: expected number to be >=1$/,
    );
    expect(() => readScenarioText('bad.json', '{"strategy": "carrier-pigeon"}')).toThrow(/^strategy: /);
    expect(() => readScenarioText('bad.json', '{"colour": "red"}')).toThrow(/^colour: unknown field$/);
    expect(() =>
      readScenarioText('bad.json', '{"timeline": [{"atS": 1, "action": "crash-server", "server": 9}]}'),
    ).toThrow(/^timeline\.0\.server: server 9 does not exist/);
  });

  it('says when the file is not JSON or not an object', () => {
    expect(() => readScenarioText('x.json', '{users: 5')).toThrow(
      /^scenario: x\.json is not valid JSON \(.*\)$/,
    );
    expect(() => readScenarioText('x.json', '[1, 2]')).toThrow('scenario: x.json must hold a JSON object');
    expect(() => readScenarioText('x.json', '{"users": 1, "roomSize": 1}')).toThrow(/^roomSize: /);
  });

  it('saves what it opens: a saved file reads back as the same scenario', () => {
    const s = normalizeScenario({
      strategy: 'consistent-hashing',
      users: 100_000,
      dbQueryMs: 2,
      timeline: [
        { atS: 10, action: 'add-server' },
        { atS: 20.5, action: 'crash-server', server: 1 },
      ],
    });
    const text = scenarioFileText(s);
    expect(JSON.parse(text)).toMatchObject({ strategy: 'consistent-hashing', users: 100_000, dbQueryMs: 2 });
    expect(JSON.parse(text)).not.toHaveProperty('networkRttMs'); // defaults stay out
    expect(readScenarioText('saved.json', text)).toEqual(s);
  });
});
