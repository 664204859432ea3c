import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_BLOG_ID } from '../../server/demo/index.js';
import { call, createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'server', 'demo', 'feed.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the feed script as `npm run demo:feed` would, with only the given liveblog variables set.
 * `onOutput` sees stdout as it arrives (to send a signal at the right moment).
 */
function runScript(args: string[], env: Record<string, string>, onOutput?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      cwd: ROOT,
      env: { ...process.env, LIVEBLOG_URL: '', LIVEBLOG_TOKEN: '', ADMIN_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onOutput?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

async function entryCount(server: TestInstance, blogId: string): Promise<number> {
  const res = await call(server.url, 'GET', `/api/blogs/${blogId}?limit=200`);
  assert.equal(res.status, 200);
  return (res.body as { entries: unknown[] }).entries.length;
}

describe('npm run demo:feed', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance();
    const existing = await call(server.url, 'GET', `/api/blogs/${DEMO_BLOG_ID}`);
    if (existing.status === 404) await createBlog(server.url, server.adminToken, { id: DEMO_BLOG_ID, title: 'Demo storm' });
  });
  after(() => server.close());

  it('when run with --count 2, then it posts exactly two entries to the demo blog and exits 0', async () => {
    const before = await entryCount(server, DEMO_BLOG_ID);
    const run = await runScript(['--count', '2', '--interval-ms', '50'], { LIVEBLOG_URL: server.url, LIVEBLOG_TOKEN: server.adminToken });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(await entryCount(server, DEMO_BLOG_ID), before + 2);
    const posted = lines(run.stdout).filter((l) => l.startsWith('posted '));
    assert.equal(posted.length, 2, run.stdout);
    assert.match(posted[1] ?? '', /^posted 2\/2: \[(text|quote|image|video)/);
  });

  it('when the token is refused, then it exits non-zero with one line saying so and posts nothing', async () => {
    const before = await entryCount(server, DEMO_BLOG_ID);
    const run = await runScript(['--count', '1'], { LIVEBLOG_URL: server.url, ADMIN_TOKEN: 'not-the-right-token-at-all' });
    assert.notEqual(run.code, 0);
    assert.equal(lines(run.stderr).length, 1, run.stderr);
    assert.match(run.stderr, /refused the token/);
    assert.ok(!run.stderr.includes('not-the-right-token-at-all'), 'the token is never printed');
    assert.equal(await entryCount(server, DEMO_BLOG_ID), before);
  });

  it('when no token is set, then it exits non-zero with one line naming the variables', async () => {
    const run = await runScript(['--count', '1'], { LIVEBLOG_URL: server.url });
    assert.notEqual(run.code, 0);
    assert.deepEqual(lines(run.stderr), ['demo:feed: no token: set LIVEBLOG_TOKEN (or ADMIN_TOKEN) to an editor or admin token']);
  });

  it('when the blog does not exist or a flag is wrong, then it exits non-zero with one line', async () => {
    const missing = await runScript(['--count', '1', '--blog', 'no-such-blog'], { LIVEBLOG_URL: server.url, LIVEBLOG_TOKEN: server.adminToken });
    assert.notEqual(missing.code, 0);
    assert.equal(lines(missing.stderr).length, 1, missing.stderr);
    assert.match(missing.stderr, /no blog "no-such-blog"/);

    const wrong = await runScript(['--count', 'many'], { LIVEBLOG_URL: server.url, LIVEBLOG_TOKEN: server.adminToken });
    assert.notEqual(wrong.code, 0);
    assert.equal(lines(wrong.stderr).length, 1, wrong.stderr);
    assert.match(wrong.stderr, /--count/);
  });

  it('when stopped with Ctrl+C, then it stops between entries and exits 0', async () => {
    const before = await entryCount(server, DEMO_BLOG_ID);
    let sent = false;
    const run = await runScript(['--interval-ms', '60000'], { LIVEBLOG_URL: server.url, LIVEBLOG_TOKEN: server.adminToken }, (stdout, kill) => {
      if (!sent && stdout.includes('posted 1:')) {
        sent = true;
        kill('SIGINT');
      }
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /stopped after 1 entry/);
    assert.equal(await entryCount(server, DEMO_BLOG_ID), before + 1);
  });
});
