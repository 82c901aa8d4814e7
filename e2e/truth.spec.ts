/**
 * Issue 9, "one source of truth": the controls always show what the engine runs, and the page
 * never stores a scenario that fails validation, however fast the clicks come.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';
import { VALIDATION, hook, nothingOwed, settled } from './engineState';

async function noticeTexts(page: Page): Promise<string[]> {
  return (await hook(page)).notices;
}

/** Waits for the engine's server count to settle and the field to show it. */
async function fieldMatchesEngine(page: Page, expected: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const h = await hook(page);
        return h.live && !h.live.migrating ? h.live.upServers : -1;
      },
      { timeout: 20_000 },
    )
    .toBe(expected);
  await expect(page.getByTestId('server-count')).toHaveText(String(expected));
}

test('+ then − within a second at 10K users (consistent hashing) records no -1 and later edits still run', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=consistent-hashing&users=10000');
  await waitSimTime(page, 3);
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.waitForTimeout(300);
  await page.getByRole('button', { name: 'Remove server' }).click();
  await expect.poll(async () => (await hook(page)).page.timeline.length).toBe(2);
  const h = await hook(page);
  expect(h.page.timeline.map((e) => e.action)).toEqual(['add-server', 'remove-server']);
  expect(h.page.timeline.every((e) => e.server === undefined || e.server >= 0)).toBe(true);
  await expect.poll(() => page.evaluate(() => location.search)).toContain('remove-server');
  expect(await page.evaluate(() => location.search)).not.toContain(':-1');
  // Both changes land (the remove waits for the add's migration): 4 → 5 → 4.
  await fieldMatchesEngine(page, 4);
  await expect(page.getByTestId('ring-panel')).not.toContainText('S-1');
  // A later edit is not refused, and the engine runs it (the controls show what runs).
  await page.getByRole('radio', { name: 'Pub/Sub' }).check();
  const after = await settled(page);
  expect(after.engine!.strategy).toBe('pubsub');
  expect(after.engine!.users).toBe(10_000);
  expect((await noticeTexts(page)).filter((n) => VALIDATION.test(n))).toEqual([]);
  expect(errors).toEqual([]);
});

test('two quick + clicks add exactly two servers and the field shows the engine’s count', async ({
  page,
}) => {
  await page.goto('./?strategy=consistent-hashing&users=10000');
  await waitSimTime(page, 2);
  const add = page.getByRole('button', { name: 'Add server' });
  await add.click();
  await add.click();
  await expect.poll(async () => (await hook(page)).page.timeline.length).toBe(2);
  await fieldMatchesEngine(page, 6);
  // The URL reproduces it: reopened, the run reaches the same six servers.
  await nothingOwed(page); // the URL is written at most every 150 ms
  await page.reload();
  await waitSimTime(page, 1);
  const h = await settled(page);
  expect(h.engine!.timeline.filter((e) => e.action === 'add-server')).toHaveLength(2);
  await fieldMatchesEngine(page, 6);
});

test('switching strategy clears the old run’s actions and says so', async ({ page }) => {
  await page.goto('./?strategy=modulo-hashing&users=10000');
  await waitSimTime(page, 1);
  await page.getByRole('button', { name: 'Add server' }).click();
  await fieldMatchesEngine(page, 5);
  await page.getByRole('radio', { name: 'Consistent hashing' }).check();
  await expect(page.getByTestId('notices')).toContainText('the 1 action of the previous run was cleared');
  const h = await settled(page);
  expect(h.page.timeline).toEqual([]);
  expect(h.engine!.timeline).toEqual([]);
  // One + in the new strategy gives five servers, not six.
  await waitSimTime(page, 1);
  await page.getByRole('button', { name: 'Add server' }).click();
  await fieldMatchesEngine(page, 5);
});

test('a double click on a server crashes that server only', async ({ page }) => {
  await page.goto('./?strategy=pubsub&users=2000');
  await waitSimTime(page, 1);
  // A double click: the second lands before any frame shows S1 down.
  await page.locator('[data-server="1"]').dblclick();
  await expect.poll(async () => (await hook(page)).live?.upServers).toBe(3);
  await page.waitForTimeout(500);
  const h = await hook(page);
  expect(h.page.timeline).toEqual([expect.objectContaining({ action: 'crash-server', server: 1 })]);
  expect(h.live!.upServers).toBe(3);
  await expect(page.getByTestId('server-count')).toHaveText('3');
});

test('compare mode: the left panel’s + acts on all five lanes now; the URL gets a rounded time and stays readable', async ({
  page,
}) => {
  await page.goto('./?strategy=polling&users=2000');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect
    .poll(async () => Number((await page.getByTestId('compare-time').textContent())?.match(/[\d.]+/)?.[0]))
    .toBeGreaterThan(2);
  await page.locator('.rail.left').getByRole('button', { name: 'Add server' }).click();
  await expect.poll(async () => (await hook(page)).compareServers).toBe(5);
  await expect(page.getByTestId('server-count')).toHaveText('5');
  const tl = (await hook(page)).page.timeline;
  expect(tl).toHaveLength(1);
  expect(tl[0]!.atS).toBeGreaterThan(2);
  await expect
    .poll(() => page.evaluate(() => location.search))
    .toMatch(/timeline=\d+(\.\d{1,3})?:add-server/);
  // Five lanes, one rule each, at the same moment.
  await expect(page.getByTestId('compare-chart-latency').locator('.cmp-rule')).toHaveCount(5);
  // Leaving compare mode: the share link is not percent-encoded, and the single run took the action.
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const search = await page.evaluate(() => location.search);
  expect(search).not.toMatch(/%3A|%2C/i);
  expect(search).toContain(':add-server');
  await settled(page);
  // The single run restarts with the action; until its `ready` arrives the old run (same
  // strategy, users and servers) is still the one reported, so wait for the new one.
  await expect.poll(async () => (await hook(page)).engine?.timeline.length).toBe(1);
  await waitSimTime(page, tl[0]!.atS + 0.5);
  await fieldMatchesEngine(page, 5);
});

test('unknown, duplicate and out-of-range URL keys each get a notice naming the key', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?tour=nope&step=99&mode=evil&users=10&users=1000000');
  const notices = page.getByTestId('notices');
  await expect(notices).toContainText('tour="nope"');
  await expect(notices).toContainText('step="99"');
  await expect(notices).toContainText('mode="evil"');
  await expect(notices).toContainText('users appears 2 times');
  const h = await settled(page);
  expect(h.engine!.users).toBe(10);
  expect(errors).toEqual([]);
});

test('a 60 KB query is answered with the page, and a long timeline travels compressed', async ({ page }) => {
  const junk = 'x'.repeat(60 * 1024);
  const res = await page.goto(`./?users=500&junk=${junk}`);
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('notices')).toContainText('"junk"');
  expect((await settled(page)).engine!.users).toBe(500);
  // 120 actions: the link stays short and reopens the same timeline.
  const actions = Array.from(
    { length: 120 },
    (_, i) => `${(i * 0.25 + 1).toFixed(3)}:${i % 2 ? 'remove' : 'add'}-server`,
  );
  await page.goto(`./?strategy=pubsub&users=500&timeline=${actions.join(',')}`);
  const h = await settled(page);
  expect(h.engine!.timeline).toHaveLength(120);
  await expect.poll(() => page.evaluate(() => location.search)).toContain('timeline=lz.');
  const search = await page.evaluate(() => location.search);
  expect(search.length).toBeLessThan(actions.join(',').length / 2);
  await page.reload();
  expect((await settled(page)).page.timeline).toEqual(h.page.timeline);
});

test('Open scenario… validates like the CLI and names the field; Save scenario… writes what Open reads', async ({
  page,
}, info) => {
  await page.goto('./?strategy=polling&users=1000');
  await settled(page);
  const menu = page.locator('details.export-menu');
  const showMenu = async () => {
    if (!(await menu.evaluate((d) => (d as HTMLDetailsElement).open)))
      await page.locator('summary', { hasText: 'Share' }).click();
  };
  const open = async (name: string, text: string) => {
    await showMenu();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open scenario…' }).click();
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  };
  await open('bad.json', '{"users": 0}');
  await expect(page.getByTestId('notices')).toContainText(
    'Could not open bad.json: users: Too small: expected number to be >=1',
  );
  expect((await hook(page)).page.users).toBe(1000); // unchanged
  const file = await readFile(new URL('../scenarios/crash-pubsub.json', import.meta.url), 'utf8');
  await open('crash-pubsub.json', file);
  // The file is read asynchronously: wait until the page holds it before asking for a settled engine.
  await expect.poll(async () => (await hook(page)).page.strategy).toBe('pubsub');
  const h = await settled(page);
  expect(h.engine).toMatchObject({ strategy: 'pubsub', users: 50_000 });
  expect(h.engine!.timeline).toEqual([{ atS: 20, action: 'crash-server', server: 2 }]);
  // Save: the downloaded file is the scenario the page shows.
  await showMenu();
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save scenario…' }).click();
  const path = info.outputPath('saved.json');
  await (await dl).saveAs(path);
  const saved = JSON.parse(await readFile(path, 'utf8'));
  expect(saved).toMatchObject({ strategy: 'pubsub', users: 50_000, roomSize: 5, messagesPerUserPerMin: 2 });
  expect(saved.timeline).toEqual([{ atS: 20, action: 'crash-server', server: 2 }]);
});

test('notices never cover the preset callout or the compare toolbar', async ({ page }) => {
  await page.goto('./?tour=nope');
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('menuitem').first().click();
  const callout = page.getByTestId('preset-watch');
  const notices = page.getByTestId('notices');
  await expect(callout).toBeVisible();
  await expect(notices).toBeVisible();
  const overlap = async (a: Awaited<ReturnType<typeof callout.boundingBox>>, b: typeof a) =>
    !!a && !!b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  expect(await overlap(await callout.boundingBox(), await notices.boundingBox())).toBe(false);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const toolbar = page.getByRole('toolbar', { name: 'Compare controls' });
  await expect(toolbar).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' })));
  expect(await overlap(await toolbar.boundingBox(), await notices.boundingBox())).toBe(false);
  await page.screenshot({ path: test.info().outputPath('notices-compare-1280.png') });
});

test('loading a preset and going on from a rewound moment say what became of the recorded actions', async ({
  page,
}) => {
  await page.goto('./?strategy=pubsub&users=1000');
  await waitSimTime(page, 2);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect.poll(async () => (await hook(page)).page.timeline.length).toBe(1);
  // Rewind before the action, then play: the action's future is discarded, and the page says so.
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect
    .poll(async () => (await hook(page)).live?.nowS ?? 99)
    .toBeLessThan((await hook(page)).page.timeline[0]!.atS);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('notices')).toContainText('taken after it was discarded');
  expect((await hook(page)).page.timeline).toEqual([]);
  // A preset replaces the scenario with its own actions.
  await waitSimTime(page, 1);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect.poll(async () => (await hook(page)).page.timeline.length).toBe(1);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('menuitem').first().click();
  await expect(page.getByTestId('notices')).toContainText("replaced by the preset's own");
  await settled(page);
});
