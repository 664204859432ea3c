import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EntryWriteResult } from '../../shared/index.js';
import { RedisBus } from '../../server/bus/redis-bus.js';
import { loadConfig } from '../../server/config/config.js';
import { redisTargetOf } from '../../server/config/redis-target.js';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { createRedisConnection, type SentinelTarget } from '../../server/store/redis-connection.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { call, createBlog } from '../support/api.js';
import { startInstance, TEST_ADMIN_TOKEN, type TestInstance } from '../support/instance.js';
import { freePort } from '../support/redis-server.js';
import { startRedisSentinel, type TestSentinel } from '../support/redis-sentinel.js';
import { openReader } from '../support/test-reader.js';
import { cliEnv, entriesOf, postedId, runCli } from '../cli/support.js';
import { ConsoleApi, describeWarning } from '../../client/console/api.js';
import type { WriteWarning } from '../../shared/index.js';
import { storeConformance } from './conformance.js';

const logger = silentLogger();

/** The target the service builds from REDIS_SENTINELS and REDIS_SENTINEL_NAME. */
function sentinelTarget(env: Record<string, string>): SentinelTarget {
  const target = redisTargetOf(loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env }));
  assert.equal(target?.mode, 'sentinel');
  return target as SentinelTarget;
}

function postEntryRaw(instance: TestInstance, blogId: string, body: string, key: string): ReturnType<typeof call> {
  return call(instance.url, 'POST', `/api/blogs/${blogId}/entries`, { token: instance.adminToken, body: { body }, headers: { 'idempotency-key': key } });
}

/** How many clients each sentinel has connected now. */
async function sentinelClients(sentinel: TestSentinel): Promise<number[]> {
  return Promise.all(sentinel.sentinelAdmins.map(async (s) => Number(/connected_clients:(\d+)/.exec(await s.info('clients'))?.[1])));
}

async function waitForSentinelClients(sentinel: TestSentinel, baseline: readonly number[]): Promise<void> {
  const deadline = Date.now() + 5_000;
  let now = await sentinelClients(sentinel);
  while (now.some((n, i) => n > baseline[i]!) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    now = await sentinelClients(sentinel);
  }
  assert.deepEqual(now, baseline, 'every connection the service opened to a sentinel is closed');
}

describe('Redis Sentinel', { timeout: 90_000 }, () => {
  let sentinel: TestSentinel;
  before(async () => {
    sentinel = await startRedisSentinel();
  });
  after(() => sentinel?.close());

  storeConformance('RedisStore on Sentinel', async ({ logMax }) => {
    const target = sentinelTarget(sentinel.env);
    const data = await createRedisConnection(target, { name: 'sentinel-store-test', logger });
    const subscriber = await createRedisConnection(target, { name: 'sentinel-bus-test', logger });
    const bus = new RedisBus({ redis: subscriber, logger });
    return {
      store: new RedisStore({ redis: data, logMax, logger }),
      bus,
      async close() {
        await bus.close();
        data.disconnect();
      },
    };
  });

  it('when no sentinel answers, then connecting fails at once with store_unavailable naming the sentinels', async () => {
    const ports = [await freePort(), await freePort()];
    const target = sentinelTarget({ REDIS_SENTINELS: ports.map((p) => `127.0.0.1:${p}`).join(','), REDIS_SENTINEL_NAME: 'nowhere' });
    await assert.rejects(createRedisConnection(target, { name: 'no-sentinels', logger }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'store_unavailable');
      for (const port of ports) assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(err.message, /"nowhere"/);
      return true;
    });
  });

  it('when the primary the service writes to turns into a replica (READONLY), then a write is 503 with nothing stored, and writes go through again once it is primary, without a restart', async () => {
    const baseline = await sentinelClients(sentinel);
    const instance = await startInstance({ env: sentinel.env });
    try {
      await createBlog(instance.url, instance.adminToken, { id: 'demoted', title: 'Demoted' });
      const primary = await sentinel.primary();
      // a primary that does not exist: the node keeps its data and refuses writes
      await primary.admin.call('REPLICAOF', '127.0.0.1', '1');
      let refused;
      try {
        refused = await postEntryRaw(instance, 'demoted', 'Refused', 'demoted-1');
      } finally {
        await primary.admin.call('REPLICAOF', 'NO', 'ONE');
      }
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal((refused.body as { error: { code: string } }).error.code, 'store_unavailable');

      // the READONLY answer dropped the connection; the next one goes to whatever the sentinels name
      const deadline = Date.now() + 10_000;
      let res = await postEntryRaw(instance, 'demoted', 'Accepted', 'demoted-2');
      while (res.status === 503 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        res = await postEntryRaw(instance, 'demoted', 'Accepted', 'demoted-2');
      }
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual((await entriesOf(instance, 'demoted')).map((e) => e.body), ['Accepted'], 'the refused entry was not stored');
    } finally {
      await instance.close();
    }
    // and closing the service closed its connections to the sentinels (the failover detectors' too)
    await waitForSentinelClients(sentinel, baseline);
  });

  it('when REDIS_WAIT_REPLICAS=1 and the replica stops copying, then writes are 202 not_replicated yet stored and published, the CLI and the console say so, and the same key once it copies again is 201', async () => {
    await sentinel.waitUntilReplicating();
    const instance = await startInstance({ env: { ...sentinel.env, REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '300' } });
    try {
      await createBlog(instance.url, instance.adminToken, { id: 'waited', title: 'Waited' });
      const copied = await postEntryRaw(instance, 'waited', 'Copied', 'waited-1');
      assert.equal(copied.status, 201, JSON.stringify(copied.body));
      assert.equal((copied.body as EntryWriteResult).replication, undefined);

      const reader = await openReader(instance.url, 'waited');
      const primary = await sentinel.primary();
      const replica = sentinel.nodes.find((n) => n !== primary)!;
      // detached: it keeps what it has and copies nothing more
      await replica.admin.call('REPLICAOF', 'NO', 'ONE');
      let stored;
      let cli;
      const consoleWarnings: WriteWarning[] = [];
      const consoleApi = new ConsoleApi(instance.adminToken, { origin: instance.url, onWarning: (w) => consoleWarnings.push(w) });
      try {
        stored = await postEntryRaw(instance, 'waited', 'Stored on the primary only', 'waited-2');
        cli = await runCli(['post', 'waited', 'From the CLI'], { env: cliEnv(instance, TEST_ADMIN_TOKEN) });
        const fromConsole = await consoleApi.deleteEntry('waited', EntryWriteResult.parse(copied.body).entry.id);
        assert.equal(fromConsole.ok, true);
      } finally {
        await replica.admin.call('REPLICAOF', '127.0.0.1', String(primary.port));
      }
      assert.equal(stored.status, 202, JSON.stringify(stored.body));
      const answer = EntryWriteResult.parse(stored.body);
      assert.deepEqual(answer.replication, { code: 'not_replicated', replicas: 0, wanted: 1 });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /stored, not yet copied to a replica \(0 of 1 confirmed\)/);
      assert.deepEqual(consoleWarnings, [{ code: 'not_replicated', replicas: 0, wanted: 1 }], 'the console is told of the delete answered 202');
      assert.match(describeWarning(consoleWarnings[0]!), /not yet copied to a replica \(0 of 1 confirmed\)/);
      const cliId = postedId(cli.stdout);
      assert.deepEqual((await entriesOf(instance, 'waited')).map((e) => e.id), [cliId, answer.entry.id]);
      await reader.waitFor((r) => r.state?.entries.has(cliId) === true);
      await reader.close();

      await sentinel.waitUntilReplicating();
      const retried = await postEntryRaw(instance, 'waited', 'Stored on the primary only', 'waited-2');
      assert.equal(retried.status, 201, JSON.stringify(retried.body));
      assert.equal(retried.headers.get('idempotent-replayed'), 'true');
      assert.equal(EntryWriteResult.parse(retried.body).entry.id, answer.entry.id);
    } finally {
      await instance.close();
    }
  });
});
