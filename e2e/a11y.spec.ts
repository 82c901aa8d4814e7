/**
 * The accessible twin: a polite live region narrating the run, a data table behind the charts,
 * and the new controls operable from the keyboard alone.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, slideTo, waitSimTime } from './helpers';

test('the live region narrates the run and announces a scale-out with the share that moves', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=consistent-hashing&users=10000&servers=4&seed=3');
  const live = page.getByTestId('live-narration');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toHaveAttribute('role', 'status');
  await slideTo(page, 'Speed', 10);
  await expect(live).toContainText(/At \d+:\d\d: latency p50/, { timeout: 20_000 });
  await page.locator('body').press('+');
  await expect(live).toContainText(/Server 4 added; \d+ % of users \([\d,]+\) are moving to a new owner\./, {
    timeout: 15_000,
  });
  expect(errors).toEqual([]);
});

test('a data table stands behind the charts, present for screen readers and shown on demand', async ({
  page,
}) => {
  await page.goto('./?strategy=polling&users=1000&pollIntervalS=5');
  await slideTo(page, 'Speed', 10);
  await waitSimTime(page, 6);
  const table = page.getByRole('table', { name: /Chart data/ });
  await expect(table).toBeAttached();
  await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(3);
  const toggle = page.getByRole('button', { name: 'Show data' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Hide data' })).toHaveAttribute('aria-expanded', 'true');
  await expect(table).toBeVisible();
  await expect(table.locator('thead th').first()).toHaveText('Second');
  await page.screenshot({ path: 'test-results/screens/chart-data-1280x720.png' });
});

test('compare mode and export work from the keyboard alone; every button has a name', async ({ page }) => {
  await page.goto('./?users=2000&seed=5');
  const compare = page.getByRole('button', { name: 'Compare' });
  await compare.focus();
  await page.keyboard.press('Enter');
  await expect(compare).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('compare-table')).toBeVisible();
  const time = page.getByTestId('compare-time').locator('.num');
  await expect.poll(async () => Number(await time.textContent())).toBeGreaterThan(1);
  // Space pauses the five runs (focus on the page, not a button).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(' ');
  await expect(
    page.getByRole('toolbar', { name: 'Compare controls' }).getByRole('button', { name: 'Play' }),
  ).toBeVisible();
  // A frame already in flight may still land; after that the clock stands still.
  await page.waitForTimeout(600);
  const frozen = await time.textContent();
  await page.waitForTimeout(700);
  expect(await time.textContent()).toBe(frozen);
  // The export menu opens with Enter and its items are buttons.
  await page.locator('summary', { hasText: 'Share' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Comparison table CSV' })).toBeVisible();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, [role="button"], summary, select, input')]
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => {
        const label = el.getAttribute('aria-label') ?? '';
        const text = (el.textContent ?? '').trim();
        const id = el.id;
        const labelled = id ? document.querySelector(`label[for="${id}"]`) : null;
        return !label && !text && !labelled && !el.closest('label') && !el.getAttribute('aria-labelledby');
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
});
