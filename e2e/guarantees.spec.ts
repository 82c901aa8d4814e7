/**
 * Delivery guarantees on the page (issue 10): the Guarantees tab edits the scenario through the
 * validated path (URL round trip), says why an option is unavailable, the Kafka-like log is drawn
 * partition by partition, and each guarantee preset shows the figure it promises.
 */
import { expect, test, type Page } from '@playwright/test';
import { GUARANTEE_PRESETS } from '../src/content/guaranteePresets';
import { hook, nothingOwed, settled, VALIDATION } from './engineState';
import { collectErrors, metricValue, parseFigure, slideTo, waitSimTime } from './helpers';

async function openGuarantees(page: Page) {
  await page.getByRole('tab', { name: 'Guarantees' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Guarantees' })).toBeVisible();
}

const sw = (page: Page, name: string) => page.getByRole('switch', { name, exact: true });
const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });

test('the left rail is tabbed: arrow keys move between Workload and Guarantees, Workload untouched', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=1000');
  const workload = page.getByRole('tab', { name: 'Workload' });
  await expect(workload).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('slider', { name: 'Users', exact: true })).toBeVisible();
  await workload.focus();
  const before = await metricValue(page, 'sim-time');
  await page.keyboard.press('ArrowRight');
  const tab = page.getByRole('tab', { name: 'Guarantees' });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(tab).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Guarantees' })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Users', exact: true })).toHaveCount(0);
  await page.keyboard.press('End');
  // The last tab is Failures & capacity (issue 11).
  await expect(page.getByRole('tab', { name: 'Failures' })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(workload).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('slider', { name: 'Users', exact: true })).toBeVisible();
  // → on a tab moves between tabs, never steps the simulation (the page's → shortcut).
  expect(await metricValue(page, 'sim-time')).toBeGreaterThanOrEqual(before);
  expect(errors).toEqual([]);
});

test('guarantees: invalid combinations are explained, edits reach the URL and reopen the same scenario', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=pubsub&users=1000');
  await settled(page);
  await openGuarantees(page);

  // Without sequence numbers, recovery and idempotency are unavailable, and the reason is shown.
  await expect(sw(page, 'Sequence numbers')).toHaveAttribute('aria-checked', 'false');
  await expect(sw(page, 'Idempotent client')).toBeDisabled();
  await expect(radio(page, 'From the DB')).toBeDisabled();
  const reasons = page.getByTestId('guarantee-reason');
  await expect(reasons.filter({ hasText: 'From the DB: needs sequenceNumbers' })).toBeVisible();
  await expect(page.getByText(/Unavailable: needs sequenceNumbers/)).toBeVisible();
  // Log recovery needs the Kafka-like broker (and the engine may not model it yet): never silent.
  await expect(radio(page, 'From the log')).toBeDisabled();
  await expect(reasons.filter({ hasText: /^From the log: / })).toBeVisible();

  await sw(page, 'Sequence numbers').click();
  await expect(sw(page, 'Sequence numbers')).toHaveAttribute('aria-checked', 'true');
  await radio(page, 'From the DB').check();
  await sw(page, 'Idempotent client').click();
  await radio(page, 'At least once').check();
  await expect(page.getByRole('slider', { name: 'Ack timeout', exact: true })).toBeVisible();
  await radio(page, 'Redis Cluster').check();
  await expect(page.getByText(/A Redis Cluster needs at least 3 masters/)).toBeVisible();
  await expect(page.getByTestId('cluster-bus-cost')).toContainText('3 × (1 + 0) − 1 = 2 bus messages');
  await expect(
    page.getByTestId('cluster-settings').getByRole('slider', { name: 'Broker shards' }),
  ).toHaveAttribute('aria-valuetext', '3 masters');
  await radio(page, 'SPUBLISH').check();
  await expect(page.getByTestId('cluster-bus-cost')).toContainText('0 bus messages');
  await nothingOwed(page);
  for (const part of [
    'sequenceNumbers=true',
    'recovery=db',
    'idempotent=true',
    'delivery=at-least-once',
    'broker=redis-cluster',
    'clusterPublish=spublish',
    'brokerShards=3',
  ])
    expect(page.url()).toContain(part);
  // The figures strip shows what the mechanisms count.
  for (const id of ['gaps', 'recovered', 'duplicates-dropped', 'redeliveries', 'cluster-bus'])
    await expect(page.getByTestId(`metric-${id}`)).toBeVisible();

  const url = page.url();
  await page.reload();
  await settled(page);
  await openGuarantees(page);
  await expect(sw(page, 'Sequence numbers')).toHaveAttribute('aria-checked', 'true');
  await expect(sw(page, 'Idempotent client')).toHaveAttribute('aria-checked', 'true');
  await expect(radio(page, 'From the DB')).toBeChecked();
  await expect(radio(page, 'At least once')).toBeChecked();
  await expect(radio(page, 'Redis Cluster')).toBeChecked();
  await expect(radio(page, 'SPUBLISH')).toBeChecked();
  await nothingOwed(page);
  expect(page.url()).toBe(url);

  // Turning sequence numbers off takes what needs them along, and says so.
  await sw(page, 'Sequence numbers').click();
  await expect(
    page.getByText(/Sequence numbers off: recovery and the idempotent client need them/),
  ).toBeVisible();
  await expect(radio(page, 'None')).toBeChecked();
  await expect(sw(page, 'Idempotent client')).toHaveAttribute('aria-checked', 'false');
  await nothingOwed(page);
  expect(page.url()).not.toContain('recovery=');
  expect(page.url()).not.toContain('idempotent=');
  await expect(page.getByTestId('metric-gaps')).toHaveCount(0);

  // Under polling the settings do not apply, and the panel says so.
  await page.getByRole('radio', { name: 'Polling', exact: true }).check();
  await expect(page.getByTestId('guarantees-na')).toContainText('apply to the push strategies');
  await expect(sw(page, 'Sequence numbers')).toBeDisabled();
  // One reason, the note above: no "needs sequence numbers" pointing at a switch that is off too.
  await expect(page.getByText(/Unavailable: needs sequenceNumbers/)).toHaveCount(0);

  const { notices } = await hook(page);
  expect(notices.join(' ')).not.toMatch(VALIDATION);
  expect(errors).toEqual([]);
});

test('the Kafka-like log draws each partition with its owner, and a crash hands them on', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto(
    './?strategy=pubsub&users=12000&servers=4&broker=kafka&sequenceNumbers=true&recovery=db&idempotent=true&timeline=10:crash-server:3',
  );
  await settled(page);
  const log = page.locator('svg[data-broker-detail="kafka"]');
  await expect(log).toHaveCount(1);
  const rows = log.locator('[data-partition]');
  await expect(rows).toHaveCount(12);
  // Partition p is consumed by server p mod 4 at the start: S3 owns 3, 7 and 11.
  await expect(rows.nth(3).locator('.bd-label')).toHaveText('P3·S3');
  await expect(log.locator('.bd-title')).toContainText('12 partitions');
  await slideTo(page, 'Speed', 5);
  // After the crash S3's partitions go to the living servers, which resume from the last commit.
  await expect(rows.nth(3).locator('.bd-label')).not.toHaveText('P3·S3', { timeout: 30_000 });
  await expect(log.locator('.bd-label', { hasText: '·S3' })).toHaveCount(0);
  await expect.poll(() => metricValue(page, 'redeliveries'), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/screens/kafka-log-1280x720.png' });
  expect(errors).toEqual([]);
});

for (const p of GUARANTEE_PRESETS)
  test(`preset "${p.title}" shows its promised figure`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    await page.goto('./?strategy=polling&users=1000');
    await page.getByRole('button', { name: 'Presets' }).click();
    await page.getByRole('menu', { name: 'Presets' }).getByRole('menuitem', { name: p.title }).click();
    await expect(page.getByTestId('preset-watch')).toContainText(p.title);
    await settled(page);
    await slideTo(page, 'Speed', 10);
    await waitSimTime(page, p.promise.atS, 90_000);
    const tile = page.getByTestId(p.promise.tile);
    if (p.promise.tile === 'metric-cluster-bus') {
      // Per publish: the explanation sets the formula (accepted publishes × per publish) beside
      // the count, and the tile says how many per publish.
      await expect(page.getByTestId('metric-cluster-bus-sub')).toHaveText(`${p.promise.min}/publish`);
      await tile.hover();
      const tip = page.getByTestId('explain-cluster-bus');
      await expect(tip).toBeVisible();
      await expect(tip).toContainText(`= ${p.promise.min} per publish`);
      // One read of both figures: the tooltip is live, and two reads may straddle a summary update.
      const [expectedText, measuredText] = await tip.evaluate((el) => [
        el.querySelector('[data-testid="explain-expected"]')?.textContent ?? '',
        el.querySelector('[data-testid="explain-measured"]')?.textContent ?? '',
      ]);
      const expected = parseFigure(expectedText);
      const measured = parseFigure(measuredText);
      expect(measured).toBeGreaterThan(0);
      // Both are read from the same summary; the count of publishes is the model's.
      expect(Math.abs(measured - expected) / expected).toBeLessThan(0.01);
    } else {
      const v = parseFigure((await tile.textContent()) ?? '');
      expect(v, p.promise.formula).toBeGreaterThanOrEqual(p.promise.min);
      expect(v, p.promise.formula).toBeLessThanOrEqual(p.promise.max);
    }
    await page.screenshot({ path: `test-results/screens/preset-${p.id}-1280x720.png` });
    expect(errors).toEqual([]);
  });

test('the "Sound senior" tour asks, then the simulation answers: a PUBLISH costs 5 bus messages', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?tour=guarantees&step=4');
  const tour = page.getByRole('region', { name: /Tour: Sound senior: delivery guarantees/ });
  await expect(tour).toBeVisible();
  await expect(tour.getByRole('progressbar', { name: 'Tour progress' })).toHaveAttribute(
    'aria-valuetext',
    'Step 4 of 5',
  );
  await expect(page).toHaveURL(/broker=redis-cluster/);
  await tour.getByRole('button', { name: '3', exact: true }).click();
  const reveal = page.getByTestId('tour-reveal');
  await expect(reveal).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('tour-measured')).toHaveText('5.00 bus messages per publish');
  await expect(reveal).toContainText('not what you predicted');
  await expect(reveal).toContainText('shards × (1 + replicas) − 1');
  // The stage's own figure agrees: 5 per publish.
  await expect(page.getByTestId('metric-cluster-bus-sub')).toHaveText('5/publish');
  await page.screenshot({ path: 'test-results/screens/tour-guarantees-1280x720.png' });
  expect(errors).toEqual([]);
});
