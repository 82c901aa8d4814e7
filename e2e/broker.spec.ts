import { expect, test } from '@playwright/test';
import { collectErrors, metricValue, waitSimTime } from './helpers';

test('the broker is a single point of failure: crash it and lost deliveries climb; recover it and they stop', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=20000&messagesPerUserPerMin=6&servers=4&seed=1');
  await waitSimTime(page, 2);
  expect(await metricValue(page, 'lost')).toBe(0);

  const crash = page.getByRole('button', { name: 'Crash broker' });
  await crash.click();
  await expect(page.getByRole('button', { name: 'Recover broker' })).toBeVisible();
  await expect(page.locator('.node.broker')).toContainText('DOWN');
  // Every message committed while it is down is lost: ≈ users × rate / 60 per simulated second.
  await expect.poll(() => metricValue(page, 'lost'), { timeout: 20_000 }).toBeGreaterThan(2000 * 0.5);

  await page.getByRole('button', { name: 'Recover broker' }).click();
  await expect(page.getByRole('button', { name: 'Crash broker' })).toBeVisible();
  const afterRecovery = await metricValue(page, 'lost');
  const t0 = await metricValue(page, 'sim-time');
  await waitSimTime(page, t0 + 3);
  // Nothing more is lost once it is back (allow what was already on its way when it recovered).
  expect(await metricValue(page, 'lost')).toBeLessThanOrEqual(afterRecovery * 1.05 + 50);
  expect(errors).toEqual([]);
});
