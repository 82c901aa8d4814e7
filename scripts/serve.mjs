// Serves the built site (dist/) on a local port and prints the URL: what `npm start` ends with.
// A plain Node server rather than `vite preview`: Node's default 16 KB header limit answers a long
// share link with HTTP 431, so this one accepts up to MAX_HEADER_BYTES of request line + headers.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_HEADER_BYTES = 256 * 1024;
const ROOT = resolve(fileURLToPath(new URL('../dist/', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

async function fileFor(root, pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const full = normalize(join(root, rel));
  if (full !== root && !full.startsWith(root + sep)) return null; // no way out of dist/
  try {
    const st = await stat(full);
    if (st.isFile()) return full;
    if (st.isDirectory()) return join(full, 'index.html');
  } catch {
    // A path the site does not have: the page itself answers (it reads its state from the query).
  }
  return extname(rel) ? null : join(root, 'index.html');
}

/** A server for the site in `root` (dist/ by default). */
export function createSiteServer(root = ROOT) {
  return createServer({ maxHeaderSize: MAX_HEADER_BYTES }, async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const file = await fileFor(root, pathname);
    let body;
    try {
      body = file ? await readFile(file) : null;
    } catch {
      body = null;
    }
    if (!body || !file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': file.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** Listens on `port`, or the next free one when it is taken (like `vite preview`). */
export function listen(server, port, host = '127.0.0.1', tries = 20) {
  return new Promise((ok, fail) => {
    const attempt = (p, left) => {
      const onError = (e) => {
        if (e.code === 'EADDRINUSE' && left > 0) attempt(p + 1, left - 1);
        else fail(e);
      };
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        ok(p);
      });
    };
    attempt(port, tries);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // STRICT_PORT=1 (the e2e suite): fail rather than move to another port.
  const tries = process.env.STRICT_PORT === '1' ? 0 : 20;
  const port = await listen(createSiteServer(), Number(process.env.PORT ?? 4173), '127.0.0.1', tries);
  console.log(`\nHopScope is running at http://127.0.0.1:${port}/  (Ctrl+C to stop)\n`);
}
