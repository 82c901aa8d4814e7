// Renders the app icons (public/icons/*.png) from public/favicon.svg with the local Chromium.
// Run by hand when the logo changes (`node scripts/make-icons.mjs`); the PNGs are committed, so a
// build needs no rasterizer. "maskable" icons keep the logo inside the central 80 % safe zone.
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const svg = readFileSync('public/favicon.svg', 'utf8');
const ICONS = [
  { file: 'icon-192.png', px: 192, maskable: false },
  { file: 'icon-512.png', px: 512, maskable: false },
  { file: 'icon-maskable-512.png', px: 512, maskable: true },
  { file: 'apple-touch-icon-180.png', px: 180, maskable: true },
];

mkdirSync('public/icons', { recursive: true });
const browser = await chromium.launch({ executablePath: await findChromium(), args: CHROMIUM_ARGS });
const page = await browser.newPage();
for (const icon of ICONS) {
  const logo = icon.maskable ? Math.round(icon.px * 0.8) : icon.px;
  await page.setViewportSize({ width: icon.px, height: icon.px });
  await page.setContent(
    `<html><body style="margin:0;background:${icon.maskable ? '#0b1020' : 'transparent'};display:grid;place-items:center;width:${icon.px}px;height:${icon.px}px">` +
      svg.replace('<svg ', `<svg width="${logo}" height="${logo}" `) +
      '</body></html>',
  );
  await page.screenshot({ path: `public/icons/${icon.file}`, omitBackground: !icon.maskable });
  console.log(`public/icons/${icon.file}`);
}
await browser.close();
