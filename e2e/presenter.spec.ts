/** Presenter mode (issue 5, item 5): large layout, clicker keys drive the tour, `?` shows them. */
import { expect, test } from '@playwright/test';
import { collectErrors, metricValue, waitSimTime } from './helpers';

test.use({ colorScheme: 'dark' });

test('presenter mode by link: clicker keys step the tour, pause, show the key map, Esc leaves', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?tour=polling&step=1&present=1');
  const bar = page.getByRole('region', { name: 'Presenter mode' });
  await expect(bar).toBeVisible();
  // Controls are hidden; the stage, figures and tour stay.
  await expect(page.getByRole('radiogroup', { name: 'Strategy' })).toBeHidden();
  await expect(page.getByRole('slider', { name: 'Users', exact: true })).toBeHidden();
  await expect(page.getByTestId('metric-sim-time')).toBeVisible();
  const tour = page.getByRole('region', { name: /Tour: Polling/ });
  await expect(tour).toBeVisible();
  const fontPx = await tour.locator('.tour-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(18);

  const progress = tour.getByRole('progressbar');
  await expect(progress).toHaveAttribute('aria-valuetext', 'Step 1 of 4');
  // Let the slow-motion step show a few polls.
  await waitSimTime(page, 0.15);
  // Space pauses, `.` (a clicker's blank-screen key) resumes.
  await page.keyboard.press(' ');
  const t0 = await metricValue(page, 'sim-time');
  await page.waitForTimeout(700);
  expect(await metricValue(page, 'sim-time')).toBe(t0);
  await page.keyboard.press('.');
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(t0);

  // Click on to the step's question.
  await page.keyboard.press('PageDown');
  await expect(progress).toHaveAttribute('aria-valuetext', 'Step 2 of 4');
  await expect(page).toHaveURL(/tour=polling&step=2&present=1/);
  await expect(tour.getByText(/paused until you do/)).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/presenter-1280x720.png' });
  await page.keyboard.press('PageUp');
  await expect(progress).toHaveAttribute('aria-valuetext', 'Step 1 of 4');

  // `?` opens the key map (the Help dialog), listing the clicker keys; Esc closes it first.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('PgDn / PgUp');
  await expect(help).toContainText('Presenter mode');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(bar).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();
  await expect(page.getByRole('radiogroup', { name: 'Strategy' })).toBeVisible();
  await expect(page).not.toHaveURL(/present=/);
  expect(errors).toEqual([]);
});

test('the Present button enters presenter mode; without a tour PageDown steps time', async ({ page }) => {
  await page.goto('./?strategy=pubsub&users=5000');
  await waitSimTime(page, 1);
  await page.getByRole('button', { name: 'Present', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Presenter mode' })).toBeVisible();
  await expect(page).toHaveURL(/present=1/);
  await page.keyboard.press(' ');
  const t0 = await metricValue(page, 'sim-time');
  await page.keyboard.press('PageDown');
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(t0);
  await page.getByRole('button', { name: 'Leave presenter mode (Esc)' }).click();
  await expect(page.getByRole('button', { name: 'Present', exact: true })).toBeVisible();
});
