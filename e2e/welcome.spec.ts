/**
 * First visit (issue 9, item 11): a welcome card that says what the page shows and where to start,
 * remembered once dismissed, then a one-time hint that servers and the broker crash on a click.
 * These specs start with empty storage (the config gives every other spec a returning visitor).
 */
import { expect, test } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';

test.use({ storageState: { cookies: [], origins: [] } });

test('a first visit is welcomed; "Just explore" is remembered across reloads', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=1000');
  const card = page.getByRole('dialog', { name: 'How does the server find out?' });
  await expect(card).toBeVisible();
  // Two sentences: what the page shows, and where to start.
  const text = (await card.locator('p').textContent())!.trim();
  expect(text.split(/(?<=\.)\s+/).filter(Boolean)).toHaveLength(2);
  await expect(card.getByRole('button', { name: 'Take the 2-minute tour' })).toBeFocused();
  await page.screenshot({ path: 'test-results/screens/welcome-1280x720.png' });
  await card.getByRole('button', { name: 'Just explore' }).click();
  await expect(card).toHaveCount(0);
  // Then, once: servers and the broker crash on a click.
  const hint = page.getByTestId('crash-hint');
  await expect(hint).toContainText('Click a server or the broker to crash it');
  await page.reload();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(hint).toBeVisible();
  // Crashing a server is what the hint asked for: it goes, and stays gone.
  await waitSimTime(page, 1);
  await page.getByRole('button', { name: 'Crash server 0' }).click();
  await expect(hint).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(page.getByTestId('crash-hint')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('"Take the 2-minute tour" opens the first chapter', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Take the 2-minute tour' }).click();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(page.getByTestId('tour')).toBeVisible();
  await expect(page).toHaveURL(/tour=polling/);
});

test('the crash hint can be dismissed for good', async ({ page }) => {
  await page.goto('./?strategy=polling');
  await page.getByRole('button', { name: 'Just explore' }).click();
  const hint = page.getByTestId('crash-hint');
  await expect(hint).toHaveText(/Click a server to crash it/);
  await hint.getByRole('button', { name: 'Dismiss hint' }).click();
  await expect(hint).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('crash-hint')).toHaveCount(0);
});

test('a shared tour link or Present mode skips the welcome', async ({ page }) => {
  await page.goto('./?tour=pubsub&step=1');
  await expect(page.getByTestId('tour')).toBeVisible();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await page.goto('./?present=1');
  await expect(page.getByTestId('welcome')).toHaveCount(0);
});
