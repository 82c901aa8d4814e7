/**
 * The built page runs under a strict Content-Security-Policy (no eval, no inline script or
 * style): a simulation, a PNG export and compare mode raise no violation and no console error.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, slideTo, waitSimTime } from './helpers';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations!.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
}

const violations = (page: Page): Promise<string[]> => page.evaluate(() => window.__cspViolations ?? []);

test('strict CSP: a run, a PNG export, compare mode, a tour in presenter mode, rewind and help raise no violation', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await watchViolations(page);
  await page.goto('./?strategy=pubsub&users=2000&servers=3&seed=5');

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toContain('unsafe-inline');

  await slideTo(page, 'Speed', 10);
  await waitSimTime(page, 5);
  await page.locator('summary', { hasText: 'Share' }).click();
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'PNG image of the view' }).click(),
  ]);
  expect(dl.suggestedFilename()).toMatch(/\.png$/);

  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(5);
  await expect
    .poll(async () => Number((await page.getByTestId('compare-time').locator('.num').textContent()) ?? 0))
    .toBeGreaterThan(2);

  expect(await violations(page)).toEqual([]);

  // A guided tour in presenter mode, the rewind scrubber, and the help dialog.
  await page.goto('./?tour=consistent-hashing&step=2&present=1');
  await expect(page.getByRole('region', { name: 'Presenter mode' })).toBeVisible();
  await expect(page.getByRole('region', { name: /Tour: / })).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(page).toHaveURL(/step=3/);
  await page.goto('./?strategy=modulo-hashing&users=1000&seed=2');
  await waitSimTime(page, 3);
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  expect(await violations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the CSP is in force: an injected inline script and style attribute are refused and reported', async ({
  page,
}) => {
  await watchViolations(page);
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'document.title = "pwned"';
    document.body.append(s);
    document.body.setAttribute('style', 'display:none');
  });
  await expect.poll(() => violations(page)).toHaveLength(2);
  const seen = await violations(page);
  expect(seen.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(seen.some((v) => v.startsWith('style-src'))).toBe(true);
  await expect(page).not.toHaveTitle('pwned');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
