/**
 * The simulator page as a user meets it (issue 3), against the built site. Every number checked
 * here comes from a formula (users ÷ interval, N/(N+1), 1/(N+1)), never from a recorded run.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, metric, metricValue, slider, slideTo, waitSimTime } from './helpers';

test('opening a link shows its scenario in the controls', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(
    './?strategy=consistent-hashing&users=20000&servers=6&pollIntervalS=5&messagesPerUserPerMin=2&roomSize=5&vnodes=50&seed=7',
  );
  const strategy = page.getByRole('radiogroup', { name: 'Strategy' });
  await expect(strategy.getByRole('radio', { name: 'Consistent hashing' })).toBeChecked();
  await expect(slider(page, 'Users')).toHaveAttribute('aria-valuetext', '20.0K users');
  await expect(slider(page, 'Poll interval')).toHaveAttribute('aria-valuetext', 'every 5 s');
  await expect(slider(page, 'Messages per user per minute')).toHaveAttribute('aria-valuetext', '2/min');
  await expect(slider(page, 'Room size')).toHaveAttribute('aria-valuetext', '5 members');
  await expect(slider(page, 'Virtual nodes')).toHaveAttribute('aria-valuetext', '50/server');
  await expect(page.getByRole('textbox', { name: 'Seed' })).toHaveValue('7');
  await expect(page.getByTestId('server-count')).toHaveText('6');
  // Every user connects: the open-connection count reaches the user count.
  await expect.poll(() => metricValue(page, 'connections'), { timeout: 20_000 }).toBeGreaterThan(19_000);
  expect(errors).toEqual([]);
});

test('a bad value in the link becomes a notice and its default, not a blank page', async ({ page }) => {
  await page.goto('./?strategy=pubsub&users=banana&pollIntervalS=-3&servers=3');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
  await expect(page.getByRole('radio', { name: 'Pub/Sub' })).toBeChecked();
  const notices = page.locator('.notice');
  await expect(notices).toHaveCount(2);
  await expect(notices.nth(0)).toContainText('users');
  await expect(notices.nth(1)).toContainText('pollIntervalS');
  await expect(slider(page, 'Users')).toHaveAttribute('aria-valuetext', '1.0K users');
  await expect(page.getByTestId('server-count')).toHaveText('3');
  await waitSimTime(page, 1);
  // The address bar now holds the repaired scenario.
  await expect.poll(() => new URL(page.url()).searchParams.get('users')).toBe('1000');
});

test('each strategy shows its own components', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./');
  const stage = page.locator('svg.topo');
  const node = (kind: string) => stage.locator(`[data-node="${kind}"]`);
  const radio = (name: string) => page.getByRole('radio', { name, exact: true });

  await expect(radio('Polling')).toBeChecked();
  await expect(node('db')).toHaveCount(1);
  await expect(node('chat')).toHaveCount(1);
  await expect(node('lb')).toHaveCount(1);
  await expect(node('broker')).toHaveCount(0);
  await expect(node('coord')).toHaveCount(0);
  await expect(stage.locator('g.server')).toHaveCount(4);

  await radio('Simple hashing').check();
  await expect(node('coord')).toHaveCount(1);
  await expect(node('broker')).toHaveCount(0);
  await expect(page.getByTestId('ring-panel')).toContainText('hash(user) mod 4');
  await expect(page.locator('svg.ring rect.bucket')).toHaveCount(4);

  await radio('Consistent hashing').check();
  await expect(page.getByTestId('ring-panel')).toContainText('Hash ring');
  await expect(page.locator('svg.ring path.arc')).toHaveCount(4);

  await radio('Pub/Sub').check();
  await expect(node('broker')).toHaveCount(1);
  await expect(node('coord')).toHaveCount(0);
  await expect(page.getByTestId('ring-panel')).toHaveCount(0);

  // Keyboard: 1–5 pick strategies.
  await page.locator('body').press('1');
  await expect(radio('Polling')).toBeChecked();
  await page.locator('body').press('3');
  await expect(radio('Consistent hashing')).toBeChecked();
  await page.locator('body').press('5');
  await expect(radio('Long polling')).toBeChecked();
  expect(errors).toEqual([]);
});

test('with reduced motion, edges count messages instead of moving dots', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('./?strategy=pubsub');
  await expect(page.getByRole('list', { name: 'Message colours' })).toContainText(
    'reduced motion: counts per edge',
  );
  await waitSimTime(page, 1);
});

test('polling: DB reads per second follow users ÷ poll interval', async ({ page }) => {
  await page.goto('./?strategy=polling&users=1000&pollIntervalS=10');
  await slideTo(page, 'Speed', 5);
  await slideTo(page, 'Users', 20_000);
  // 20,000 users ÷ 10 s = 2,000 reads/s (well under the DB's 16 ÷ 1 ms = 16,000/s).
  await expect.poll(() => metricValue(page, 'db-reads'), { timeout: 30_000 }).toBeGreaterThan(2000 * 0.9);
  expect(await metricValue(page, 'db-reads')).toBeLessThan(2000 * 1.1);
  await expect(metric(page, 'db-reads')).toContainText('/s');

  await slideTo(page, 'Poll interval', 5);
  // 20,000 ÷ 5 s = 4,000 reads/s.
  await expect.poll(() => metricValue(page, 'db-reads'), { timeout: 30_000 }).toBeGreaterThan(4000 * 0.9);
  expect(await metricValue(page, 'db-reads')).toBeLessThan(4000 * 1.1);
  // Mean latency is about half the interval: p50 sits near 2.5 s, far above push latencies.
  await expect.poll(() => metricValue(page, 'latency-p50'), { timeout: 30_000 }).toBeGreaterThan(1);
  await expect(metric(page, 'latency-p50')).toContainText('s');
});

const USERS = 2000;
const N = 4;

async function addServerAndCountReconnects(page: import('@playwright/test').Page, strategy: string) {
  await page.goto(`./?strategy=${strategy}&users=${USERS}&servers=${N}`);
  await slideTo(page, 'Speed', 5);
  await expect.poll(() => metricValue(page, 'connections'), { timeout: 20_000 }).toBe(USERS);
  expect(await metricValue(page, 'reconnects')).toBe(0);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByTestId('server-count')).toHaveText(String(N + 1));
  const t0 = await metricValue(page, 'sim-time');
  // Long enough for failure-free migration to finish (drain window + reconnect backoff).
  await waitSimTime(page, t0 + 12, 40_000);
  return metricValue(page, 'reconnects');
}

test('simple hashing: adding a server makes most users reconnect (≈ N/(N+1))', async ({ page }) => {
  const reconnects = await addServerAndCountReconnects(page, 'modulo-hashing');
  const expected = (N / (N + 1)) * USERS; // 1,600
  expect(reconnects).toBeGreaterThan(expected * 0.85);
  expect(reconnects).toBeLessThan(expected * 1.15);
  await expect(page.getByTestId('ring-caption')).toContainText('expected N/(N+1) = 80.0 %');
});

test('consistent hashing: adding a server moves only a small slice (≈ 1/(N+1))', async ({ page }) => {
  const reconnects = await addServerAndCountReconnects(page, 'consistent-hashing');
  const expected = USERS / (N + 1); // 400
  expect(reconnects).toBeGreaterThan(expected * 0.5);
  expect(reconnects).toBeLessThan(expected * 1.5);
  await expect(page.getByTestId('ring-caption')).toContainText('expected 1/(N+1) = 20.0 %');
});

test('pub/sub: adding a server makes nobody reconnect', async ({ page }) => {
  const reconnects = await addServerAndCountReconnects(page, 'pubsub');
  expect(reconnects).toBe(0);
  await expect.poll(() => metricValue(page, 'connections')).toBe(USERS);
});

test('crashing a server: its users reconnect elsewhere', async ({ page }) => {
  await page.goto(`./?strategy=pubsub&users=${USERS}&servers=${N}`);
  await slideTo(page, 'Speed', 5);
  await expect.poll(() => metricValue(page, 'connections'), { timeout: 20_000 }).toBe(USERS);
  const server = page.getByRole('button', { name: 'Crash server 3' });
  await server.click();
  await expect(page.locator('svg.topo g.server[data-server="3"]')).toHaveAttribute('data-state', 'crashed');
  await expect(page.getByTestId('server-count')).toHaveText(String(N - 1));
  // Least-connections spreads users evenly, so the crashed server held about users ÷ N of them.
  await expect
    .poll(() => metricValue(page, 'reconnects'), { timeout: 40_000 })
    .toBeGreaterThan((USERS / N) * 0.8);
  expect(await metricValue(page, 'reconnects')).toBeLessThan((USERS / N) * 1.2);
  await expect.poll(() => metricValue(page, 'connections'), { timeout: 40_000 }).toBe(USERS);
  // The action is in the timeline, so the link reproduces it.
  expect(new URL(page.url()).searchParams.get('timeline')).toMatch(/crash-server:3$/);
});

test('play, pause, step and reset', async ({ page }) => {
  await page.goto('./?strategy=pubsub');
  await waitSimTime(page, 0.5);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.waitForTimeout(400); // a frame already on its way may still land
  const paused = await metricValue(page, 'sim-time');
  await page.waitForTimeout(700);
  expect(await metricValue(page, 'sim-time')).toBe(paused);
  // exact: the rewind bar's "Step back" also contains "Step".
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(paused);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeLessThan(paused + 0.05);
  // Space toggles play once focus is off the buttons (on a button, Space presses that button).
  await page.locator('.stage-story').click();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // + and − add and remove a server; → steps while paused.
  await page.keyboard.press('+');
  await expect(page.getByTestId('server-count')).toHaveText('5');
  await page.keyboard.press('-');
  await expect(page.getByTestId('server-count')).toHaveText('4');
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.waitForTimeout(400);
  const before = await metricValue(page, 'sim-time');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(before);
});

test('reloading the URL brings back the same settings', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('radio', { name: 'Simple hashing' }).check();
  await slideTo(page, 'Users', 50_000);
  await slideTo(page, 'Messages per user per minute', 5);
  await expect.poll(() => new URL(page.url()).searchParams.get('users')).toBe('50000');
  await expect.poll(() => new URL(page.url()).searchParams.get('messagesPerUserPerMin')).toBe('5');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Simple hashing' })).toBeChecked();
  await expect(slider(page, 'Users')).toHaveAttribute('aria-valuetext', '50.0K users');
  await expect(slider(page, 'Messages per user per minute')).toHaveAttribute('aria-valuetext', '5/min');
  const q = new URL(page.url()).searchParams;
  expect(q.get('strategy')).toBe('modulo-hashing');
  expect(q.get('messagesPerUserPerMin')).toBe('5');
});
