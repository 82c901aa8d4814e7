/** Reads the page's read-only test hook (`window.__hopscope`, set by src/view/controller.ts). */
import { expect, type Page } from '@playwright/test';

export interface HookState {
  runId: number;
  /** The scenario the engine said it runs (null until its `ready`). */
  engine: {
    strategy: string;
    users: number;
    servers: number;
    timeline: { atS: number; action: string; server?: number }[];
  } | null;
  /** The scenario the controls show. */
  page: {
    strategy: string;
    users: number;
    servers: number;
    roomSize: number;
    seed: number;
    messagesPerUserPerMin: number;
    pollIntervalS: number;
    vnodes: number;
    timeline: { atS: number; action: string; server?: number }[];
  };
  live: {
    nowS: number;
    upServers: number;
    migrating: boolean;
    timeline: { atS: number; action: string; server: number }[];
    /** Per server as the stage shows it (a deploy's restart drains like a removal). */
    servers: { id: number; state: 'up' | 'draining' | 'down' | 'gone'; connections: number }[];
    /** The rolling deploy in progress (null when none). */
    deploy: { order: number[]; done: number; waiting: number } | null;
  } | null;
  notices: string[];
  /** Work the page owes: actions the engine has not answered, an address-bar write due. */
  pending: { acts: number; url: boolean };
  mode: 'single' | 'compare';
  compareServers: number | null;
}

export function hook(page: Page): Promise<HookState> {
  return page.evaluate(() =>
    (window as unknown as { __hopscope: { state(): HookState } }).__hopscope.state(),
  );
}

/** Waits until the engine runs what the controls show (the restart debounce has passed). */
export async function settled(page: Page, timeout = 10_000): Promise<HookState> {
  let last: HookState | null = null;
  await expect
    .poll(
      async () => {
        last = await hook(page);
        const e = last.engine;
        if (!e || !last.live) return 'no run yet';
        const p = last.page;
        if (e.strategy !== p.strategy || e.users !== p.users || e.servers !== p.servers)
          return `engine ${e.strategy}/${e.users}/${e.servers} vs page ${p.strategy}/${p.users}/${p.servers}`;
        return 'ok';
      },
      { timeout },
    )
    .toBe('ok');
  return last!;
}

/** The Servers field as a number. */
export async function serverField(page: Page): Promise<number> {
  return Number(await page.getByTestId('server-count').textContent());
}

/** Notices that say the scenario was not valid (the state the page must never reach). */
export const VALIDATION = /not valid|refused, the scenario|Scenario not valid|engine refused the scenario/i;

/** Waits until the page owes nothing: every action answered, the address bar written. */
export async function nothingOwed(page: Page, timeout = 5000): Promise<void> {
  await expect
    .poll(async () => (await hook(page)).pending, {
      timeout,
      intervals: [40],
      message: 'page still owes work',
    })
    .toEqual({ acts: 0, url: false });
}
