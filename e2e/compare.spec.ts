/**
 * Compare mode as a learner uses it: switch on, read the table, add a server, check the numbers
 * against the whiteboard formulas, and screenshot it at a projector's and a desktop's size.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './helpers';

async function compareTime(page: Page): Promise<number> {
  return Number((await page.getByTestId('compare-time').locator('.num').textContent()) ?? 0);
}

async function waitCompareTime(page: Page, s: number, timeout = 40_000): Promise<void> {
  await expect.poll(() => compareTime(page), { timeout }).toBeGreaterThanOrEqual(s);
}

async function cell(page: Page, strategy: string, col: string): Promise<number> {
  const v = await page
    .getByTestId(`compare-row-${strategy}`)
    .locator(`td[data-col="${col}"]`)
    .getAttribute('data-value');
  return Number(v);
}

test.use({ colorScheme: 'dark' });

test('compare mode: one workload, five architectures, numbers agree with the formulas', async ({ page }) => {
  const errors = collectErrors(page);
  const users = 10_000;
  const interval = 5;
  await page.goto(`./?users=${users}&pollIntervalS=${interval}&servers=4&seed=3`);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/mode=compare/);
  await expect(page).toHaveURL(/users=10000/);
  const table = page.getByTestId('compare-table');
  await expect(table.locator('tbody tr')).toHaveCount(5);
  await page.getByRole('combobox', { name: 'Compare speed' }).selectOption('10');
  await waitCompareTime(page, 12);

  // Polling: every user asks every interval, so the DB answers users ÷ interval reads a second.
  const reads = await cell(page, 'polling', 'db-reads');
  expect(reads).toBeGreaterThan((users / interval) * 0.85);
  expect(reads).toBeLessThan((users / interval) * 1.15);
  for (const s of ['modulo-hashing', 'consistent-hashing', 'pubsub'])
    expect(await cell(page, s, 'db-reads')).toBe(0);
  // Only pub/sub runs a broker.
  expect(await cell(page, 'pubsub', 'broker')).toBeGreaterThan(0);
  expect(await cell(page, 'polling', 'broker')).toBe(0);

  // Scale out 4 → 5 in all five at the same simulated time.
  const before = await compareTime(page);
  await page
    .getByRole('toolbar', { name: 'Compare controls' })
    .getByRole('button', { name: 'Add server' })
    .click();
  await waitCompareTime(page, before + 8);
  expect(await cell(page, 'pubsub', 'reconnects')).toBe(0);
  expect(await cell(page, 'polling', 'reconnects')).toBe(0);
  const modulo = await cell(page, 'modulo-hashing', 'reconnects');
  expect(modulo).toBeGreaterThan(users * (4 / 5) * 0.85);
  expect(modulo).toBeLessThan(users * (4 / 5) * 1.15);
  const ring = await cell(page, 'consistent-hashing', 'reconnects');
  expect(ring).toBeGreaterThan(users * (1 / 5) * 0.5);
  expect(ring).toBeLessThan(users * (1 / 5) * 1.5);
  await expect(page).toHaveURL(/timeline=/);

  // The accessible twin says the same: who moves in each architecture.
  await expect(page.getByTestId('compare-narration')).toContainText(
    /Server added in all five at [\d.]+ s; users who must move: Polling 0 \(0 %\), Simple hashing [\d,]+ \(\d+ %\)/,
  );
  // And the numbers behind every small multiple are a table away.
  const data = page.getByTestId('compare-data-pubsub');
  await expect(data).toBeAttached();
  await page.getByRole('button', { name: 'Show data' }).click();
  await expect(data).toBeVisible();
  await expect.poll(() => data.locator('tbody tr').count()).toBeGreaterThan(5);
  await page.getByRole('button', { name: 'Hide data' }).click();

  const verdicts = page.getByTestId('compare-verdicts').locator('li');
  await expect(verdicts).toHaveCount(5);
  await expect(verdicts.filter({ hasText: 'Pub/Sub' })).toContainText('no churn');
  await expect(verdicts.filter({ hasText: 'Simple hashing' })).toContainText('reconnect storm');
  await expect(verdicts.filter({ hasText: /^Polling/ })).toContainText('DB reads/s');
  for (const id of ['latency', 'db-reads', 'reconnects', 'broker'])
    await expect(page.getByTestId(`compare-chart-${id}`).locator('svg')).toHaveCount(5);

  // Back to the single view, and the link reopens compare mode.
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-table')).toHaveCount(0);
  await expect(page).not.toHaveURL(/mode=compare/);
  expect(errors).toEqual([]);
});

test('?mode=compare opens compare mode directly and keeps up at 100,000 users', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?mode=compare&users=100000&pollIntervalS=10&seed=1');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(5);
  await waitCompareTime(page, 6, 30_000);
  const reads = await cell(page, 'polling', 'db-reads');
  expect(reads).toBeGreaterThan(10_000 * 0.85);
  expect(reads).toBeLessThan(10_000 * 1.15);
  // No notice about an unknown "mode" parameter.
  await expect(page.getByText('Ignored unknown URL parameter')).toHaveCount(0);
  expect(errors).toEqual([]);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]) {
  test(`screenshot compare mode at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto('./?mode=compare&users=10000&pollIntervalS=5&seed=3');
    await page.getByRole('combobox', { name: 'Compare speed' }).selectOption('10');
    await waitCompareTime(page, 10);
    await page
      .getByRole('toolbar', { name: 'Compare controls' })
      .getByRole('button', { name: 'Add server' })
      .click();
    const t = await compareTime(page);
    await waitCompareTime(page, t + 12);
    await page
      .getByRole('toolbar', { name: 'Compare controls' })
      .getByRole('button', { name: 'Pause' })
      .click();
    const spill = await page.evaluate(() => {
      const doc = document.documentElement;
      const out: string[] = [];
      if (doc.scrollWidth > doc.clientWidth || doc.scrollHeight > doc.clientHeight) out.push('page scrolls');
      for (const el of document.querySelectorAll<HTMLElement>('.compare-view, .topbar, .cmp-bottom'))
        if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
          out.push(
            `${el.className} overflows (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`,
          );
      return out;
    });
    await page.screenshot({ path: `test-results/screens/compare-${size.width}x${size.height}.png` });
    expect(spill).toEqual([]);
  });
}
