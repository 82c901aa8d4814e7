/**
 * Rewind (issue 5, item 6): scrub back, see the past exactly as it was, and fork a new future by
 * acting there.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, metricValue, waitSimTime } from './helpers';

/** Drags the Timeline scrubber's thumb to about simulated second `s`, as a hand would. */
async function dragTimelineTo(page: Page, s: number): Promise<number> {
  const input = page.getByRole('slider', { name: 'Timeline' });
  const box = (await input.boundingBox())!;
  const max = Number(await input.getAttribute('max'));
  const value = Number(await input.inputValue());
  const pxPerS = (box.width - 16) / max;
  const y = box.y + box.height / 2;
  let x = box.x + 8 + pxPerS * value;
  await page.mouse.move(x, y);
  await page.mouse.down();
  x += pxPerS * (s - value);
  await page.mouse.move(x, y, { steps: 6 });
  // Like an eye on the thumb: correct once for the thumb's own width.
  const got = Number(await input.inputValue());
  await page.mouse.move(x + pxPerS * (s - got), y, { steps: 2 });
  await page.mouse.up();
  return Number(await input.inputValue());
}

test('scrub back to the past, then act there to fork a new future', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=modulo-hashing&users=10000&servers=4');
  await waitSimTime(page, 3.2);
  const before = await metricValue(page, 'reconnects');
  await waitSimTime(page, 5);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByTestId('timeline-actions')).toContainText('server added at');
  await waitSimTime(page, 10);
  const after = await metricValue(page, 'reconnects');
  expect(after).toBeGreaterThan(before + 5000);

  // Scrubbing pauses and takes the whole world back: clock, totals, charts.
  const dragged = await dragTimelineTo(page, 4);
  expect(Math.abs(dragged - 4)).toBeLessThan(0.5);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeCloseTo(dragged, 1);
  const t = await metricValue(page, 'sim-time');
  await expect.poll(() => metricValue(page, 'reconnects')).toBe(before);
  await expect(page.getByTestId('timeline-actions')).not.toContainText('server added');
  // The abandoned future is still there to scrub to until something forks it.
  await expect(page.getByTestId('timeline-time')).toContainText('/ 0:1');
  await page.screenshot({ path: 'test-results/screens/rewind-1280x720.png' });

  // Step back: a little further into the past.
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeLessThan(t);
  const past = await metricValue(page, 'sim-time');

  // Acting in the past forks: the new action is on the timeline, the old one is gone for good.
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByTestId('timeline-actions')).toContainText(`server added at ${past.toFixed(1)} s`);
  await expect(page.getByTestId('timeline-time')).not.toContainText('/');
  // The link now records only the new action, at the past moment it was taken.
  const timelineParam = () => new URL(page.url()).searchParams.get('timeline') ?? '';
  await expect.poll(() => Math.abs(parseFloat(timelineParam()) - past)).toBeLessThan(0.06);
  expect(timelineParam()).toMatch(/^[\d.]+:add-server$/);

  // Play continues from the past, not from the old present.
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(past + 0.5);
  expect(await metricValue(page, 'sim-time')).toBeLessThan(9);
  await expect.poll(() => metricValue(page, 'reconnects')).toBeGreaterThan(before + 5000);
  await expect(page.getByTestId('timeline-actions').locator('li')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('rewind works at 100,000 users', async ({ page }) => {
  await page.goto('./?strategy=consistent-hashing&users=100000&servers=4');
  await waitSimTime(page, 6, 45_000);
  await dragTimelineTo(page, 2);
  await expect.poll(() => metricValue(page, 'sim-time'), { timeout: 20_000 }).toBeLessThan(3);
  expect(await metricValue(page, 'sim-time')).toBeGreaterThan(1);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeGreaterThan(3);
});
