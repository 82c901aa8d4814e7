/**
 * The engine worker can fail: an exception inside it is caught, the page says so in one line and
 * restarts from the newest checkpoint; a worker that dies outright is replaced by a fresh run.
 * Faults are injected from the test into the running worker (no fault switch ships in the page).
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { metricValue, slideTo, waitSimTime } from './helpers';

async function engineWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => /\/worker-[^/]*\.js$/.test(w.url()))).toBe(true);
  return page.workers().find((w) => /\/worker-[^/]*\.js$/.test(w.url()))!;
}

test('an exception in the worker: one line, the rest of the page alive, restart from the last checkpoint', async ({
  page,
}) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('./?strategy=consistent-hashing&users=3000&servers=4&seed=9');
  await slideTo(page, 'Speed', 5);
  await waitSimTime(page, 14);
  const worker = await engineWorker(page);
  // The next time the worker's host reads its clock (every tick), it throws, once.
  await worker.evaluate(() => {
    const real = performance.now.bind(performance);
    let armed = true;
    performance.now = () => {
      if (armed) {
        armed = false;
        throw new Error('injected worker fault');
      }
      return real();
    };
  });
  const alert = page.getByTestId('engine-failure');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('The simulation stopped: injected worker fault.');
  // One line: the text does not wrap.
  const box = await alert.locator('.engine-failure-text').boundingBox();
  expect(box!.height).toBeLessThan(30);
  await page.screenshot({ path: 'test-results/screens/failure-1280.png' });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(alert).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/failure-1920.png' });
  await page.setViewportSize({ width: 1280, height: 720 });

  // The rest of the page is alive and the run is paused where it stopped.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const stoppedAt = await metricValue(page, 'sim-time');
  expect(stoppedAt).toBeGreaterThanOrEqual(14);

  const restart = alert.getByRole('button', { name: /Restart from the last checkpoint \(t = \d+ s\)/ });
  const label = (await restart.textContent()) ?? '';
  const checkpointS = Number(/t = (\d+) s/.exec(label)![1]);
  // Checkpoints are taken by wall cost (engine v2), not every 5 simulated seconds: on a loaded
  // machine the newest may be the run's start (CI saw t = 0 at 17.5 s). It is never in the future.
  expect(checkpointS).toBeGreaterThanOrEqual(0);
  expect(checkpointS).toBeLessThanOrEqual(stoppedAt);
  await restart.click();
  await expect(alert).toBeHidden();
  // Continues from the checkpoint, not from zero, and runs on past where it stopped.
  await waitSimTime(page, stoppedAt + 3);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('a worker that dies outright: the page offers a fresh run and it runs', async ({ page }) => {
  await page.goto('./?strategy=pubsub&users=2000&servers=3&seed=4');
  await slideTo(page, 'Speed', 5);
  await waitSimTime(page, 6);
  const worker = await engineWorker(page);
  // Outside any tick: nothing in the worker can catch it, so the page hears the worker's error event.
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('worker lost');
    }, 0);
  });
  const alert = page.getByTestId('engine-failure');
  await expect(alert).toContainText('The simulation stopped:');
  await expect(alert).toContainText('worker lost');
  await alert.getByRole('button', { name: 'Restart the run' }).click();
  await expect(alert).toBeHidden();
  await expect.poll(() => metricValue(page, 'sim-time')).toBeLessThan(6);
  await waitSimTime(page, 4);
});

test('compare mode: an exception in its worker says so and the comparison restarts', async ({ page }) => {
  await page.goto('./?mode=compare&users=2000&servers=4&seed=3');
  const time = page.getByTestId('compare-time').locator('.num');
  await expect.poll(async () => Number((await time.textContent()) ?? 0)).toBeGreaterThan(2);
  await expect.poll(() => page.workers().some((w) => /\/compareWorker-[^/]*\.js$/.test(w.url()))).toBe(true);
  const worker = page.workers().find((w) => /\/compareWorker-[^/]*\.js$/.test(w.url()))!;
  await worker.evaluate(() => {
    const real = performance.now.bind(performance);
    let armed = true;
    performance.now = () => {
      if (armed) {
        armed = false;
        throw new Error('injected compare fault');
      }
      return real();
    };
  });
  const alert = page.getByRole('alert').filter({ hasText: 'The comparison stopped' });
  await expect(alert).toContainText('The comparison stopped: injected compare fault.');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('HopScope');
  await alert.getByRole('button', { name: 'Restart the comparison' }).click();
  await expect(alert).toBeHidden();
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(5);
  await expect.poll(async () => Number((await time.textContent()) ?? 0)).toBeGreaterThan(2);
});
