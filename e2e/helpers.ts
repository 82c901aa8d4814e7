import { expect, type Locator, type Page } from '@playwright/test';

/** "2.0K /s" → 2000, "1.2M" → 1.2e6, "—" → NaN. */
export function parseFigure(text: string): number {
  const m = /(-?\d+(?:\.\d+)?)\s*([KMB])?/.exec(text.replace(/,/g, ''));
  if (!m) return Number.NaN;
  const mult = m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'B' ? 1e9 : 1;
  return Number(m[1]) * mult;
}

export function metric(page: Page, id: string): Locator {
  return page.getByTestId(`metric-${id}`);
}

export async function metricValue(page: Page, id: string): Promise<number> {
  return parseFigure((await metric(page, id).textContent()) ?? '');
}

export function slider(page: Page, name: string): Locator {
  return page.getByRole('slider', { name, exact: true });
}

/**
 * Moves a slider with the keyboard, as a person would, until its announced value equals
 * `target` (parsed from aria-valuetext).
 */
export async function slideTo(page: Page, name: string, target: number): Promise<void> {
  const s = slider(page, name);
  await s.focus();
  for (let i = 0; i < 120; i++) {
    const now = parseFigure((await s.getAttribute('aria-valuetext')) ?? '');
    if (Math.abs(now - target) <= 1e-9 * Math.max(1, target)) return;
    await s.press(now < target ? 'ArrowRight' : 'ArrowLeft');
  }
  throw new Error(`slider ${name} never reached ${target}`);
}

/** Waits until simulated time has passed `seconds`. */
export async function waitSimTime(page: Page, seconds: number, timeout = 30_000): Promise<void> {
  await expect.poll(() => metricValue(page, 'sim-time'), { timeout }).toBeGreaterThanOrEqual(seconds);
}

export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/**
 * Browser storage of a returning visitor: the welcome card and the crash hint already seen, so
 * specs start on the bare page (playwright.config.ts uses it; welcome.spec.ts starts empty).
 */
export function returningVisitor(baseURL: string) {
  return {
    cookies: [],
    origins: [
      {
        origin: new URL(baseURL).origin,
        localStorage: [
          { name: 'hopscope.welcome', value: 'seen' },
          { name: 'hopscope.crashHint', value: 'seen' },
        ],
      },
    ],
  };
}
