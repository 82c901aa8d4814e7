/**
 * Restart and Deploy (issue 11): a rolling deploy runs through every server, one draining at a
 * time, and refuses a second deploy while it rolls; a crashed server's card restarts it and its
 * clients come back to it; a double click or a held key acts once.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, slideTo } from './helpers';
import { hook, nothingOwed, settled, type HookState } from './engineState';

const USERS = 2000;
const N = 3;

type Live = NonNullable<HookState['live']>;
interface Recorder {
  order: number[];
  most: number;
}

async function live(page: Page): Promise<Live> {
  const h = await hook(page);
  if (!h.live) throw new Error('no run yet');
  return h.live;
}

async function allConnected(page: Page): Promise<void> {
  await expect
    .poll(async () => (await live(page).catch(() => null))?.servers.reduce((a, s) => a + s.connections, 0), {
      timeout: 30_000,
    })
    .toBe(USERS);
}

test('a rolling deploy drains every server in turn and refuses a second one meanwhile', async ({ page }) => {
  const errors = collectErrors(page);
  // Lame duck, shortened: stop accepting, 1 s grace, close the clients by 4 s.
  await page.goto(`./?strategy=pubsub&users=${USERS}&servers=${N}&drainGraceS=1&drainCloseS=4`);
  await settled(page);
  await slideTo(page, 'Speed', 2);
  await allConnected(page);

  // Records, at every animation frame, which servers drain and how many at once.
  await page.evaluate(() => {
    const w = window as unknown as { __drained: Recorder; __hopscope: { state(): HookState } };
    w.__drained = { order: [], most: 0 };
    const tick = () => {
      const l = w.__hopscope.state().live;
      const draining = l ? l.servers.filter((x) => x.state === 'draining') : [];
      w.__drained.most = Math.max(w.__drained.most, draining.length);
      for (const x of draining) if (!w.__drained.order.includes(x.id)) w.__drained.order.push(x.id);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const deploy = page.getByRole('button', { name: 'Deploy', exact: true });
  // A double click starts one deploy.
  await deploy.dblclick();
  await expect
    .poll(async () => {
      const l = await live(page);
      return l.servers.filter((s) => s.state === 'draining').length;
    })
    .toBe(1);
  // The stage shows the draining server, and the rail says where the deploy is.
  await expect(page.locator('svg.topo g.server[data-state="draining"]')).toHaveCount(1);
  await expect(page.getByTestId('deploy-status')).toContainText(/Deploying: S\d restarting \(\d of 3\)/);

  // A second deploy while it rolls: by click and by key (held, so it repeats), each refused.
  await deploy.click();
  await page.keyboard.down('d');
  await page.keyboard.down('d');
  await page.keyboard.up('d');
  const refusals = (await hook(page)).notices.filter((n) =>
    /^Deploy not done: a deploy is already (rolling|starting)/.test(n),
  );
  expect(refusals.length).toBeGreaterThanOrEqual(2);
  await expect(page.getByText(/Deploy not done: a deploy is already/).first()).toBeVisible();

  // Every server drained in its turn, one at a time (the page's recorder saw every frame).
  await expect.poll(async () => (await live(page)).deploy, { timeout: 40_000 }).toBeNull();
  const rec = await page.evaluate(() => (window as unknown as { __drained: Recorder }).__drained);
  expect(rec.order).toEqual([0, 1, 2]);
  expect(rec.most).toBe(1);

  // Afterwards: one deploy in the engine's timeline and the page's, every server up, everyone back.
  const h = await settled(page);
  expect(h.live!.timeline.filter((a) => a.action === 'deploy')).toHaveLength(1);
  expect(h.page.timeline.filter((a) => a.action === 'deploy')).toHaveLength(1);
  expect(h.live!.servers.map((s) => s.state)).toEqual(['up', 'up', 'up']);
  await allConnected(page);
  await expect(page.getByTestId('deploy-status')).toHaveCount(0);
  await expect(page.locator('.timeline-chips')).toContainText(/Deploy @ \d+\.\d s/);
  expect(new URL(page.url()).searchParams.get('timeline')).toMatch(/^[\d.]+:deploy$/);
  await nothingOwed(page);
  expect(errors).toEqual([]);
});

test('a crashed server restarts from its card, once, and its clients come back to it', async ({ page }) => {
  const errors = collectErrors(page);
  // Heartbeats every 10 s, 10 s timeout: the crashed server's clients notice 10–20 s after the crash.
  await page.goto(
    `./?strategy=pubsub&users=${USERS}&servers=${N}&heartbeatIntervalS=10&heartbeatTimeoutS=10`,
  );
  await settled(page);
  await slideTo(page, 'Speed', 2);
  await allConnected(page);

  await page.getByRole('button', { name: 'Crash server 2', exact: true }).click();
  const restart = page.getByRole('button', { name: 'Restart S2', exact: true });
  await expect(restart).toBeVisible();
  await expect.poll(async () => (await live(page)).servers[2]!.state).toBe('down');
  const crashedAtS = (await live(page)).nowS;
  // Back before its clients noticed: when they do, they reconnect, and the least-loaded server
  // the load balancer picks is the empty one that came back.
  await restart.dblclick();
  await expect.poll(async () => (await live(page)).servers[2]!.state).toBe('up');
  await expect(page.getByRole('button', { name: 'Crash server 2', exact: true })).toBeVisible();
  const l = await live(page);
  expect(l.timeline.filter((a) => a.action === 'restart-server')).toEqual([
    expect.objectContaining({ action: 'restart-server', server: 2 }),
  ]);
  expect(l.nowS).toBeLessThan(crashedAtS + 10);
  await expect
    .poll(async () => (await live(page)).servers[2]!.connections, { timeout: 40_000 })
    .toBeGreaterThan(0);
  await allConnected(page);
  await expect(page.locator('.timeline-chips')).toContainText(/S2 restart @ \d+\.\d s/);
  expect(new URL(page.url()).searchParams.get('timeline')).toMatch(/crash-server:2,[\d.]+:restart-server:2$/);
  await settled(page);
  await nothingOwed(page);
  expect(errors).toEqual([]);
});
