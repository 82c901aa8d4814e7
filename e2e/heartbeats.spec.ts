/**
 * Issue 11: the servers' heartbeat pings on traced connections are drawn (grey dots, server →
 * client, every `heartbeatIntervalS`); the message key names them while heartbeats are on.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';

test('the message key lists heartbeats on a push strategy, and not once they are off', async ({ page }) => {
  const errors = collectErrors(page);
  const key = page.getByRole('list', { name: 'Message colours' });
  await page.goto('/?strategy=pubsub&heartbeatIntervalS=5');
  await waitSimTime(page, 1);
  await expect(key.getByText('heartbeat', { exact: true })).toBeVisible();
  await page.goto('/?strategy=pubsub&heartbeatIntervalS=0');
  await waitSimTime(page, 1);
  await expect(key).toContainText('push');
  await expect(key.getByText('heartbeat', { exact: true })).toHaveCount(0);
  // Polling keeps no connection to ping.
  await page.goto('/?strategy=polling');
  await waitSimTime(page, 1);
  await expect(key.getByText('heartbeat', { exact: true })).toHaveCount(0);
  expect(errors).toEqual([]);
});
