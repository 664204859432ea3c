import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { io } from 'socket.io-client';
import { call } from '../support/api.js';
import { freePort, startRedis, type TestRedis } from '../support/redis-server.js';

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Runs the real entry point, as `npm start` does (through tsx instead of the build). */
function run(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (started.child.exitCode !== null) throw new Error(`process exited early:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the service process', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.close());

  it('when PORT is not a number, then it exits with a message naming PORT', async () => {
    const started = run({ PORT: 'eighty' });
    assert.equal(await exitOf(started.child), 1);
    assert.match(started.output(), /PORT/);
  });

  it('when REDIS_URL is set without ADMIN_TOKEN, then it exits naming ADMIN_TOKEN', async () => {
    const started = run({ REDIS_URL: redis.url });
    assert.equal(await exitOf(started.child), 1);
    assert.match(started.output(), /ADMIN_TOKEN: required when REDIS_URL is set/);
  });

  it('when started without REDIS_URL, then it runs embedded, prints a usable admin token once, and stops on SIGTERM within 10 s', async () => {
    const port = await freePort();
    const started = run({ PORT: String(port), HOST: '127.0.0.1' });
    const [, token] = await waitForOutput(started, /Admin token for this run[^\n]*\n\s*(\S+)/);
    await waitForOutput(started, /liveblog is serving/);
    assert.match(started.output(), /embedded mode: single instance, in memory, not durable/);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const created = await call(base, 'POST', '/api/blogs', { token, body: { title: 'Process test' } });
    assert.equal(created.status, 201);
    assert.equal(started.output().split(token!).length - 1, 1, 'the token is printed exactly once');

    const reader = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => reader.once('connect', () => resolve()));
    const disconnected = new Promise<void>((resolve) => reader.once('disconnect', () => resolve()));
    const t0 = Date.now();
    started.child.kill('SIGTERM');
    assert.equal(await exitOf(started.child), 0);
    assert.ok(Date.now() - t0 < 10_000, 'exits within 10 s');
    await disconnected;
    reader.close();
  });

  it('when Redis keeps nothing on disk, then it warns at start', async () => {
    const port = await freePort();
    const started = run({ PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, ADMIN_TOKEN: 'a-long-enough-admin-token' });
    await waitForOutput(started, /liveblog is serving/);
    assert.match(started.output(), /Redis keeps nothing on disk/);
    assert.doesNotMatch(started.output(), /a-long-enough-admin-token/, 'the token never appears in logs');
    started.child.kill('SIGTERM');
    assert.equal(await exitOf(started.child), 0);
  });

  it('when NODE_ENV=production and PUBLIC_URL is unset, then it refuses to start, naming PUBLIC_URL', async () => {
    const started = run({ NODE_ENV: 'production', PORT: String(await freePort()) });
    assert.equal(await exitOf(started.child), 1);
    assert.match(started.output(), /PUBLIC_URL: required when NODE_ENV=production/);
  });

  it('when METRICS_PORT is set, then /metrics on that port serves Prometheus text with process and liveblog metrics, and the public port does not', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const started = run({ PORT: String(port), HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
    try {
      await waitForOutput(started, /liveblog is serving/);
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'liveblog_readers_connected', 'liveblog_deliveries_total{path="direct"}']) {
        assert.ok(text.includes(name), `${name} is exported`);
      }
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, 'not on the public port');
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/`)).status, 404);
    } finally {
      started.child.kill('SIGTERM');
      assert.equal(await exitOf(started.child), 0);
    }
  });

  it('when Redis is unreachable at start, then it exits with a clear message', async () => {
    const port = await freePort();
    const deadPort = await freePort();
    const started = run({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${deadPort}`, ADMIN_TOKEN: 'a-long-enough-admin-token' });
    assert.equal(await exitOf(started.child), 1);
    assert.match(started.output(), /cannot start: the store is unreachable/);
  });
});
