/**
 * "Explain this number": hover or focus a headline metric and read the arithmetic behind it, with
 * the current settings substituted, beside the measured value.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, metric, parseFigure, slideTo, waitSimTime } from './helpers';

const TILES = ['latency-p50', 'latency-p99', 'db-reads', 'db-writes', 'reconnects', 'connections', 'lost'];

function tile(page: Page, id: string) {
  return metric(page, id).locator('xpath=..');
}

async function tipOf(page: Page, id: string) {
  const ref = await tile(page, id).getAttribute('aria-describedby');
  expect(ref).toBeTruthy();
  return page.locator(`[id="${ref}"]`);
}

test('hovering DB reads shows users ÷ interval and the empty-poll share, next to the measured value', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=polling&users=10000&pollIntervalS=5&seed=3');
  await slideTo(page, 'Speed', 10);
  await waitSimTime(page, 8);
  await tile(page, 'db-reads').hover();
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('10,000 users ÷ 5 s = 2,000 polls/s');
  await expect(tip).toContainText('e^(−');
  await expect(tip).toContainText('come back empty');
  const measured = parseFigure((await tip.getByTestId('explain-measured').first().textContent()) ?? '');
  expect(measured).toBeGreaterThan(2000 * 0.85);
  expect(measured).toBeLessThan(2000 * 1.15);
  await expect(tip.getByTestId('explain-expected').first()).toHaveText('2,000 /s');
  await page.screenshot({ path: 'test-results/screens/explain-1280x720.png' });
  await page.mouse.move(5, 400);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('every headline metric explains itself on keyboard focus; Escape dismisses', async ({ page }) => {
  await page.goto('./?strategy=consistent-hashing&users=10000&servers=4&seed=3');
  await slideTo(page, 'Speed', 10);
  await waitSimTime(page, 3);
  await page.getByRole('button', { name: 'Add server' }).click();
  await waitSimTime(page, 8);
  for (const id of TILES) {
    await expect(tile(page, id)).toHaveAttribute('tabindex', '0');
    const tip = await tipOf(page, id);
    await expect(tip).toHaveAttribute('role', 'tooltip');
    await expect(tip).toBeHidden();
  }
  await tile(page, 'latency-p50').focus();
  await expect(await tipOf(page, 'latency-p50')).toBeVisible();
  await expect(await tipOf(page, 'latency-p50')).toContainText('no interval to wait for');
  // Tab walks the tiles in order, each one opening its own explanation.
  await page.keyboard.press('Tab');
  await expect(tile(page, 'latency-p99')).toBeFocused();
  await expect(await tipOf(page, 'latency-p50')).toBeHidden();
  await expect(await tipOf(page, 'latency-p99')).toBeVisible();
  await tile(page, 'reconnects').focus();
  const tip = await tipOf(page, 'reconnects');
  await expect(tip).toContainText('1 ÷ (N + 1) = 1 ÷ 5 = 20 %');
  await expect(tip).toContainText('≈ 2,000 reconnects');
  const measured = parseFigure((await tip.getByTestId('explain-measured').textContent()) ?? '');
  expect(measured).toBeGreaterThan(2000 * 0.5);
  expect(measured).toBeLessThan(2000 * 1.5);
  await page.keyboard.press('Escape');
  await expect(tip).toBeHidden();
});
