import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createConsoleRouter } from '../../server/console/index.js';
import { silentLogger } from '../../server/log/logger.js';
import { errorHandler, notFoundHandler } from '../../server/rest/index.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startConsoleEnv, type ConsoleEnv } from './browser-support.js';

async function serve(assetsDir: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(createConsoleRouter({ logger: silentLogger(), assetsDir }));
  app.use(notFoundHandler);
  app.use(errorHandler(silentLogger()));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('GET /console', () => {
  let dir: string;
  let url: string;
  let server: Server;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liveblog-console-'));
    ({ url, server } = await serve(dir));
  });
  after(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('when the console is not built, then 503 says how to build it and loads no script', async () => {
    const res = await fetch(`${url}/console`);
    assert.equal(res.status, 503);
    const html = await res.text();
    assert.match(html, /npm run build/);
    assert.doesNotMatch(html, /<script/);
    assert.equal((await fetch(`${url}/console/assets/console.js`)).status, 404);
  });

  test('when it is built, then the shell loads only its own files, under a CSP without inline script', async () => {
    await writeFile(join(dir, 'console.js'), 'console.log("console")');
    await writeFile(join(dir, 'console.css'), 'body{}');
    const res = await fetch(`${url}/console`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0] ?? '', /^<script defer src="\/console\/assets\/console\.js\?v=[a-z0-9-]+">$/);
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler');
    assert.match(html, /<link rel="stylesheet" href="\/console\/assets\/console\.css\?v=[a-z0-9-]+">/);
  });

  test('when an asset is asked with the current version, then it may be cached for good; otherwise it is revalidated', async () => {
    await writeFile(join(dir, 'console.js'), 'console.log("v1")');
    await writeFile(join(dir, 'console.css'), 'body{}');
    const html = await (await fetch(`${url}/console`)).text();
    const src = /src="([^"]+)"/.exec(html)?.[1] ?? '';
    const current = await fetch(`${url}${src}`);
    assert.equal(current.status, 200);
    assert.match(current.headers.get('content-type') ?? '', /javascript/);
    assert.match(current.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await current.text(), 'console.log("v1")');
    const unversioned = await fetch(`${url}/console/assets/console.js`);
    assert.equal(unversioned.headers.get('cache-control'), 'no-cache');
    await unversioned.arrayBuffer();

    // a rebuild changes the version the shell names, without a restart
    await writeFile(join(dir, 'console.js'), 'console.log("version two")');
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'console.js'), later, later);
    const rebuilt = await (await fetch(`${url}/console`)).text();
    assert.notEqual(/src="([^"]+)"/.exec(rebuilt)?.[1], src);
    const stale = await fetch(`${url}${src}`);
    assert.equal(stale.headers.get('cache-control'), 'no-cache');
    assert.equal(await stale.text(), 'console.log("version two")');
  });

  test('when another path under /console/assets is asked, then 404', async () => {
    const res = await fetch(`${url}/console/assets/../package.json`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    assert.equal((await fetch(`${url}/console/assets/manifest.json`)).status, 404);
  });
});

describe('the console in the application', () => {
  let env: ConsoleEnv;
  let embedded: TestInstance;

  before(async () => {
    env = await startConsoleEnv();
    embedded = await startInstance();
  });
  after(async () => {
    await embedded?.close();
    await env?.close();
  });

  test('when the application serves /console, then the built script and stylesheet are reachable from the shell', async () => {
    for (const base of [env.url, embedded.url]) {
      const res = await fetch(`${base}/console`);
      assert.equal(res.status, 200);
      const html = await res.text();
      for (const path of [/src="([^"]+)"/.exec(html)?.[1], /href="(\/console\/assets[^"]+)"/.exec(html)?.[1]]) {
        assert.ok(path !== undefined);
        const asset = await fetch(`${base}${path}`);
        assert.equal(asset.status, 200, path);
        assert.ok((await asset.arrayBuffer()).byteLength > 1000, `${path} is the real bundle`);
      }
    }
  });
});
