import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { freezeRedis, storeTimedOut } from '../support/redis-freeze.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { cliEnv, entriesOf, postedId, runCli, startCli } from './support.js';

/**
 * Redis frozen (SIGSTOP) while the CLI publishes: the server answers 504 store_timeout (the write
 * may have been stored, and is once Redis resumes), and the CLI must send it again with the same
 * key and say so. The admin token is used because an editor token is looked up in Redis first,
 * which would fail as 503 before any write is sent.
 */
describe('liveblog and a store that does not confirm a write (504 store_timeout)', () => {
  let redis: TestRedis;
  let server: TestInstance;

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
    await createBlog(server.url, server.adminToken, { id: 'frozen', title: 'Frozen store' });
  });
  after(async () => {
    await server?.close();
    await redis?.close();
  });

  it('when a post is answered 504, then `post` sends it again with the same key, says so, and it is stored once', async () => {
    const thaw = await freezeRedis(redis);
    let posting: ReturnType<typeof runCli>;
    try {
      posting = runCli(['post', 'frozen', 'Posted through a frozen store'], { env: cliEnv(server, server.adminToken) });
      await storeTimedOut(server.application.metrics);
    } finally {
      await thaw();
    }
    const res = await posting;
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^posted [a-z0-9]+ to frozen \(sent [2-5] times with the same Idempotency-Key: stored once\)$/m);
    const stored = (await entriesOf(server, 'frozen')).filter((e) => e.body === 'Posted through a frozen store');
    assert.equal(stored.length, 1, 'stored once');
    assert.equal(stored[0]?.id, postedId(res.stdout));
  });

  it('when the console publishes and gets 504, then it tells that it tries again with the same key, and the entry is stored once', async () => {
    const cli = startCli(['console', 'frozen'], { env: cliEnv(server, server.adminToken) });
    try {
      await cli.waitForStderr(/console for blog "frozen"/, 'the console to start');
      const thaw = await freezeRedis(redis);
      try {
        cli.write('Typed while the store froze\n\n');
        await storeTimedOut(server.application.metrics);
      } finally {
        await thaw();
      }
      await cli.waitForLine(/^posted [a-z0-9]+/, 'the post');
      cli.end();
      assert.equal(await cli.exited, 0, cli.stderr);
      assert.match(cli.stderr, /504 store_timeout; trying again with the same Idempotency-Key/);
      assert.match(cli.stdout, /^posted [a-z0-9]+ \(sent [2-5] times with the same Idempotency-Key: stored once\)$/m);
      const stored = (await entriesOf(server, 'frozen')).filter((e) => e.body === 'Typed while the store froze');
      assert.equal(stored.length, 1, 'stored once');
    } finally {
      await cli.stop();
    }
  });
});
