import { expect, test } from '@playwright/test';

test('the built site opens and shows its heading', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
  expect(errors).toEqual([]);
});
