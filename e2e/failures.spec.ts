/**
 * Failures & capacity on the page (issue 11): the tab edits the scenario through the validated
 * path (URL round trip, reload keeps it, the run restarts and its figures change), and each
 * failure preset shows the figure it promises.
 */
import { expect, test, type Page } from '@playwright/test';
import { FAILURE_PRESETS } from '../src/content/failurePresets';
import { settled } from './engineState';
import { collectErrors, parseFigure, slideTo, slider, waitSimTime } from './helpers';

async function openFailures(page: Page) {
  await page.getByRole('tab', { name: 'Failures' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Failures' })).toBeVisible();
}

const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });

test('the Failures & capacity tab: every control is named, a change reaches the URL and survives a reload', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=1000');
  await openFailures(page);
  for (const name of [
    'Heartbeat interval',
    'Heartbeat timeout',
    'Accepts per second',
    'Listen backlog',
    'Connection cap',
    'Slow consumers',
    'Slow consumer reads',
    'Output buffer hard limit',
    'Output buffer soft limit',
    'Soft limit seconds',
    'Drain window',
    'Lame-duck grace',
  ])
    await expect(slider(page, name)).toBeVisible();
  for (const name of [
    'Immediate',
    'Backoff',
    'Backoff + jitter',
    'Lame duck',
    'Grace period',
    'Kill',
    'Uniform',
  ])
    await expect(radio(page, name)).toBeAttached();
  await expect(page.getByRole('radiogroup', { name: 'Reconnect' })).toBeVisible();
  await expect(page.getByRole('radiogroup', { name: 'Drain' })).toBeVisible();
  await expect(page.getByRole('radiogroup', { name: 'Room popularity' })).toBeVisible();

  // Heartbeats: the detection window follows the settings (timeout … interval + timeout).
  await expect(page.getByTestId('detection-window')).toContainText('20 s–45 s');
  await slideTo(page, 'Heartbeat interval', 10);
  await expect(page).toHaveURL(/heartbeatIntervalS=10\b/);
  await expect(page.getByTestId('detection-window')).toContainText('20 s–30 s');

  await radio(page, 'Immediate').check();
  await expect(page).toHaveURL(/reconnect=immediate/);
  await radio(page, 'Grace period').check();
  await expect(page).toHaveURL(/drain=grace-period/);
  await expect(slider(page, 'Termination grace')).toBeVisible();
  await expect(slider(page, 'Lame-duck grace')).toHaveCount(0);

  await radio(page, 'Zipf (a few hot)').check();
  await expect(page).toHaveURL(/roomPopularity=zipf/);
  await expect(page.getByTestId('hot-room-share')).toContainText('The top room of 500');

  await page.reload();
  await openFailures(page);
  await expect(slider(page, 'Heartbeat interval')).toHaveAttribute('aria-valuetext', '10 s');
  await expect(radio(page, 'Immediate')).toBeChecked();
  await expect(radio(page, 'Grace period')).toBeChecked();
  await expect(radio(page, 'Zipf (a few hot)')).toBeChecked();
  expect(errors).toEqual([]);
});

test('screenshots of the tab at 1280×720 and 1920×1080: the rail scrolls, nothing clipped', async ({
  page,
}) => {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('./?strategy=pubsub&users=1000&roomPopularity=zipf&drain=grace-period');
    await openFailures(page);
    await settled(page);
    await page.screenshot({ path: `test-results/screens/failures-tab-${w}x${h}.png` });
    const rail = page.getByRole('complementary', { name: 'Settings' });
    await rail.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.screenshot({ path: `test-results/screens/failures-tab-${w}x${h}-end.png` });
    // The last control is reachable by scrolling the rail, inside the viewport.
    const last = slider(page, 'Zipf skew');
    await expect(last).toBeInViewport();
  }
});

test('a change in the tab re-runs the simulation and its figures change: slow consumers get cut off', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=60000&servers=4&messagesPerUserPerMin=5&outputBufferHardKb=1024');
  await openFailures(page);
  // No slow consumer: no output-buffer figure at all.
  await expect(page.getByTestId('metric-buffer-disconnects')).toHaveCount(0);
  await slideTo(page, 'Slow consumers', 25); // announced as "25 % of servers"
  await expect(page).toHaveURL(/slowConsumerShare=0\.25/);
  // The run restarted with S1 reading 100 msg/s: the 1 MiB limit goes within seconds.
  await expect(page.getByTestId('metric-buffer-disconnects')).toBeVisible();
  await expect
    .poll(
      async () => parseFigure((await page.getByTestId('metric-buffer-disconnects').textContent()) ?? ''),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThanOrEqual(1);
  // The explanation states the arithmetic and the measured count.
  await page.getByTestId('metric-buffer-disconnects').hover();
  const tip = page.getByTestId('explain-buffer-disconnects');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('grows 1,150 messages');
  await page.reload();
  await openFailures(page);
  await expect(slider(page, 'Slow consumers')).toHaveAttribute('aria-valuetext', '25 % of servers');
  await expect(page.getByTestId('metric-buffer-disconnects')).toBeVisible();
  expect(errors).toEqual([]);
});

for (const p of FAILURE_PRESETS)
  test(`preset "${p.title}" shows its promised figure`, async ({ page }) => {
    test.setTimeout(150_000);
    const errors = collectErrors(page);
    await page.goto('./?strategy=polling&users=1000');
    await page.getByRole('button', { name: 'Presets' }).click();
    await page.getByRole('menu', { name: 'Presets' }).getByRole('menuitem', { name: p.title }).click();
    await expect(page.getByTestId('preset-watch')).toContainText(p.title);
    await settled(page);
    await slideTo(page, 'Speed', 10);
    await waitSimTime(page, p.promise.atS, 120_000);
    const text = (await page.getByTestId(p.promise.tile).textContent()) ?? '';
    // Shares show as percentages; the promise is a fraction.
    const v = p.promise.tile === 'metric-hot-shard' ? parseFigure(text) / 100 : parseFigure(text);
    expect(v, p.promise.formula).toBeGreaterThanOrEqual(p.promise.min);
    expect(v, p.promise.formula).toBeLessThanOrEqual(p.promise.max);
    await page.screenshot({ path: `test-results/screens/preset-${p.id}-1280x720.png` });
    expect(errors).toEqual([]);
  });

test('the "Sound senior: failures and capacity" tour asks, then the simulation answers: the hot shard', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto('./?tour=failures&step=5');
  const tour = page.getByRole('region', { name: /Tour: Sound senior: failures and capacity/ });
  await expect(tour).toBeVisible();
  await expect(tour.getByRole('progressbar', { name: 'Tour progress' })).toHaveAttribute(
    'aria-valuetext',
    'Step 5 of 5',
  );
  await expect(page).toHaveURL(/roomPopularity=zipf/);
  await tour.getByRole('button', { name: '25 % (even)', exact: true }).click();
  const reveal = page.getByTestId('tour-reveal');
  await expect(reveal).toBeVisible({ timeout: 90_000 });
  const measured = parseFigure((await page.getByTestId('tour-measured').textContent()) ?? '');
  // The simulation's answer is the ≈ 37 % choice: closer to it than to an even 25 % or to 60 %.
  expect(measured).toBeGreaterThan(31);
  expect(measured).toBeLessThan(48.5);
  await expect(reveal).toContainText('not what you predicted');
  // The stage's own tile agrees with the tour's reading.
  await expect(page.getByTestId('metric-hot-shard')).toContainText('%');
  await page.screenshot({ path: 'test-results/screens/tour-failures-1280x720.png' });
  expect(errors).toEqual([]);
});
