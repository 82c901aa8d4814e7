import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { createSiteServer, listen } from './serve.mjs';

let dir = '';
let server: Server;
let base = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-serve-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>HopScope</title>');
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'assets', 'app.js'), 'export {};');
  server = createSiteServer(dir) as Server;
  const port = (await listen(server, 0)) as number;
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await rm(dir, { recursive: true, force: true });
});

describe('npm start’s server', () => {
  it('answers a 60 KB query with the page, not HTTP 431', async () => {
    const r = await fetch(`${base}/?users=1000&junk=${'x'.repeat(60 * 1024)}`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>HopScope</title>');
  });

  it('serves modules with a JavaScript type (the engine worker needs it)', async () => {
    const r = await fetch(`${base}/assets/app.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/javascript/);
  });

  it('never serves a file outside the site', async () => {
    const r = await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`);
    expect([404, 200]).toContain(r.status);
    expect(await r.text()).not.toMatch(/root:/);
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
  });
});
