/**
 * Guided tours (issue 5, item 3), as a learner uses them: open a chapter by its link, predict,
 * watch the simulation run, read the measured answer, go back.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, metricValue } from './helpers';

test.use({ colorScheme: 'dark' });

test('a tour chapter opens by its link, asks, reveals the measured answer, and goes back', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?tour=simple-hashing&step=2');
  const tour = page.getByRole('region', { name: /Tour: Simple hashing/ });
  await expect(tour).toBeVisible();
  await expect(tour.getByRole('progressbar', { name: 'Tour progress' })).toHaveAttribute(
    'aria-valuetext',
    'Step 2 of 2',
  );
  // The step rebuilt the chapter's scenario: the URL says so, and still carries the tour.
  await expect(page).toHaveURL(/strategy=modulo-hashing/);
  await expect(page).toHaveURL(/tour=simple-hashing&step=2/);
  await expect(page.getByRole('slider', { name: 'Users', exact: true })).toHaveAttribute(
    'aria-valuetext',
    /20(\.0)?K|20,000/,
  );

  // Paused until the learner predicts.
  await expect(tour.getByText(/paused until you do/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await tour.getByRole('button', { name: '50 %' }).click();
  await expect(tour.getByRole('button', { name: '50 %' })).toHaveAttribute('aria-pressed', 'true');

  // The simulation runs on, adds the fifth server itself, then shows what it measured.
  const reveal = page.getByTestId('tour-reveal');
  await expect(reveal).toBeVisible({ timeout: 30_000 });
  const measured = Number((await page.getByTestId('tour-measured').textContent())!.replace(/[^\d.]/g, ''));
  expect(measured).toBeGreaterThan(70);
  expect(measured).toBeLessThan(90);
  await expect(tour.getByRole('button', { name: /80 %.*simulation/ })).toBeVisible();
  await expect(reveal).toContainText('not what you predicted');
  await expect(reveal).toContainText('N ÷ (N + 1)');
  // The reveal agrees with the page's own figures: ≈ 80 % of 20,000 users reconnected.
  expect(await metricValue(page, 'reconnects')).toBeGreaterThan(14_000);
  await page.screenshot({ path: 'test-results/screens/tour-chapter-1280x720.png' });

  // Back: step 1 of the chapter, its link updated.
  await tour.getByRole('button', { name: '← Back' }).click();
  await expect(tour.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'Step 1 of 2');
  await expect(page).toHaveURL(/tour=simple-hashing&step=1/);
  await expect(tour).toContainText('hash(user) mod N');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();

  // Next again, then close: the tour keys leave the URL, the scenario keys stay.
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'Step 2 of 2');
  await tour.getByRole('button', { name: 'Close tour' }).click();
  await expect(tour).toBeHidden();
  await expect(page).not.toHaveURL(/tour=/);
  await expect(page).toHaveURL(/strategy=modulo-hashing/);
  expect(errors).toEqual([]);
});

test('the Tours menu lists every chapter and opens one at its first step', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Tours' }).click();
  const menu = page.getByRole('menu', { name: 'Tours' });
  await expect(menu.getByRole('menuitem')).toHaveCount(7);
  await page.screenshot({ path: 'test-results/screens/tours-menu-1280x720.png' });
  await menu.getByRole('menuitem', { name: /Consistent hashing and the scale-out/ }).click();
  await expect(page.getByRole('region', { name: /Tour: Consistent hashing/ })).toBeVisible();
  await expect(page).toHaveURL(/tour=consistent-hashing&step=1/);
  await expect(page).toHaveURL(/strategy=consistent-hashing/);
});

test('the screenshot of a tour question reads cleanly at 1280×720 while asking', async ({ page }) => {
  await page.goto('./?tour=consistent-hashing&step=2');
  await expect(page.getByText(/paused until you do/)).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/tour-question-1280x720.png' });
});
