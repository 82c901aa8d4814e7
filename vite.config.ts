import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

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

// Relative base: the built site works from any sub-path (GitHub Pages, a USB stick, an iframe).
export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy()],
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
