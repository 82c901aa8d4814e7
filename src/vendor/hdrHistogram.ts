// The package index of hdr-histogram-js 3.0.1 (and its browser UMD build) runs
// `eval('require("zlib")…')` at load time, which a Content-Security-Policy without
// 'unsafe-eval' refuses. The engine only needs Int32Histogram, whose module chain has no eval,
// so the bundler resolves `hdr-histogram-js` to this file (vite.config.ts, resolve.alias).
// Node (CLI, bench) keeps the package index, where the eval is harmless.
import * as mod from 'hdr-histogram-js/dist/Int32Histogram.js';

type Int32HistogramClass = typeof import('hdr-histogram-js/dist/Int32Histogram.js').default;

// A CommonJS module with `exports.default`: bundlers and Node disagree on whether the default
// import is the class or `{ default: class }`; accept both.
const exported = (mod as unknown as { default: Int32HistogramClass | { default: Int32HistogramClass } })
  .default;

export const Int32Histogram: Int32HistogramClass = 'default' in exported ? exported.default : exported;
