/**
 * Numbers that agree (issue 9, items 3–6): overload shown where losses are, one window per metric
 * named on tile and legend, a warm-up cue, and a back-of-the-envelope card that predicts the chart.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, metric, parseFigure, waitSimTime } from './helpers';

async function pause(page: Page) {
  const b = page.getByRole('button', { name: 'Pause', exact: true });
  if (await b.isVisible()) await b.click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  // Let the tiles (≤ 10 Hz) and the charts (≤ 4 Hz) both catch up with the last frame.
  await page.waitForTimeout(800);
}

const legend = (page: Page, chart: string) => page.locator(`figure[data-chart="${chart}"] figcaption`);

test('overload is shown beside the losses: failed sends, the DB queue and its wait', async ({ page }) => {
  const errors = collectErrors(page);
  // 1 M users writing 2 a minute is 33 K writes/s against a DB of 16 K/s.
  await page.goto('./?strategy=pubsub&users=1000000&messagesPerUserPerMin=2');
  await expect(page.getByTestId('envelope-db-writes')).toContainText('DB 208 % busy');
  await expect(page.getByTestId('envelope-db-writes')).toContainText('overloaded');
  await waitSimTime(page, 2, 60_000);
  const sub = page.getByTestId('metric-lost-sub');
  await expect(sub).toContainText(/DB queue [\d.]+K \([\d.]+ m?s\)/);
  await expect(sub).toContainText(/[\d.]+K? sends failed/);
  // The Lost tile turns to the alarm colour even while no delivery has been lost yet.
  await expect(page.locator('.tile', { has: metric(page, 'lost') })).toHaveClass(/\bbad\b/);
  expect(errors).toEqual([]);
});

test('a load past 999 % reads as a multiple, never a capped percentage', async ({ page }) => {
  // 200 K users polling every second: (200 K + 3.3 K writes)/s over 16 K/s ≈ ×12.7.
  await page.goto('./?strategy=polling&users=200000&pollIntervalS=1');
  await expect(page.getByTestId('envelope-db-load').locator('dd')).toHaveText('×12.7');
});

test('tile and legend show one value over one named window', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=10000');
  await waitSimTime(page, 6);
  await pause(page);
  const tileP50 = (await metric(page, 'latency-p50').textContent())!.replace(/\s+/g, ' ').trim();
  const tileWindow = (await page.getByTestId('metric-latency-p50-sub').textContent())!;
  const cap = (await legend(page, 'latency').textContent())!;
  expect(tileWindow).toMatch(/last \d+ s/);
  // The legend names the same window and prints the same p50.
  expect(cap).toContain(tileWindow);
  expect(cap).toContain(`p50 ${tileP50}`);
  const tileP99 = (await metric(page, 'latency-p99').textContent())!.replace(/\s+/g, ' ').trim();
  expect(cap).toContain(`p99 ${tileP99}`);
  // DB rates: the last whole second on both.
  await expect(page.getByTestId('metric-db-reads-sub')).toContainText('last 1 s');
  await expect(legend(page, 'db')).toContainText('last 1 s');
  expect(errors).toEqual([]);
});

test('with nothing delivered yet, tile and legend both say so ("—")', async ({ page }) => {
  await page.goto('./?strategy=pubsub&users=10&messagesPerUserPerMin=0.01');
  await waitSimTime(page, 2);
  await pause(page);
  await expect(metric(page, 'latency-p50')).toContainText('—');
  await expect(legend(page, 'latency')).toContainText('p50 —');
  await expect(legend(page, 'latency')).toContainText('p99 —');
  await expect(legend(page, 'latency')).not.toContainText('0.00 ms');
});

test('a warm-up cue until one poll interval and one window have passed', async ({ page }) => {
  await page.goto('./?strategy=polling&users=1000&pollIntervalS=2');
  const sub = page.getByTestId('metric-latency-p50-sub');
  await expect(sub).toHaveText('warm-up → 7 s');
  await expect(page.locator('.tile', { has: metric(page, 'latency-p50') })).toHaveClass(/\bwarming\b/);
  await waitSimTime(page, 7.5);
  await expect(sub).toHaveText(/^last 5 s$/);
  await expect(page.locator('.tile', { has: metric(page, 'latency-p50') })).not.toHaveClass(/\bwarming\b/);
});

test('compare verdicts wait for every run to warm up', async ({ page }) => {
  await page.goto('./?mode=compare&users=5000&pollIntervalS=4');
  const warming = page.getByTestId('compare-warming');
  await expect(warming).toContainText('at 9 s');
  await expect(page.getByTestId('compare-verdicts')).toHaveCount(0);
  await expect(page.getByTestId('compare-verdicts').locator('li')).toHaveCount(5, { timeout: 40_000 });
  await expect(warming).toHaveCount(0);
});

test('the envelope predicts the broker chart: one copy per server holding a member', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=polling&users=1000');
  await page.getByRole('button', { name: 'Presets' }).click();
  await page
    .getByRole('menu', { name: 'Presets' })
    .getByRole('menuitem', { name: /Group chat/ })
    .click();
  const predicted = parseFigure(
    (await page.getByTestId('envelope-broker-routed').locator('dd').textContent())!,
  );
  // 100 K users × 1/min ÷ 60 = 1.67 K publishes/s, each to the 6 servers holding the other 19.
  expect(predicted).toBeGreaterThan(11_000);
  expect(predicted).toBeLessThan(12_500);
  await waitSimTime(page, 4, 60_000);
  await expect
    .poll(async () => {
      const cap = (await legend(page, 'broker').textContent()) ?? '';
      const m = /routed ([\d.]+[KM]?)/.exec(cap);
      return m ? Math.abs(parseFigure(m[1]!) - predicted) / predicted : 1;
    })
    .toBeLessThan(0.1);
  expect(errors).toEqual([]);
});
