import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScenario, parseSimArgs } from './args';

const DIR = join(__dirname, '..', '..', 'scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('the example scenarios shipped in scenarios/', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s validates as the CLI reads it', (f) => {
    const path = join(DIR, f);
    const s = buildScenario(parseSimArgs(['--scenario', path]), readFileSync(path, 'utf8'));
    expect(s.users).toBeGreaterThanOrEqual(2);
  });

  it('every scenarios/ file the README names is shipped', () => {
    const readme = readFileSync(join(DIR, '..', 'README.md'), 'utf8');
    const named = [...readme.matchAll(/scenarios\/([\w.-]+\.json)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(files).toContain(n);
  });
});
