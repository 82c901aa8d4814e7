/**
 * Screenshots of every strategy at a projector's 1280×720 and a 1920×1080 screen, saved under
 * test-results/screens/ to be looked at (issue 3). Also checks nothing spills out of the page.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, slideTo, waitSimTime } from './helpers';

const STRATEGIES = ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub'] as const;
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

async function expectNoOverflow(page: Page) {
  const spill = await page.evaluate(() => {
    const doc = document.documentElement;
    const out: string[] = [];
    if (doc.scrollWidth > doc.clientWidth || doc.scrollHeight > doc.clientHeight) out.push('page scrolls');
    for (const el of document.querySelectorAll<HTMLElement>('.rail, .tile, .chart, .topbar, .envelope')) {
      // The left rail may scroll on a short screen, provided it says so ("more ▾", issue 9).
      const saysMore = el.matches('.rail.left[data-more]') && el.scrollWidth <= el.clientWidth + 1;
      if (saysMore) continue;
      if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
        out.push(
          `${el.className} overflows (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`,
        );
    }
    return out;
  });
  expect(spill).toEqual([]);
}

test.use({ colorScheme: 'dark' });

for (const size of SIZES) {
  for (const strategy of STRATEGIES) {
    test(`screenshot ${strategy} at ${size.width}×${size.height}`, async ({ page }) => {
      const errors = collectErrors(page);
      await page.setViewportSize(size);
      await page.goto(`./?strategy=${strategy}&users=10000`);
      await waitSimTime(page, 3);
      if (strategy.endsWith('hashing')) {
        await page.getByRole('button', { name: 'Add server' }).click();
        await page.waitForTimeout(1500);
      }
      await page.screenshot({ path: `test-results/screens/${strategy}-${size.width}x${size.height}.png` });
      await expectNoOverflow(page);
      expect(errors).toEqual([]);
    });
  }
}

// Compare mode, Present mode and a crowded server column, at both sizes (issue 9).
for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`screenshot of compare mode at ${size.width}×${size.height}`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize(size);
    await page.goto('./?mode=compare&users=10000&pollIntervalS=4');
    await expect(page.getByTestId('compare-verdicts').locator('li')).toHaveCount(5, { timeout: 40_000 });
    await page.screenshot({ path: `test-results/screens/compare-${tag}.png` });
    expect(errors).toEqual([]);
  });
  test(`screenshot of Present mode at ${size.width}×${size.height}`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize(size);
    await page.goto('./?strategy=consistent-hashing&users=10000&present=1');
    await waitSimTime(page, 3);
    await page.screenshot({ path: `test-results/screens/present-${tag}.png` });
    expect(errors).toEqual([]);
  });
  for (const [strategy, servers] of [
    ['polling', 7],
    ['consistent-hashing', 12],
    ['pubsub', 64],
  ] as const)
    test(`screenshot of ${strategy} with ${servers} servers at ${size.width}×${size.height}`, async ({
      page,
    }) => {
      const errors = collectErrors(page);
      await page.setViewportSize(size);
      await page.goto(`./?strategy=${strategy}&users=10000&servers=${servers}`);
      await waitSimTime(page, 3);
      await page.screenshot({ path: `test-results/screens/${strategy}-${servers}-servers-${tag}.png` });
      await expectNoOverflow(page);
      expect(errors).toEqual([]);
    });
}

test('screenshot in the light theme, slow motion', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./?strategy=polling&users=200&pollIntervalS=2');
  await slideTo(page, 'Speed', 0.05);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: 'test-results/screens/polling-light-slowmo-1280x720.png' });
  await expectNoOverflow(page);
});

test('screenshot of a saturated DB', async ({ page }) => {
  await page.goto('./?strategy=polling&users=1000000&pollIntervalS=10');
  await waitSimTime(page, 2, 60_000);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: 'test-results/screens/polling-1M-1280x720.png' });
});
