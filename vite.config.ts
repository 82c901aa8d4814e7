import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The built page's Content-Security-Policy: scripts, workers, styles and fonts only from the
 * site itself; no eval, no inline script or style (React and D3 set styles through the CSSOM,
 * which a CSP does not govern); images also from blob:/data: (PNG export draws SVG snapshots
 * through blob URLs). Build only: the dev server injects inline scripts for hot reload.
 * `frame-ancestors` cannot be set from a meta tag; a host that wants it sends the header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'hopscope-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * Offline and installable: a Workbox service worker precaches the whole built site (page, workers,
 * styles, icons) on the first visit, so a classroom with flaky Wi-Fi keeps working. Registered by
 * an external script (the CSP forbids inline ones). A new version waits until every HopScope tab
 * is closed rather than swapping files under a running lecture.
 */
const pwa = VitePWA({
  injectRegister: 'script',
  registerType: 'prompt',
  manifest: {
    name: 'HopScope — how does the server find out?',
    short_name: 'HopScope',
    description:
      'Watch polling, hashing, consistent hashing and pub/sub deliver messages, and see what each costs.',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#0d1117',
    theme_color: '#0d1117',
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
    // Any navigation (a shared link carries its scenario in the query) gets the cached page.
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
  },
});

// Relative base: the built site works from any sub-path (GitHub Pages, a USB stick, an iframe).
export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy(), pwa],
  worker: { format: 'es' },
  resolve: {
    // Only the histogram class the engine uses: the package index runs a direct eval (see the shim).
    alias: [
      {
        find: /^hdr-histogram-js$/,
        replacement: fileURLToPath(new URL('./src/vendor/hdrHistogram.ts', import.meta.url)),
      },
    ],
  },
  optimizeDeps: {
    include: [
      'react',
      'react-dom',
      'zustand',
      'immer',
      'd3',
      'd3-transition',
      'hdr-histogram-js/dist/Int32Histogram.js',
      'pure-rand/generator/xoroshiro128plus',
      'pure-rand/distribution/uniformFloat64',
      'murmurhash3js-revisited',
      'zod',
    ],
  },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1500 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
