/**
 * Issue 11, visible in the animation: with Zipf room popularity the hottest room's sampled clients
 * glow, and the broker's per-shard traffic bars (Redis Cluster masters) show its shard's bar as the
 * longest. With uniform popularity nothing glows and no bars are drawn.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';

// 2,000 users in rooms of 50: the hot room is users 0 … 49. The dots sample every k-th user
// (k = users per dot, from 0), so ⌈50 / k⌉ of them are in it.
const BASE = '/?strategy=pubsub&broker=redis-cluster&brokerShards=4&topic=room&users=2000&roomSize=50&seed=5';

interface Seen {
  glowing: number;
  caption: string;
  hottest: string | null;
  bars: { shard: number; fill: number; hottest: boolean }[];
}

function read(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('[data-testid="broker-detail"]');
    const bars = [...document.querySelectorAll<SVGGElement>('[data-testid="broker-detail"] g.bd-shard')]
      .map((g, shard) => ({
        shard,
        fill: g.dataset.traffic === undefined ? NaN : Number(g.dataset.traffic),
        hottest: g.classList.contains('hottest'),
      }))
      .filter((b) => !Number.isNaN(b.fill));
    return {
      glowing: document.querySelectorAll('.topo circle.client.hot').length,
      caption: document.querySelector('.topo .clients text.caption')?.textContent ?? '',
      hottest: svg?.getAttribute('data-hottest-shard') ?? null,
      bars,
    };
  });
}

test('zipf: the hot room glows and its shard has the longest traffic bar', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`${BASE}&roomPopularity=zipf`);
  await waitSimTime(page, 3);
  let seen: Seen | null = null;
  await expect
    .poll(
      async () => {
        seen = await read(page);
        return seen.bars.length === 4 && seen.glowing > 0 && seen.bars.some((b) => b.fill > 0 && b.fill < 1);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  const s = seen!;
  const per = Number(/each dot = (\d+) users?/.exec(s.caption)?.[1]);
  expect(per).toBeGreaterThanOrEqual(1);
  expect(s.glowing).toBe(Math.ceil(50 / per));
  // The marked bar is the longest (full length), and the only one that is.
  const hot = s.bars.filter((b) => b.hottest);
  expect(hot).toHaveLength(1);
  expect(hot[0]!.fill).toBe(1);
  expect(String(hot[0]!.shard)).toBe(s.hottest);
  for (const b of s.bars) if (!b.hottest) expect(b.fill).toBeLessThan(1);
  // Drawn: the bar's rect is visible and wider than every other shard's.
  const widths = await page.evaluate(() =>
    [
      ...document.querySelectorAll<SVGRectElement>(
        '[data-testid="broker-detail"] g.bd-shard rect.bd-traffic',
      ),
    ].map((r) => r.getBBox().width),
  );
  const w = widths[hot[0]!.shard]!;
  expect(w).toBeGreaterThan(0);
  for (let i = 0; i < widths.length; i++) if (i !== hot[0]!.shard) expect(widths[i]!).toBeLessThan(w);
  expect(errors).toEqual([]);
});

test('uniform popularity: no glow and no traffic bars', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(BASE);
  await waitSimTime(page, 3);
  await expect(page.locator('[data-testid="broker-detail"]')).toHaveAttribute(
    'data-broker-detail',
    'cluster',
  );
  const s = await read(page);
  expect(s.glowing).toBe(0);
  expect(s.bars).toEqual([]);
  expect(s.hottest).toBeNull();
  expect(errors).toEqual([]);
});

test('kafka: one traffic bar per partition when partitions = shards, the hottest the longest; none otherwise', async ({
  page,
}) => {
  const errors = collectErrors(page);
  const KAFKA = '/?strategy=pubsub&broker=kafka&topic=room&users=2000&roomSize=50&seed=5&roomPopularity=zipf';
  const rows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll<SVGGElement>('[data-testid="broker-detail"] g.bd-row')].map((g) => ({
        fill: g.dataset.traffic === undefined ? null : Number(g.dataset.traffic),
        hottest: g.classList.contains('hottest'),
      })),
    );
  await page.goto(`${KAFKA}&brokerShards=4&partitions=4`);
  await waitSimTime(page, 3);
  await expect
    .poll(async () => (await rows()).filter((r) => r.fill !== null && r.fill > 0).length, { timeout: 20_000 })
    .toBe(4);
  const r = await rows();
  const hot = r.filter((x) => x.hottest);
  expect(hot).toHaveLength(1);
  expect(hot[0]!.fill).toBe(1);
  for (const x of r) if (!x.hottest) expect(x.fill!).toBeLessThan(1);
  // 12 partitions over 4 shards: a shard is not a partition, so no per-partition bars.
  await page.goto(`${KAFKA}&brokerShards=4&partitions=12`);
  await waitSimTime(page, 3);
  await expect.poll(async () => (await rows()).length, { timeout: 20_000 }).toBe(12);
  expect((await rows()).every((x) => x.fill === null && !x.hottest)).toBe(true);
  expect(errors).toEqual([]);
});
