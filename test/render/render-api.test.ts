import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { LIMITS } from '../../shared/index.js';
import { call, createBlog } from '../support/api.js';
import { freePort } from '../support/redis-server.js';

const TOKEN = 'render-api-admin-token-0123456789';
const MAX = LIMITS.bodyMaxLength;

function repeated(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Bodies that make a backtracking parser take seconds, or overflow a recursive one's stack. */
const PATHOLOGICAL: Array<[name: string, body: string]> = [
  ['`**a_` repeated', repeated('**a_', MAX)],
  ['`_a*` repeated', repeated('_a*', MAX)],
  ['`*a(` repeated', repeated('*a(', MAX)],
  ['`[` repeated', repeated('[', MAX)],
  ['`![` repeated', repeated('![', MAX)],
  ['`<` repeated', repeated('<', MAX)],
  ['`> ` x 10,000 (nested quotes)', '> '.repeat(10_000)],
  ['`1. ` x 6,666 (nested lists)', '1. '.repeat(6_666)],
  ['`- ` x 9,999 then text (nested lists)', `${'- '.repeat(9_999)}x`],
];

interface Server {
  url: string;
  metricsUrl: string;
  child: ChildProcess;
}

/** The real entry point in a process of its own, so a blocked event loop there shows up as slow answers here. */
async function startServer(): Promise<Server> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', METRICS_PORT: String(metricsPort), ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if ((await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200) break;
    if (Date.now() > deadline) throw new Error('the server did not start within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, child };
}

/** Polls `/healthz` every ~20 ms until stopped; returns each answer's latency (Infinity for a failed request). */
function pollHealth(url: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      await res?.arrayBuffer();
      latencies.push(res?.status === 200 ? performance.now() - started : Infinity);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

interface Answer {
  label: string;
  status: number;
  code?: string;
  ms: number;
  /** 201 for an entry, 200 for a preview. */
  stored: number;
}

describe('pathological Markdown through the API', () => {
  let server: Server;

  before(async () => {
    server = await startServer();
  });
  after(() => {
    if (server?.child.pid !== undefined && server.child.exitCode === null) process.kill(-server.child.pid, 'SIGKILL');
  });

  it('when each pathological body of up to 20,000 characters is posted as an entry and previewed, then each is answered in under a second (stored, or 422 body_too_complex) while /healthz answers every poll in under 100 ms', async () => {
    const blog = await createBlog(server.url, TOKEN, { title: 'Pathological bodies' });
    // the first render starts the pool's worker thread; the bodies below are timed against a running pool
    assert.equal((await call(server.url, 'POST', '/api/preview', { token: TOKEN, body: { body: 'warm-up' } })).status, 200);

    const health = pollHealth(server.url);
    const answers: Answer[] = [];
    for (const [name, body] of PATHOLOGICAL) {
      for (const [path, stored] of [[`/api/blogs/${blog.id}/entries`, 201], ['/api/preview', 200]] as const) {
        const started = performance.now();
        const res = await call(server.url, 'POST', path, { token: TOKEN, body: { body } }).catch(() => undefined);
        const ms = performance.now() - started;
        answers.push({ label: `${name} ${path}`, status: res?.status ?? 0, code: res?.body?.error?.code, ms, stored });
      }
    }
    const latencies = await health.stop();
    console.log(answers.map((a) => `${a.label}: ${a.status} ${a.code ?? ''} in ${a.ms.toFixed(0)} ms`).join('\n'));
    console.log(`/healthz: ${latencies.length} polls, slowest ${Math.max(...latencies).toFixed(1)} ms`);

    for (const a of answers) {
      assert.ok(a.status === a.stored || (a.status === 422 && a.code === 'body_too_complex'), `${a.label}: ${a.status} ${a.code}`);
      assert.ok(a.ms < 1_000, `${a.label}: answered in ${a.ms.toFixed(0)} ms`);
    }
    assert.ok(latencies.length >= PATHOLOGICAL.length, `/healthz was polled throughout (${latencies.length} polls)`);
    for (const ms of latencies) assert.ok(ms < 100, `/healthz answered in ${ms.toFixed(0)} ms`);

    const metrics = await (await fetch(server.metricsUrl)).text();
    const rendered = Number(/^liveblog_markdown_render_duration_seconds_count (\d+)/m.exec(metrics)?.[1]);
    assert.ok(rendered >= 1 + answers.filter((a) => a.status === a.stored).length, `render durations recorded: ${rendered}`);
  });
});
