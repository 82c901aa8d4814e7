/**
 * Long polling on the page: pick it (button and key 5), see requests parked at the servers, the
 * figures settle on the formula, and the hold timeout slider round-trips through the URL.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, metricValue, parseFigure, slideTo, slider, waitSimTime } from './helpers';
import { hook, settled } from './engineState';

test('long polling: parked requests on the servers, reads per second from λ/(1 − e^(−λτ))', async ({
  page,
}) => {
  const errors = collectErrors(page);
  const users = 20_000;
  await page.goto(`./?strategy=polling&users=${users}&servers=4&seed=3`);
  await settled(page);
  // Key 5 picks the fifth strategy.
  await page.locator('body').press('5');
  await expect(page.getByRole('radio', { name: 'Long polling' })).toBeChecked();
  await expect(page).toHaveURL(/strategy=long-polling/);
  const st = await settled(page);
  expect(st.engine?.strategy).toBe('long-polling');

  // The servers say how many requests they hold parked; together nearly every user.
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          [...document.querySelectorAll('g.server text.conns')].map((t) => t.textContent ?? ''),
        ),
      { timeout: 15_000 },
    )
    .toEqual([
      expect.stringMatching(/parked$/),
      expect.stringMatching(/parked$/),
      expect.stringMatching(/parked$/),
      expect.stringMatching(/parked$/),
    ]);
  const parked = await page.evaluate(() =>
    [...document.querySelectorAll('g.server text.conns')].map((t) => t.textContent ?? ''),
  );
  const total = parked.map(parseFigure).reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(users * 0.9);
  expect(total).toBeLessThanOrEqual(users);

  // Each user hears from the other member of its room at λ = 1/min and holds up to τ = 30 s:
  // λ ÷ (1 − e^(−λτ)) requests a second each, one DB read per request.
  await waitSimTime(page, 8);
  const lambda = 1 / 60;
  const expected = (users * lambda) / (1 - Math.exp(-lambda * 30));
  await expect.poll(() => metricValue(page, 'db-reads'), { timeout: 20_000 }).toBeGreaterThan(expected * 0.8);
  const reads = await metricValue(page, 'db-reads');
  expect(reads).toBeLessThan(expected * 1.2);
  // Held requests are the open connections; nothing is lost.
  expect(await metricValue(page, 'connections')).toBeGreaterThan(users * 0.9);
  expect(await metricValue(page, 'lost')).toBe(0);
  expect(errors).toEqual([]);
});

test('long polling: the hold timeout slider shows only for it and round-trips through the URL', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=2000&servers=4&seed=3');
  await settled(page);
  await expect(slider(page, 'Hold timeout')).toHaveCount(0);
  await page.getByRole('radio', { name: 'Long polling' }).check();
  await settled(page);
  await expect(slider(page, 'Hold timeout')).toBeVisible();
  await slideTo(page, 'Hold timeout', 10);
  await expect(page).toHaveURL(/holdTimeoutS=10(&|$)/);
  await settled(page);
  // A reload from the address keeps both.
  await page.goto(page.url());
  await settled(page);
  await expect(page.getByRole('radio', { name: 'Long polling' })).toBeChecked();
  expect(parseFigure((await slider(page, 'Hold timeout').getAttribute('aria-valuetext')) ?? '')).toBe(10);
  const h = await hook(page);
  expect(h.engine?.strategy).toBe('long-polling');
  expect(errors).toEqual([]);
});
