/**
 * Export and embed: download the series as CSV/JSON and the view as a PNG, the comparison table
 * from compare mode, copy the scenario link, and open the embed URL.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, metricValue, slideTo, waitSimTime } from './helpers';

const SERIES_HEADER =
  'tS,dbReads,dbWrites,polls,deliveries,reconnects,latencyP50Ms,latencyP99Ms,emptyPolls,dbRejected,redirects,lostDeliveries,duplicateDeliveries,brokerMessages,connections';

async function download(page: Page, name: string): Promise<{ file: string; text: string; bytes: Buffer }> {
  await page.locator('summary', { hasText: 'Share' }).click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const path = await dl.path();
  const bytes = readFileSync(path);
  return { file: dl.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}

test('series CSV and JSON: the engine fields, one row per simulated second; PNG of the view', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./?strategy=polling&users=1000&pollIntervalS=5&seed=2');
  await slideTo(page, 'Speed', 10);
  await waitSimTime(page, 15);
  await page.getByRole('button', { name: 'Pause' }).click();
  const simS = await metricValue(page, 'sim-time');

  const csv = await download(page, 'Series CSV');
  expect(csv.file).toBe('hopscope-series-polling-1000u-seed2.csv');
  const lines = csv.text.trimEnd().split('\r\n');
  expect(lines[0]).toBe(SERIES_HEADER);
  expect(lines.length - 1).toBeGreaterThanOrEqual(Math.floor(simS) - 1);
  expect(lines.length - 1).toBeLessThanOrEqual(Math.ceil(simS));
  const secs = lines.slice(1).map((l) => Number(l.split(',')[0]));
  expect(secs).toEqual(secs.map((_, i) => secs[0]! + i));
  // users ÷ interval in every full second after the first interval.
  const reads = lines.slice(6).map((l) => Number(l.split(',')[1]));
  for (const r of reads) expect(Math.abs(r - 200)).toBeLessThan(60);

  const json = await download(page, 'Series JSON');
  const parsed = JSON.parse(json.text) as { scenario: { users: number }; series: { tS: number }[] };
  expect(parsed.scenario.users).toBe(1000);
  expect(parsed.series.length).toBe(lines.length - 1);

  const png = await download(page, 'PNG image of the view');
  expect(png.file.endsWith('.png')).toBe(true);
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.bytes.length).toBeGreaterThan(5000);
  mkdirSync('test-results/screens', { recursive: true });
  writeFileSync('test-results/screens/export-view.png', png.bytes);
  expect(errors).toEqual([]);
});

test('comparison table CSV from compare mode, and the scenario link one click away', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./?mode=compare&users=2000&pollIntervalS=5&seed=4');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(5);
  await expect
    .poll(async () => Number(await page.getByTestId('compare-time').locator('.num').textContent()))
    .toBeGreaterThan(6);
  const t = await download(page, 'Comparison table CSV');
  const lines = t.text.trimEnd().split('\r\n');
  expect(lines[0]).toBe(
    'strategy,latencyP50Ms,latencyP99Ms,dbReadsPerS,reconnectsLastScale,brokerMsgsPerS,lost,duplicates,movingParts,verdict',
  );
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
    'polling',
    'modulo-hashing',
    'consistent-hashing',
    'pubsub',
    'long-polling',
  ]);
  const s = await download(page, 'Series CSV');
  expect(s.text.split('\r\n')[0]).toBe(`strategy,${SERIES_HEADER}`);

  await page.locator('summary', { hasText: 'Share' }).click();
  const link = page.getByRole('textbox', { name: 'Scenario link' });
  await expect(link).toHaveValue(/users=2000/);
  await expect(link).toHaveValue(/mode=compare/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('users=2000');
});

test('?embed=1 shows just the simulation and its controls', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?embed=1&strategy=pubsub&users=5000');
  await waitSimTime(page, 1);
  await expect(page.locator('.main')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.getByRole('radiogroup', { name: 'Strategy' })).toBeVisible();
  await expect(page.locator('.rail.left')).toBeHidden();
  await expect(page.locator('.charts')).toBeHidden();
  await expect(page.getByText('Ignored unknown URL parameter')).toHaveCount(0);
  const stage = await page.locator('.main').boundingBox();
  expect(stage!.width).toBeGreaterThan(1100);
  await page.screenshot({ path: 'test-results/screens/embed-1280x720.png' });
  // The embed flag survives scenario edits written back to the URL.
  await page.getByRole('radio', { name: 'Polling', exact: true }).check();
  await expect(page).toHaveURL(/strategy=polling/);
  await expect(page).toHaveURL(/embed=1/);
  // Compare mode embeds too: the five lanes take the whole frame.
  await page.goto('./?embed=1&mode=compare&users=2000');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(5);
  await expect(page.locator('.rail.left')).toBeHidden();
  expect((await page.locator('.compare-view').boundingBox())!.width).toBeGreaterThan(1200);
  expect(errors).toEqual([]);
});
