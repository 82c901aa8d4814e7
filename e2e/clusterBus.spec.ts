/**
 * Redis Cluster bus traffic in the animation (issue 10): the broker draws its masters and dots
 * travelling between them. PUBLISH sends every message to every other node (masters × (1 +
 * replicas) − 1 = 5 here), SPUBLISH only to its shard's replica (1), so the same run shows several
 * times more bus dots with PUBLISH. The detail's SVG says what it drew: `data-bus-dots` in flight
 * now, `data-bus-sent` since the run started, in `data-bus-bursts` publishes.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, metricValue, waitSimTime } from './helpers';

const BASE =
  './?strategy=pubsub&users=5000&messagesPerUserPerMin=6&servers=4&seed=3&broker=redis-cluster&brokerShards=3&brokerReplicas=1';

async function busFigures(page: Page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="broker-detail"]')!;
    return {
      detail: svg.getAttribute('data-broker-detail'),
      dots: Number(svg.getAttribute('data-bus-dots') ?? 0),
      sent: Number(svg.getAttribute('data-bus-sent') ?? 0),
      bursts: Number(svg.getAttribute('data-bus-bursts') ?? 0),
      masters: svg.querySelectorAll('.bd-shard').length,
      replicas: svg.querySelectorAll('.bd-replica').length,
      title: svg.querySelector('.bd-title')?.textContent ?? '',
    };
  });
}

/** Runs `mode` to 4 simulated seconds; returns the bus dots sent and the most seen at once. */
async function run(page: Page, mode: 'publish' | 'spublish') {
  await page.goto(`${BASE}&clusterPublish=${mode}`);
  let most = 0;
  await expect
    .poll(
      async () => {
        const f = await busFigures(page);
        most = Math.max(most, f.dots);
        // Dots seen in flight, and several publishes drawn, over at least 4 simulated seconds.
        return (
          f.detail === 'cluster' && most > 0 && f.bursts > 5 && (await metricValue(page, 'sim-time')) >= 4
        );
      },
      { timeout: 50_000, intervals: [50] },
    )
    .toBe(true);
  const f = await busFigures(page);
  return { ...f, most };
}

test('Redis Cluster: masters and their replicas drawn, bus dots travel, PUBLISH sends far more than SPUBLISH', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const pub = await run(page, 'publish');
  expect(pub.masters).toBe(3);
  expect(pub.replicas).toBe(3);
  expect(pub.title).toBe('PUBLISH → all 5 nodes');
  expect(pub.most).toBeGreaterThan(0);
  const sp = await run(page, 'spublish');
  expect(sp.title).toBe('SPUBLISH → 1 replica');
  expect(sp.most).toBeGreaterThan(0);
  expect(sp.sent).toBeGreaterThan(0);
  // 5 bus messages per PUBLISH against 1 per SPUBLISH: each publish drawn sends that many dots.
  expect(pub.bursts).toBeGreaterThan(5);
  expect(sp.bursts).toBeGreaterThan(5);
  expect(pub.sent / pub.bursts).toBe(5);
  expect(sp.sent / sp.bursts).toBe(1);
  expect(pub.most).toBeGreaterThan(sp.most);
  expect(errors).toEqual([]);
});

test('the cluster title fits the broker column at 1280 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${BASE.replace('brokerShards=3', 'brokerShards=6')}&clusterPublish=publish`);
  await waitSimTime(page, 1);
  const fit = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="broker-detail"] .bd-title') as SVGTextElement;
    const broker = document.querySelector('.node.broker')!.getBoundingClientRect();
    const r = t.getBoundingClientRect();
    return { left: r.left, right: r.right, bLeft: broker.left, bRight: broker.right, text: t.textContent };
  });
  expect(fit.text).toBe('PUBLISH → all 11 nodes');
  expect(fit.left).toBeGreaterThanOrEqual(fit.bLeft - 8);
  expect(fit.right).toBeLessThanOrEqual(fit.bRight + 8);
});
