/**
 * Model-based UI test (issue 9): a seeded random walker drives short sequences of real clicks and
 * keys — strategy, sliders (both ends included), + and −, crashing a server by clicking it and
 * restarting it, a rolling deploy (button or D), speed,
 * play/pause, presets, compare mode, rewind, reload from the URL — and after every step checks:
 *   - no page error and no validation notice;
 *   - the engine runs what the controls show (strategy, Users, starting servers);
 *   - the Servers field shows the engine's count of servers up;
 *   - the URL reopens the same scenario (checked on every reload step and at each sequence end);
 *   - no action in the scenario names server -1.
 * A failure prints its seed and the steps taken; pin it in PINNED_SEEDS. Reproduce one with
 * WALK_SEED=<seed> (WALK_SEQUENCES and WALK_STEPS change the budget).
 */
import { appendFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parseFigure } from './helpers';
import { VALIDATION, hook, nothingOwed, type HookState } from './engineState';

/**
 * Seeds that once failed, with the steps they need (kept as regression cases; run first).
 * 24493: strategy switch, then Step back while it was still disabled at t = 0 (the walk hung).
 * 24517 (6 steps, engine v2): − at 0.36 s removed S2, which a scripted entry removed later; the
 *   page refused the live action as invalid instead of dropping the pre-empted entry.
 * 24463: Room size → Home restarted the run, and Step back turned disabled between the walker's
 *   check and its click (the walk timed out on the click).
 * 24320: crash S2, then the reload read the address bar before its 150 ms write (CI only).
 */
const PINNED: { seed: number; steps: number; live?: boolean }[] = [
  { seed: 24493, steps: 4, live: false },
  { seed: 24517, steps: 6, live: false },
  { seed: 24463, steps: 4, live: false },
  { seed: 24320, steps: 4, live: false },
];

// A few hundred sequences in CI: about 6 minutes on a quiet 2-core machine; WALK_SEQUENCES=1000 for a longer hunt.
const SEQUENCES = Number(process.env.WALK_SEQUENCES ?? 200);
const STEPS = Number(process.env.WALK_STEPS ?? 4);
const ONE_SEED = process.env.WALK_SEED === undefined ? null : Number(process.env.WALK_SEED);
/** WALK_FIRST moves the window of seeds (a hunt beyond the ones CI runs). */
const BASE_SEED = 0x5eed + Number(process.env.WALK_FIRST ?? 0);

/** mulberry32: small, seedable, good enough to pick clicks. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof rng>;

const STRATEGIES = ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub', 'long-polling'] as const;
const STRATEGY_LABELS = ['Polling', 'Simple hashing', 'Consistent hashing', 'Pub/Sub', 'Long polling'];
const START_USERS = [10, 100, 1000, 10_000, 100_000];

function startUrl(r: Rng): string {
  const q = [`strategy=${r.pick(STRATEGIES)}`, `users=${r.pick(START_USERS)}`, `servers=${1 + r.int(6)}`];
  if (r.next() < 0.3) q.push(`roomSize=${r.pick([2, 3, 5])}`);
  if (r.next() < 0.2) q.push(`timeline=${(1 + r.int(3)).toString()}:add-server`);
  return `./?${q.join('&')}`;
}

const SCENARIO_KEYS = [
  'strategy',
  'users',
  'servers',
  'roomSize',
  'seed',
  'messagesPerUserPerMin',
  'pollIntervalS',
  'vnodes',
  'timeline',
] as const;
const pickScenario = (h: HookState) => Object.fromEntries(SCENARIO_KEYS.map((k) => [k, h.page[k]]));

/**
 * One random step; returns what it did (for the failure report). `live`: restart and deploy are
 * among the steps (issue 11); the pinned seeds predate them and walk without, so they replay the
 * same steps as when they failed.
 */
async function step(page: Page, r: Rng, live: boolean): Promise<string> {
  const h = await hook(page);
  const compare = h.mode === 'compare';
  const roll = r.int(live ? 108 : 100);
  if (roll >= 100) return liveStep(page, r, roll < 104 ? 'restart' : 'deploy', compare);
  if (roll < 14) {
    const i = r.int(STRATEGIES.length);
    if (r.next() < 0.5) {
      await page.keyboard.press(String(i + 1));
      return `key ${i + 1}`;
    }
    if (compare) return 'strategy (compare: skipped)';
    await page.getByRole('radio', { name: STRATEGY_LABELS[i], exact: true }).check();
    return `strategy ${STRATEGIES[i]}`;
  }
  if (roll < 36) {
    const names = ['Users', 'Messages per user per minute', 'Room size', 'Speed'];
    if (h.page.strategy === 'polling') names.push('Poll interval');
    if (h.page.strategy === 'long-polling') names.push('Hold timeout');
    if (h.page.strategy === 'consistent-hashing') names.push('Virtual nodes');
    if (compare) names.splice(names.indexOf('Speed'), 1); // compare has its own speed select
    const name = r.pick(names);
    const key = r.pick(['Home', 'End', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown']);
    const s = page.getByRole('slider', { name, exact: true });
    const presses = key.startsWith('Arrow') ? 1 + r.int(3) : 1;
    await s.focus();
    for (let k = 0; k < presses; k++) await s.press(key);
    await page
      .locator('body')
      .focus()
      .catch(() => undefined);
    return `${name} ${key}×${presses}`;
  }
  if (roll < 52) {
    const kb = r.next() < 0.4;
    const times = r.next() < 0.3 ? 2 : 1;
    for (let k = 0; k < times; k++) {
      if (kb) await page.keyboard.press('+');
      else await page.locator('.rail.left').getByRole('button', { name: 'Add server' }).click();
    }
    return `add ×${times}${kb ? ' (key)' : ''}`;
  }
  if (roll < 62) {
    const btn = page.locator('.rail.left').getByRole('button', { name: 'Remove server' });
    if (r.next() < 0.5 || compare) {
      if (await btn.isDisabled()) return 'remove (disabled)';
      await btn.click();
      return 'remove';
    }
    await page.keyboard.press('-');
    return 'remove (key)';
  }
  if (roll < 70) {
    if (compare) return 'crash (compare: skipped)';
    const up = page.locator('[data-server][data-state="up"]');
    const n = await up.count();
    if (n <= 1) return 'crash (none up)';
    const target = up.nth(r.int(n));
    const id = await target.getAttribute('data-server');
    await target.click({ timeout: 2000 }).catch(() => undefined);
    return `crash S${id}`;
  }
  if (roll < 75) {
    await page.keyboard.press(' ');
    return 'play/pause';
  }
  if (roll < 80) {
    if (compare) return 'preset (compare: skipped)';
    await page.getByRole('button', { name: 'Presets' }).click();
    const items = page.getByRole('menuitem');
    const n = await items.count();
    const i = r.int(n);
    await items.nth(i).click();
    return `preset #${i}`;
  }
  if (roll < 87) {
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    return compare ? 'leave compare' : 'enter compare';
  }
  if (roll < 93) {
    if (compare) return 'rewind (compare: skipped)';
    const back = page.getByRole('button', { name: 'Step back' });
    if (await back.isDisabled()) return 'step back (disabled)';
    try {
      await back.click({ timeout: 2000 });
    } catch (e) {
      // A run that restarts (e.g. after a settings change) disables Step back at t = 0: a click on
      // a button that just turned disabled does nothing, as for a person.
      if (await back.isDisabled()) return 'step back (disabled meanwhile)';
      throw e;
    }
    return 'step back';
  }
  return 'reload';
}

/** Restart a crashed server (its card, or the rail's button), or roll a deploy (button or D). */
async function liveStep(page: Page, r: Rng, kind: 'restart' | 'deploy', compare: boolean): Promise<string> {
  if (compare) return `${kind} (compare: skipped)`;
  const other = r.next() < 0.4;
  if (kind === 'deploy') {
    if (other) await page.keyboard.press('d');
    else await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    return `deploy${other ? ' (key)' : ''}`;
  }
  const down = page.locator('[data-server][data-state="crashed"]');
  const n = await down.count();
  if (n === 0) return 'restart (none down)';
  if (other) {
    const rail = page.locator('.rail.left').getByRole('button', { name: 'Restart crashed server' });
    if (await rail.isDisabled()) return 'restart (rail: disabled)';
    await rail.click();
    return 'restart (rail)';
  }
  const target = down.nth(r.int(n));
  const id = await target.getAttribute('data-server');
  await target.click({ timeout: 2000 }).catch(() => undefined);
  return `restart S${id}`;
}

async function check(page: Page, errors: string[], log: string[]): Promise<void> {
  expect(errors, 'page errors').toEqual([]);
  let h = await hook(page);
  expect(
    h.notices.filter((n) => VALIDATION.test(n)),
    'validation notices',
  ).toEqual([]);
  expect(
    h.page.timeline.every((e) => e.server === undefined || e.server >= 0),
    'no server -1',
  ).toBe(true);
  if (h.mode === 'compare') {
    await expect
      .poll(
        async () => {
          h = await hook(page);
          return (
            h.compareServers === null ||
            String(h.compareServers) === (await page.getByTestId('server-count').textContent())
          );
        },
        { timeout: 8000, intervals: [40], message: 'Servers field = compare lanes’ servers' },
      )
      .toBe(true);
    return;
  }
  // The engine runs what the controls show.
  await expect
    .poll(
      async () => {
        h = await hook(page);
        const e = h.engine;
        if (!e || !h.live) return 'no run yet';
        const p = h.page;
        // (Timelines differ by design: live actions join the page's timeline, not the running
        // scenario; the reload check below covers them.)
        return e.strategy === p.strategy && e.users === p.users && e.servers === p.servers
          ? 'ok'
          : `engine ${e.strategy}/${e.users}/${e.servers} page ${p.strategy}/${p.users}/${p.servers}`;
      },
      { timeout: 15_000, intervals: [40], message: `engine = controls after ${log.at(-1)}` },
    )
    .toBe('ok');
  // The Users control shows the users simulated.
  const usersText = await page
    .getByRole('slider', { name: 'Users', exact: true })
    .getAttribute('aria-valuetext');
  const shown = parseFigure(usersText ?? '');
  expect(
    Math.abs(shown - h.engine!.users) / h.engine!.users,
    `Users control "${usersText}" vs ${h.engine!.users}`,
  ).toBeLessThan(0.051);
  // The Servers field shows the engine's count of servers up.
  await expect
    .poll(
      async () => {
        const live = (await hook(page)).live;
        const field = await page.getByTestId('server-count').textContent();
        return live ? `${field}` === `${live.upServers}` : false;
      },
      { timeout: 5000, intervals: [40], message: 'Servers field = engine servers up' },
    )
    .toBe(true);
}

async function reloadSame(page: Page): Promise<void> {
  // The URL is written at most every 150 ms, after the engine answers an action: a person who
  // copies the link waits that long, so the walker waits until nothing is owed (a fixed sleep lost
  // the race on a busy CI machine: seed 24320).
  await nothingOwed(page);
  const { h, url } = await page.evaluate(() => ({
    h: (window as unknown as { __hopscope: { state(): HookState } }).__hopscope.state(),
    url: location.href,
  }));
  const before = pickScenario(h);
  expect(url).not.toMatch(/:-1\b/);
  await page.goto(url);
  await page.waitForFunction(() => 'hopscope' in window || '__hopscope' in window);
  expect(pickScenario(await hook(page)), 'the URL reopens the same scenario').toEqual(before);
}

async function walk(
  page: Page,
  seed: number,
  errors: string[],
  stepCount = STEPS,
  live = true,
): Promise<number> {
  const r = rng(seed);
  const log: string[] = [`goto ${startUrl(r)}`];
  const tg = Date.now();
  await page.goto(log[0]!.slice(5));
  if (process.env.WALK_PROGRESS) appendFileSync(process.env.WALK_PROGRESS, `goto ${Date.now() - tg} ms\n`);
  let steps = 0;
  try {
    await check(page, errors, log);
    for (let i = 0; i < stepCount; i++) {
      const t0 = Date.now();
      const what = await step(page, r, live);
      log.push(what);
      steps++;
      const t1 = Date.now();
      if (what === 'reload') await reloadSame(page);
      await check(page, errors, log);
      if (process.env.WALK_PROGRESS)
        appendFileSync(
          process.env.WALK_PROGRESS,
          `  ${what}: act ${t1 - t0} ms, check ${Date.now() - t1} ms\n`,
        );
    }
    // Every sequence ends with the URL reopening the same scenario (unless a step just did that).
    if (log.at(-1) !== 'reload' && (await hook(page)).mode === 'single') {
      await reloadSame(page);
      await check(page, errors, [...log, 'final reload']);
    }
  } catch (e) {
    const msg = `walker failed: seed ${seed} (reproduce: WALK_SEED=${seed}); steps:\n  ${log.join('\n  ')}`;
    console.error(msg);
    throw new Error(`${msg}\n${(e as Error).message}`, { cause: e });
  }
  return steps;
}

test.describe.configure({ mode: 'serial' });
// A control that never becomes clickable is a failure with its seed, not a 30-minute hang.
test.use({ actionTimeout: 5000 });

test('a seeded random walk keeps the controls and the engine in agreement', async ({ page }) => {
  const seeds: { seed: number; steps: number; live?: boolean }[] =
    ONE_SEED !== null
      ? // A pinned seed replays with the steps it failed with (without restart and deploy).
        [{ seed: ONE_SEED, steps: STEPS, live: PINNED.find((p) => p.seed === ONE_SEED)?.live }]
      : [...PINNED, ...Array.from({ length: SEQUENCES }, (_, i) => ({ seed: BASE_SEED + i, steps: STEPS }))];
  test.setTimeout(60_000 + seeds.length * 12_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  let steps = 0;
  for (const { seed, steps: n, live } of seeds) {
    const ts = Date.now();
    steps += await walk(page, seed, errors, n, live);
    // WALK_PROGRESS=file: one line per sequence, written as it goes (a long hunt can be watched).
    if (process.env.WALK_PROGRESS)
      appendFileSync(process.env.WALK_PROGRESS, `seed ${seed}: ${Date.now() - ts} ms\n`);
  }
  console.log(
    `walker: ${seeds.length} sequences, ${steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
});
