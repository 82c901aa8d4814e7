// Finds a Chromium to drive: Debian's /usr/bin/chromium first, else a browser Playwright
// already installed. Never downloads one.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  try {
    const { chromium } = await import('@playwright/test');
    const p = chromium.executablePath();
    if (p && existsSync(p)) return p;
  } catch {
    /* no Playwright browser either */
  }
  return undefined;
}

export const NO_BROWSER_MESSAGE =
  "No Chromium found: install Debian's package (`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary.";
