import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlogEvent, type Entry } from '../../shared/index.js';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { cliEnv, startCli, type RunningCli } from './support.js';

const LINE = /^\d\d:\d\d:\d\d {2}(created|updated|deleted|blog {3}) {2}(\S+) {2}(.*)$/;

/** Starts `tail` and waits until it follows the blog: what is posted after this is printed. */
async function startTail(server: { url: string }, args: string[]): Promise<RunningCli> {
  const tail = startCli(['tail', ...args], { env: cliEnv(server) });
  await tail.waitForStderr(/following blog/, 'tail to start following');
  return tail;
}

describe('liveblog tail (embedded server)', () => {
  let server: TestInstance;
  const running: RunningCli[] = [];

  before(async () => {
    server = await startInstance();
  });
  after(async () => {
    for (const cli of running) await cli.stop();
    await server.close();
  });

  it('when 5 entries are posted while tail runs, then it prints one line each, in order, and nothing for older entries', async () => {
    await createBlog(server.url, server.adminToken, { id: 'tail-order', title: 'Order' });
    await postEntry(server.url, server.adminToken, 'tail-order', 'Before tail started');
    const tail = await startTail(server, ['tail-order']);
    running.push(tail);
    const posted: Entry[] = [];
    for (let i = 1; i <= 5; i += 1) posted.push((await postEntry(server.url, server.adminToken, 'tail-order', `Update ${i}\nmore text`, i === 3 ? { title: 'Third' } : {})).entry);
    const lines = await tail.waitForLines(5, '5 lines');
    assert.equal(lines.length, 5);
    lines.forEach((line, i) => {
      const match = LINE.exec(line);
      assert.ok(match, `"${line}" has the format HH:MM:SS  created  <id>  <text>`);
      assert.equal(match[1], 'created');
      assert.equal(match[2], posted[i]?.id);
      assert.equal(match[3], i === 2 ? 'Third' : `Update ${i + 1}`);
    });
    assert.equal(await tail.stop('SIGINT'), 0, 'Ctrl+C ends it cleanly');
  });

  it('when run with --json, then every line is a BlogEvent: creates, edits and deletes in order', async () => {
    await createBlog(server.url, server.adminToken, { id: 'tail-json', title: 'JSON' });
    const tail = await startTail(server, ['tail-json', '--json']);
    running.push(tail);
    const a = await postEntry(server.url, server.adminToken, 'tail-json', 'A');
    await postEntry(server.url, server.adminToken, 'tail-json', 'B');
    await call(server.url, 'PATCH', `/api/blogs/tail-json/entries/${a.entry.id}`, { token: server.adminToken, body: { version: 1, pinned: true } });
    await call(server.url, 'DELETE', `/api/blogs/tail-json/entries/${a.entry.id}`, { token: server.adminToken });
    await call(server.url, 'PATCH', '/api/blogs/tail-json', { token: server.adminToken, body: { status: 'ended' } });
    const lines = await tail.waitForLines(5, '5 events');
    const events = lines.map((line) => BlogEvent.parse(JSON.parse(line)));
    assert.deepEqual(
      events.map((e) => e.type),
      ['entry.created', 'entry.created', 'entry.updated', 'entry.deleted', 'blog.updated'],
    );
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => (seqs[0] ?? 0) + i), 'consecutive seqs: no gap, no repeat');
    await tail.stop();
  });

  it('when started with --history 2, then the 2 latest entries come first, oldest first, then the new ones', async () => {
    await createBlog(server.url, server.adminToken, { id: 'tail-history', title: 'History' });
    for (const body of ['one', 'two', 'three']) await postEntry(server.url, server.adminToken, 'tail-history', body);
    const tail = await startTail(server, ['tail-history', '--history', '2']);
    running.push(tail);
    await postEntry(server.url, server.adminToken, 'tail-history', 'four');
    const lines = await tail.waitForLines(3, 'history and the new entry');
    assert.deepEqual(
      lines.map((l) => LINE.exec(l)?.[3]),
      ['two', 'three', 'four'],
    );
    await tail.stop();
  });

  it('when the blog does not exist, then it says so and exits 1', async () => {
    const tail = startCli(['tail', 'no-such-blog'], { env: cliEnv(server) });
    assert.equal(await tail.exited, 1);
    assert.match(tail.stderr, /^liveblog: blog "no-such-blog" not found \(404\)/);
  });

  it('when --json and --history are combined, then it is a usage error', async () => {
    const tail = startCli(['tail', 'tail-json', '--json', '--history', '3'], { env: cliEnv(server) });
    assert.equal(await tail.exited, 2);
  });
});

describe('liveblog tail across a server restart (Redis)', () => {
  let redis: TestRedis;
  let server: TestInstance;
  let tail: RunningCli | undefined;

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    await tail?.stop();
    await server.close();
    await redis.close();
  });

  it('when the server restarts on the same port while entries are posted, then tail prints every entry once, in order', async () => {
    await createBlog(server.url, server.adminToken, { id: 'restart', title: 'Restart' });
    tail = await startTail(server, ['restart']);
    const posted: Entry[] = [];
    for (let i = 1; i <= 2; i += 1) posted.push((await postEntry(server.url, server.adminToken, 'restart', `Before ${i}`)).entry);
    await tail.waitForLines(2, 'the entries before the restart');

    const { port } = server;
    await server.close();
    server = await restartOn(port, redis.url);
    // posted at once: most likely before tail has reconnected, so they must come by catch-up
    for (let i = 1; i <= 3; i += 1) posted.push((await postEntry(server.url, server.adminToken, 'restart', `After ${i}`)).entry);
    await tail.waitForStderr(/connected again/, 'tail to reconnect');
    // a last entry marks the end: once it is printed, any duplicate would have been printed before it
    posted.push((await postEntry(server.url, server.adminToken, 'restart', 'Last')).entry);
    await tail.waitForLine(/ Last$/, 'the last entry');

    assert.deepEqual(
      tail.lines.map((l) => LINE.exec(l)?.[2]),
      posted.map((e) => e.id),
    );
    assert.match(tail.stderr, /lost the connection/);
  });
});

describe('liveblog tail after missing more events than the server keeps (Redis)', () => {
  let redis: TestRedis;
  const instances: TestInstance[] = [];
  let tail: RunningCli | undefined;
  // a short log, so that a short outage is already beyond it and the server answers with a reset
  const env = { EVENT_LOG_MAX: '100' };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await tail?.stop();
    for (const instance of instances) await instance.close();
    await redis.close();
  });

  it('when the server resets the blog after an outage, then tail still prints every entry created meanwhile, once, in order', async () => {
    let a = await startInstance({ redisUrl: redis.url, env });
    instances.push(a);
    await createBlog(a.url, a.adminToken, { id: 'outage', title: 'Outage' });
    tail = await startTail(a, ['outage']);
    const posted: Entry[] = [(await postEntry(a.url, a.adminToken, 'outage', 'Known before')).entry];
    await tail.waitForLines(1, 'the first entry');

    await a.close();
    const b = await startInstance({ redisUrl: redis.url, env });
    instances.push(b);
    for (let i = 1; i <= 130; i += 1) posted.push((await postEntry(b.url, b.adminToken, 'outage', `Missed ${i}`)).entry);
    a = await restartOn(a.port, redis.url, env);
    instances.push(a);
    await tail.waitForStderr(/connected again/, 'tail to reconnect');
    posted.push((await postEntry(b.url, b.adminToken, 'outage', 'Last')).entry);
    await tail.waitForLine(/ Last$/, 'the last entry');

    assert.deepEqual(
      tail.lines.map((l) => LINE.exec(l)?.[2]),
      posted.map((e) => e.id),
    );
    assert.ok(!tail.stderr.includes('could not be fetched'), tail.stderr);
  });
});

/** The old instance may hold the port for a moment after closing. */
async function restartOn(port: number, redisUrl: string, env: Record<string, string> = {}): Promise<TestInstance> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await startInstance({ redisUrl, port, env });
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
