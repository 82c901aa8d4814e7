/**
 * Same answer in Node and the browser: the page's "Save result…" runs the scenario in the page's
 * engine worker (in Chromium) and the command line runs it in Node; the Results must be identical
 * (all but the wall time), for several strategies with same-instant and later timeline actions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Result } from '../src/engine/types';

interface Case {
  name: string;
  /** The page's query string. */
  query: string;
  /** The same scenario as command-line flags. */
  cli: string[];
}

const CASES: Case[] = [
  {
    name: 'polling with jitter, a server removed',
    query:
      'strategy=polling&users=2000&pollIntervalS=5&pollJitterS=1&durationS=25&seed=3&timeline=9:remove-server',
    cli: [
      '--strategy',
      'polling',
      '--users',
      '2000',
      '--poll-interval',
      '5',
      '--poll-jitter',
      '1',
      '--duration',
      '25',
      '--seed',
      '3',
      '--at',
      '9:remove-server',
    ],
  },
  {
    name: 'consistent hashing, add and crash at the same instant',
    query:
      'strategy=consistent-hashing&users=3000&servers=4&durationS=25&seed=8&timeline=10:add-server,10:crash-server:1',
    cli: [
      '--strategy',
      'consistent-hashing',
      '--users',
      '3000',
      '--servers',
      '4',
      '--duration',
      '25',
      '--seed',
      '8',
      '--at',
      '10:add-server',
      '--at',
      '10:crash-server:1',
    ],
  },
  {
    name: 'modulo hashing in rooms, a server added mid-run',
    query: 'strategy=modulo-hashing&users=2500&roomSize=5&durationS=20&seed=21&timeline=7.5:add-server',
    cli: [
      '--strategy',
      'modulo-hashing',
      '--users',
      '2500',
      '--room-size',
      '5',
      '--duration',
      '20',
      '--seed',
      '21',
      '--at',
      '7.5:add-server',
    ],
  },
  {
    name: 'pub/sub with room topics, a crash then a scale-out',
    query:
      'strategy=pubsub&users=2000&servers=3&roomSize=4&topic=room&durationS=25&seed=5&timeline=5:crash-server:0,12:add-server',
    cli: [
      '--strategy',
      'pubsub',
      '--users',
      '2000',
      '--servers',
      '3',
      '--room-size',
      '4',
      '--topic',
      'room',
      '--duration',
      '25',
      '--seed',
      '5',
      '--at',
      '5:crash-server:0',
      '--at',
      '12:add-server',
    ],
  },
];

function withoutWall(r: Result): Result {
  return { ...r, engine: { ...r.engine, wallMs: 0 } };
}

function cliResult(args: string[]): Result {
  const out = execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/sim.ts', ...args], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Result;
}

for (const c of CASES) {
  test(`Node = browser: ${c.name}`, async ({ page }) => {
    await page.goto(`./?${c.query}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
    await page.locator('summary', { hasText: 'Share' }).click();
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save result…' }).click(),
    ]);
    expect(dl.suggestedFilename()).toMatch(/^hopscope-result-.+-seed\d+\.json$/);
    const browser = JSON.parse(readFileSync(await dl.path(), 'utf8')) as Result;

    const node = cliResult(c.cli);
    // The scenario was read the same way from the link and from the flags…
    expect(browser.scenario).toEqual(node.scenario);
    // …and every number the run produced is the same, to the last bit.
    expect(browser.totals).toEqual(node.totals);
    expect(withoutWall(browser)).toEqual(withoutWall(node));
    // Not vacuous: the run did work and the timeline's actions happened.
    expect(browser.totals.deliveries).toBeGreaterThan(100);
    expect(browser.timeline.length).toBe(node.scenario.timeline.length);
    expect(browser.series.length).toBe(node.scenario.durationS);
  });
}
