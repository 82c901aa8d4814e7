/** Presets (issue 5, item 4): one pick sets the whole workload, the URL, and says what to watch. */
import { expect, test } from '@playwright/test';
import { collectErrors, slider } from './helpers';

test('picking a preset sets the full scenario, updates the URL and says what to watch', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=polling&users=1000');
  const button = page.getByRole('button', { name: 'Presets' });
  await expect(button).toHaveAttribute('aria-haspopup', 'menu');
  await button.click();
  const menu = page.getByRole('menu', { name: 'Presets' });
  await expect(menu.getByRole('menuitem')).toHaveCount(16);
  await page.screenshot({ path: 'test-results/screens/presets-menu-1280x720.png' });
  await menu.getByRole('menuitem', { name: /Group chat/ }).click();
  await expect(menu).toBeHidden();

  await expect(page.getByRole('radio', { name: 'Pub/Sub' })).toBeChecked();
  await expect(slider(page, 'Users')).toHaveAttribute('aria-valuetext', /100(\.0)?K/);
  await expect(slider(page, 'Room size')).toHaveAttribute('aria-valuetext', /^20\b/);
  await expect(page).toHaveURL(/strategy=pubsub/);
  await expect(page).toHaveURL(/users=100000/);
  await expect(page).toHaveURL(/roomSize=20/);
  await expect(page).toHaveURL(/topic=room/);
  const watch = page.getByTestId('preset-watch');
  await expect(watch).toContainText('Group chat');
  await expect(watch).toContainText('What to watch');
  await expect(watch).toContainText('fan-out');
  await page.screenshot({ path: 'test-results/screens/preset-watch-1280x720.png' });

  // By keyboard: open, move down to the last item, pick it.
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu', { name: 'Presets' })).toBeVisible();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('menuitem', { name: /Admin dashboard/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('radio', { name: 'Polling', exact: true })).toBeChecked();
  await expect(page).toHaveURL(/strategy=polling/);
  await expect(page.getByTestId('preset-watch')).toContainText('Admin dashboard');

  // Editing the workload by hand makes the note stale: it goes.
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByRole('radio', { name: 'Simple hashing' }).check();
  await expect(page.getByTestId('preset-watch')).toBeHidden();
  expect(errors).toEqual([]);
});

test('Esc closes the menu and returns focus to its button', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Presets' }).click();
  await expect(page.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Presets' })).toBeFocused();
});
