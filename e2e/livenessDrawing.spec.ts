/**
 * Issue 11, visible in the animation: a crashed server's detection countdown and its clients going
 * red one by one as each notices; the connection cap as a line on each server's bar; the broker's
 * output-buffer gauge on a slow consumer's link; the reconnect chart at 100 ms.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';

// Short heartbeats so the whole detection window fits in a few seconds: pings every I = 4 s,
// timeout T = 2 s → each client notices uniformly on [2 s, 6 s] after the crash at 3 s.
const CRASH =
  '/?strategy=pubsub&users=2000&servers=4&heartbeatIntervalS=4&heartbeatTimeoutS=2&timeline=3:crash-server:1&seed=3';

interface Dots {
  unaware: number;
  red: number;
  simS: number;
  countdown: { remaining: number; unaware: number; text: string } | null;
}

/** Client-dot counts, the countdown and the clock, in one read. */
function readDots(page: Page): Promise<Dots> {
  return page.evaluate(() => {
    const cd = document.querySelector<SVGGElement>('[data-testid="detect-countdown"][data-server="1"]');
    const hook = (window as unknown as { __hopscope: { state(): { live: { nowS: number } | null } } })
      .__hopscope;
    return {
      unaware: document.querySelectorAll('.topo circle.client.unaware').length,
      red: document.querySelectorAll('.topo circle.client.moved').length,
      simS: hook.state().live?.nowS ?? NaN,
      countdown: cd
        ? {
            remaining: Number(cd.dataset.remaining),
            unaware: Number(cd.dataset.unaware),
            text: cd.querySelector('text')?.textContent ?? '',
          }
        : null,
    };
  });
}

test('a crashed server counts down to its last client noticing; its clients go red one by one', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto(CRASH);
  // Once crashed, before anyone can have noticed (2 s): a countdown from at most I + T = 6 s.
  await expect(page.getByTestId('detect-countdown')).toBeVisible({ timeout: 20_000 });
  const first = await readDots(page);
  expect(first.countdown).not.toBeNull();
  expect(first.countdown!.remaining).toBeLessThanOrEqual(6);
  expect(first.countdown!.text).toMatch(/^(≤ )?\d+ s( · \d+( unaware)?)?$/);
  // Seen: the page's clock and the deadline agree (crash at 3 s + 6 s).
  expect(first.countdown!.remaining).toBeGreaterThanOrEqual(Math.floor(9 - first.simS) - 1);

  // Collect what the page shows until the countdown is gone.
  const seen: Dots[] = [first];
  await expect
    .poll(
      async () => {
        const d = await readDots(page);
        seen.push(d);
        // The dots follow at the summary's rate (≤ 10 Hz), a moment after the countdown.
        return d.countdown === null && d.simS > 9 && d.unaware === 0;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBe(true);
  const counting = seen.filter((d) => d.countdown !== null);
  const remaining = counting.map((d) => d.countdown!.remaining);
  // It counts down: never up, and through several distinct seconds.
  for (let i = 1; i < remaining.length; i++) expect(remaining[i]!).toBeLessThanOrEqual(remaining[i - 1]!);
  expect(new Set(remaining).size).toBeGreaterThanOrEqual(3);
  // The unaware dots fall step by step (not all at once) while red ones appear.
  const unaware = seen.map((d) => d.unaware);
  expect(Math.max(...unaware)).toBeGreaterThan(5);
  for (let i = 1; i < counting.length; i++)
    expect(counting[i]!.countdown!.unaware).toBeLessThanOrEqual(counting[i - 1]!.countdown!.unaware);
  const levels = new Set(unaware.filter((u) => u > 0));
  // At least one level between all unaware and none: they notice one by one, not at once.
  expect(levels.size).toBeGreaterThanOrEqual(2);
  expect(Math.max(...seen.map((d) => d.red))).toBeGreaterThan(0);
  // After I + T nobody is unaware any more.
  expect(seen[seen.length - 1]!.unaware).toBe(0);
  expect(errors).toEqual([]);
});

test('a connection cap draws a line on each server’s connection bar', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?strategy=pubsub&users=1000&servers=4&maxConnectionsPerServer=300');
  await waitSimTime(page, 2);
  const lines = page.locator('.topo g.server line.cap-line:not([display="none"])');
  await expect(lines).toHaveCount(4);
  // The bar's scale is the cap, so the line sits at the end of the bar's track.
  const fit = await page.evaluate(() =>
    [...document.querySelectorAll<SVGGElement>('.topo g.server')].map((g) => {
      const line = g.querySelector('line.cap-line')!.getBoundingClientRect();
      const track = g.querySelector('rect.conn-bg')!.getBoundingClientRect();
      return Math.abs(line.x + line.width / 2 - (track.x + track.width));
    }),
  );
  for (const d of fit) expect(d).toBeLessThan(2);
  // Without a cap, no line.
  await page.goto('/?strategy=pubsub&users=1000&servers=4');
  await waitSimTime(page, 1);
  await expect(page.locator('.topo g.server line.cap-line:not([display="none"])')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a slow consumer’s broker link carries an output-buffer gauge that fills', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(
    '/?strategy=pubsub&users=2000&servers=4&roomSize=20&messagesPerUserPerMin=30&slowConsumerShare=0.25&slowConsumerMsgsPerS=10&outputBufferHardKb=2048&outputBufferSoftKb=1024&socketBufferKb=256',
  );
  const gauge = page.getByTestId('buffer-gauge');
  await expect(gauge).toHaveCount(1, { timeout: 20_000 });
  // It fills, then trips: red, "cut off".
  await expect
    .poll(async () => Number(await gauge.getAttribute('data-fill')), { timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect(gauge).toHaveAttribute('data-state', 'cut', { timeout: 40_000 });
  await expect(gauge.locator('text')).toHaveText('cut');
  expect(errors).toEqual([]);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
])
  test(`crash storm at ${size.width}×${size.height}: countdown, red clients and the 100 ms reconnect chart`, async ({
    page,
  }) => {
    const errors = collectErrors(page);
    await page.setViewportSize(size);
    await page.goto(
      '/?strategy=pubsub&users=20300&servers=4&heartbeatIntervalS=10&heartbeatTimeoutS=4&reconnect=immediate&maxConnectionsPerServer=7000&slowConsumerShare=0.25&slowConsumerMsgsPerS=200&messagesPerUserPerMin=6&roomSize=10&timeline=3:crash-server:1&seed=5',
    );
    await expect(page.getByTestId('detect-countdown')).toBeVisible({ timeout: 20_000 });
    // In the middle of the detection window some clients have noticed and some not yet.
    await expect
      .poll(
        async () => {
          const d = await readDots(page);
          return d.red > 0 && d.unaware > 0;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const chart = page.locator('figure[data-chart="reconnect-bins"]');
    await expect(chart).toBeVisible();
    await expect.poll(() => chart.locator('rect.bin').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `test-results/screens/crash-storm-${size.width}x${size.height}.png` });
    expect(errors).toEqual([]);
  });

test('a lame-duck server says so, then counts down the clients it still holds as it drains', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto(
    '/?strategy=pubsub&users=2000&servers=4&drain=lame-duck&drainGraceS=3&drainCloseS=10&timeline=2:remove-server:1',
  );
  const note = page.locator('.topo g.server[data-server="1"] text.conns');
  await expect(note).toHaveText(/^lame duck · \d+$/, { timeout: 20_000 });
  const held = Number((await note.textContent())!.split('· ')[1]);
  expect(held).toBeGreaterThan(300);
  await expect(note).toHaveText(/^draining · \d+$/, { timeout: 20_000 });
  // It closes its clients a few at a time: the count it shows falls below what it held.
  await expect
    .poll(async () => {
      const t = (await note.textContent()) ?? '';
      return /^draining · \d+$/.test(t) ? Number(t.split('· ')[1]) : held;
    })
    .toBeLessThan(held / 2);
  expect(errors).toEqual([]);
});

test('a reconnect herd fills the accept queues beside the server cards', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(
    '/?strategy=pubsub&users=20000&servers=4&drain=kill&reconnect=immediate&acceptPerS=50&timeline=2:remove-server:1',
  );
  await expect.poll(() => page.getByTestId('accept-queue').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  // A herd of 5,000 onto 3 servers accepting 50/s each: the queues stand at the listen backlog
  // (511) for seconds of simulated time. Keep the longest seen across reads.
  let longest = 0;
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(() =>
          Math.max(
            0,
            ...[...document.querySelectorAll<SVGGElement>('[data-testid="accept-queue"]')].map((g) =>
              Number(g.dataset.queue),
            ),
          ),
        );
        longest = Math.max(longest, now);
        return longest;
      },
      { timeout: 40_000, intervals: [100] },
    )
    .toBeGreaterThan(400);
  await page.screenshot({ path: 'test-results/screens/accept-herd-1280x720.png' });
  expect(errors).toEqual([]);
});
