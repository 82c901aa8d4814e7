// `npm run bench:browser`: opens the built site in headless Chromium at 1,000,000 users for each
// strategy and measures what a presenter would feel: frames per second on the main thread, the
// simulated speed the worker sustains, the JS heap, and the longest main-thread task while
// switching strategy, dragging Users from 10 to 1,000,000 and adding servers. Prints JSON.
//
//   npm run bench:browser                      # all strategies + interactions + a soak
//   npm run bench:browser -- --only pubsub     # one strategy
//   npm run bench:browser -- --soak-sim-s 3600 # soak until an hour of simulated time
//   BENCH_PORT=4324 npm run bench:browser      # serve on a port of your own
//   npm run bench:browser -- --soak-only --soak-sim-s 3600 --soak-wall-s 3600  # just the soak
//   npm run bench:browser -- --storm           # just a reconnect storm: 1M users, a server crashes
//                                              # (heartbeats, immediate reconnect); fps per second
//   STORM_TIMELINE=500:crash-server:3 npm run bench:browser -- --storm  # the same run with no crash in
//                                              # the window: the baseline on this machine
//   npm run bench:browser -- --guarantees      # pub/sub and consistent hashing at 1M users with
//                                              # sequence numbers, DB recovery, an idempotent client
//                                              # and at-least-once on (the costliest combination)
//
// Measurements live here, never in timed unit tests.
import { preview } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium, NO_BROWSER_MESSAGE } from './chromium.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const only = opt('only', '');
const stormOnly = args.includes('--storm');
const guaranteesOn = args.includes('--guarantees');
const soakOnly = args.includes('--soak-only') || stormOnly;
/** `--guarantees`: every delivery-guarantee mechanism that costs the engine work, on. */
const GUARANTEES = guaranteesOn
  ? { sequenceNumbers: 'true', recovery: 'db', idempotent: 'true', delivery: 'at-least-once' }
  : {};
const measureS = Number(opt('measure-s', '15'));
const soakSimS = Number(opt('soak-sim-s', '3600'));
const soakWallS = Number(opt('soak-wall-s', '420'));
// The guarantees apply to the push strategies: pub/sub, and consistent hashing (its migration dual-sends).
const STRATEGIES = (
  guaranteesOn
    ? ['pubsub', 'consistent-hashing']
    : ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub']
).filter((s) => !soakOnly && (!only || only.split(',').includes(s)));

const log = (...m) => console.error('[bench:browser]', ...m);

const executablePath = await findChromium();
if (!executablePath) {
  console.error(NO_BROWSER_MESSAGE);
  process.exit(1);
}

// Several checkouts may bench at once: BENCH_PORT (or E2E_PORT) gives each its own port.
const port = Number(process.env.BENCH_PORT ?? process.env.E2E_PORT ?? 4399);
const server = await preview({
  preview: { port, strictPort: false, host: '127.0.0.1', open: false },
  logLevel: 'silent',
});
const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4399/';
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });

/** The same 1M-user workloads as the Node bench (DB sized so polling is ~75 % busy). */
function query(strategy, extra = {}) {
  const q = new URLSearchParams({
    strategy,
    users: '1000000',
    servers: '16',
    dbConcurrency: '156',
    seed: '1',
    ...GUARANTEES,
    ...extra,
  });
  if (strategy === 'modulo-hashing' || strategy === 'consistent-hashing') q.set('timeline', '8:add-server');
  return `${base}?${q}`;
}

async function openPage(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    // Frame and long-task recorders, installed before the app starts.
    window.__bench = { frames: [], longTasks: [] };
    const tick = (t) => {
      window.__bench.frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.__bench.longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      /* no long-task support */
    }
  });
  await page.goto(url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp, errors };
}

async function simTimeS(page) {
  const text = await page.getByTestId('metric-sim-time').innerText();
  const m = text.replace(/,/g, '').match(/([\d.]+)/);
  return m ? Number(m[1]) : NaN;
}

/** A metric tile's text (null when the page does not show it). */
async function tileText(page, testId) {
  const tile = page.getByTestId(testId);
  return (await tile.count()) > 0 ? (await tile.first().innerText()).replace(/\s+/g, ' ') : null;
}

async function heapMb(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  return Math.round((used / 1048576) * 10) / 10;
}

async function waitForSim(page, atLeastS, timeoutMs = 60_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await simTimeS(page)) >= atLeastS) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

/** Sets a range input the way a drag would (native setter + input event, so React sees it). */
async function setRange(locator, value) {
  await locator.evaluate((el, v) => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    set.call(el, String(v));
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function framesSince(page, sinceMs) {
  return page.evaluate((since) => {
    const f = window.__bench.frames.filter((t) => t >= since);
    const gaps = [];
    for (let i = 1; i < f.length; i++) gaps.push(f[i] - f[i - 1]);
    gaps.sort((a, b) => a - b);
    const spanS = f.length > 1 ? (f[f.length - 1] - f[0]) / 1000 : 0;
    return {
      fps: spanS > 0 ? Math.round(((f.length - 1) / spanS) * 10) / 10 : 0,
      frameP95Ms: gaps.length ? Math.round(gaps[Math.floor(gaps.length * 0.95)] * 10) / 10 : 0,
      frameMaxMs: gaps.length ? Math.round(gaps[gaps.length - 1] * 10) / 10 : 0,
    };
  }, sinceMs);
}

async function longestTaskSince(page, sinceMs) {
  return page.evaluate((since) => {
    const t = window.__bench.longTasks.filter((e) => e.start >= since);
    return t.length ? Math.round(Math.max(...t.map((e) => e.ms))) : 0;
  }, sinceMs);
}

const results = [];
for (const strategy of STRATEGIES) {
  log(strategy, '…');
  const { page, cdp, errors } = await openPage(query(strategy));
  const started = await waitForSim(page, 1.5);
  if (!started) {
    results.push({ strategy, users: 1_000_000, error: 'the simulation did not start within 60 s', errors });
    await page.close();
    continue;
  }
  // ×1: does the worker keep up with the wall clock while the page animates?
  const sim0 = await simTimeS(page);
  const now0 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(measureS * 1000);
  const sim1 = await simTimeS(page);
  const now1 = await page.evaluate(() => performance.now());
  const frames = await framesSince(page, now0);
  const speedAt1 = (sim1 - sim0) / ((now1 - now0) / 1000);
  const heapAt1 = await heapMb(cdp);
  // Flat out: the highest speed the worker sustains here, and whether the page says so.
  const speedSlider = page.getByRole('slider', { name: 'Speed' });
  const max = await speedSlider.evaluate((el) => el.max);
  await setRange(speedSlider, max);
  await page.waitForTimeout(3000);
  const simA = await simTimeS(page);
  const nowA = await page.evaluate(() => performance.now());
  await page.waitForTimeout(8000);
  const simB = await simTimeS(page);
  const nowB = await page.evaluate(() => performance.now());
  const framesFast = await framesSince(page, nowA);
  const behindNotice = await page.getByText(/running at ×/i).count();
  results.push({
    strategy,
    users: 1_000_000,
    ...(guaranteesOn ? { guarantees: GUARANTEES, gapsTile: await tileText(page, 'metric-gaps') } : {}),
    speedRequested: 1,
    speedAchieved: Math.round(speedAt1 * 100) / 100,
    fps: frames.fps,
    frameP95Ms: frames.frameP95Ms,
    frameMaxMs: frames.frameMaxMs,
    maxSpeedAchieved: Math.round(((simB - simA) / ((nowB - nowA) / 1000)) * 10) / 10,
    fpsAtMaxSpeed: framesFast.fps,
    frameP95MsAtMaxSpeed: framesFast.frameP95Ms,
    behindNoticeShown: behindNotice > 0,
    heapMb: heapAt1,
    heapMbAfterMax: await heapMb(cdp),
    pageErrors: errors,
  });
  await page.close();
}

// Interactions at scale: the main thread must never block for more than 100 ms.
let interactions = null;
if (!only && !soakOnly && !guaranteesOn) {
  log('interactions …');
  const { page } = await openPage(query('polling'));
  await waitForSim(page, 1);
  const t0 = await page.evaluate(() => performance.now());
  const marks = {};
  const mark = async (name, fn) => {
    const s = await page.evaluate(() => performance.now());
    await fn();
    await page.waitForTimeout(1500);
    marks[name] = await longestTaskSince(page, s);
  };
  for (const label of ['Simple hashing', 'Consistent hashing', 'Pub/Sub', 'Polling']) {
    await mark(`switch to ${label}`, () => page.getByRole('radio', { name: label }).check());
  }
  const users = page.getByRole('slider', { name: 'Users' });
  const [min, max] = await users.evaluate((el) => [el.min, el.max]);
  await mark('Users → 10', () => setRange(users, min));
  await mark('Users → 1,000,000', () => setRange(users, max));
  await page.getByRole('radio', { name: 'Consistent hashing' }).check();
  await waitForSim(page, 1);
  await mark('Add server at 1M users', () => page.getByRole('button', { name: 'Add server' }).click());
  interactions = { longestTaskMs: marks, overallLongestTaskMs: await longestTaskSince(page, t0) };
  await page.close();
}

// Soak: polling at 1M users flat out; the page heap after the first simulated minute vs at the end.
// Storm: pub/sub at 1M users on 16 servers, heartbeats at their defaults, reconnect immediate;
// S3 crashes at 5 s and its 62,500 clients notice one by one over the next 20–45 s and reconnect
// at once. Frames per wall second through the crash and the detection window, at ×1.
let storm = null;
if (stormOnly) {
  log('storm …');
  // The crash is scripted in the link, so it lands at 5.0 s whatever the first visit's welcome card covers.
  const { page, errors } = await openPage(
    query('pubsub', { reconnect: 'immediate', timeline: process.env.STORM_TIMELINE ?? '5:crash-server:3' }),
  );
  await waitForSim(page, 5, 120_000);
  const crashAtWall = await page.evaluate(() => performance.now());
  const crashAtSim = await simTimeS(page);
  const stormWallS = Number(opt('storm-wall-s', '50'));
  await page.waitForTimeout(stormWallS * 1000);
  const endSim = await simTimeS(page);
  const perSecond = await page.evaluate(
    ({ since, seconds }) => {
      const f = window.__bench.frames.filter((t) => t >= since);
      const bins = new Array(seconds).fill(0);
      for (const t of f) {
        const i = Math.floor((t - since) / 1000);
        if (i < seconds) bins[i]++;
      }
      return bins;
    },
    { since: crashAtWall, seconds: stormWallS },
  );
  const frames = await framesSince(page, crashAtWall);
  storm = {
    strategy: 'pubsub',
    users: 1_000_000,
    servers: 16,
    reconnect: 'immediate',
    crashAtSimS: crashAtSim,
    simSecondsCovered: Math.round((endSim - crashAtSim) * 10) / 10,
    fps: frames.fps,
    frameP95Ms: frames.frameP95Ms,
    frameMaxMs: frames.frameMaxMs,
    worstSecondFps: Math.min(...perSecond),
    fpsPerWallSecond: perSecond,
    longestTaskMs: await longestTaskSince(page, crashAtWall),
    pageErrors: errors,
  };
  await page.close();
}

let soak = null;
if (!only && !stormOnly && !guaranteesOn && soakWallS > 0) {
  log(`soak (up to ${soakSimS} simulated s or ${soakWallS} wall s) …`);
  const { page, cdp } = await openPage(query('polling'));
  await waitForSim(page, 1);
  await setRange(
    page.getByRole('slider', { name: 'Speed' }),
    await page.getByRole('slider', { name: 'Speed' }).evaluate((el) => el.max),
  );
  const samples = [];
  const tStart = Date.now();
  let heapAfterMinute = null;
  while ((Date.now() - tStart) / 1000 < soakWallS) {
    await page.waitForTimeout(5000);
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const simS = await simTimeS(page);
    const heap = await heapMb(cdp);
    samples.push({ wallS: Math.round((Date.now() - tStart) / 1000), simS, heapMb: heap });
    if (heapAfterMinute === null && simS >= 60) heapAfterMinute = heap;
    if (simS >= soakSimS) break;
  }
  const last = samples[samples.length - 1];
  soak = {
    strategy: 'polling',
    users: 1_000_000,
    simSecondsReached: last?.simS ?? 0,
    heapMbAfterFirstSimMinute: heapAfterMinute,
    heapMbAtEnd: last?.heapMb ?? null,
    heapMbMax: Math.max(...samples.map((s) => s.heapMb)),
    samples: samples.filter((_, i) => i % 6 === 0 || i === samples.length - 1),
  };
  await page.close();
}

await browser.close();
await new Promise((r) => server.httpServer.close(r));
console.log(
  JSON.stringify(
    {
      results,
      interactions,
      soak,
      storm,
      environment: { chromium: browser.version?.() ?? 'chromium', viewport: '1280x720' },
    },
    null,
    2,
  ),
);
process.exit(0);
