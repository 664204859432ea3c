import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channelFor } from '../../server/bus/event-bus.js';
import { randomUUID } from 'node:crypto';
import { ApiClient } from '../../client/cli/http.js';
import { publishEntry } from '../../client/cli/publish.js';
import { EntryCreateInput, type Entry, type Position } from '../../shared/index.js';
import { createBlog } from '../support/api.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { publishCalls, shardSubscribers, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { openReader, type TestReader } from '../support/test-reader.js';

const ENTRIES_PER_BLOG = 12;

describe('two instances on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let a: TestInstance;
  let b: TestInstance;

  before(async () => {
    cluster = await startRedisCluster();
    a = await startInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds } });
    b = await startInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds } });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await cluster.close();
  });

  it("when blogs on all three shards are posted to, then readers on both instances get every event once and in order, and each blog's events went only to its shard", async () => {
    const blogs = await cluster.idsOnEveryPrimary('spread');
    assert.equal(new Set(blogs.map((blog) => blog.primary)).size, 3);
    for (const { id } of blogs) await createBlog(a.url, a.adminToken, { id, title: `Blog ${id}` });
    const readers = new Map<string, TestReader[]>();
    for (const { id } of blogs) readers.set(id, [await openReader(a.url, id), await openReader(b.url, id)]);

    for (const { id, primary } of blogs) {
      // Both instances follow the blog with one sharded subscription each, on the primary that owns it.
      assert.equal(await shardSubscribers(primary, channelFor(id)), 2, `SHARDNUMSUB of ${id} on its primary`);
    }
    const before = new Map(await Promise.all(cluster.nodes.map(async (node) => [node, await publishCalls(node)] as const)));

    const posted = new Map<string, string[]>(blogs.map(({ id }) => [id, []]));
    const last = new Map<string, number>();
    for (let i = 0; i < ENTRIES_PER_BLOG; i += 1) {
      for (const { id } of blogs) {
        const via = i % 2 === 0 ? a : b;
        const { entry, position } = await post(via, id, `Update ${i} on ${id}`);
        posted.get(id)!.push(entry.id);
        last.set(id, position.seq);
      }
    }

    for (const { id } of blogs) {
      for (const reader of readers.get(id)!) {
        await reader.waitForSeq(last.get(id)!);
        assertAppliedInOrderOnce(reader.applied, posted.get(id)!);
        assertNoDuplicateDeliveries(reader.received);
        assert.equal(reader.state?.entries.size, ENTRIES_PER_BLOG);
        assert.deepEqual(reader.problems, []);
      }
    }

    const figures: string[] = [];
    for (const node of cluster.nodes) {
      const now = await publishCalls(node);
      const was = before.get(node)!;
      const expected = blogs.filter((blog) => blog.primary === node).length * ENTRIES_PER_BLOG;
      figures.push(`${node.address}: spublish +${now.spublish - was.spublish}, publish +${now.publish - was.publish}`);
      assert.equal(now.spublish - was.spublish, expected, `SPUBLISH calls on ${node.address}`);
      assert.equal(now.publish - was.publish, 0, `classic PUBLISH calls on ${node.address}`);
    }
    console.log(`[cluster] ${blogs.length} blogs × ${ENTRIES_PER_BLOG} entries; per node: ${figures.join('; ')}`);
    for (const list of readers.values()) for (const reader of list) await reader.close();
  });
});

/**
 * Posts an entry the way the CLI does: a 503 (e.g. no render worker free yet on a loaded machine) is
 * sent again with the same Idempotency-Key, so the entry is stored once.
 */
async function post(via: TestInstance, blogId: string, body: string): Promise<{ entry: Entry; position: Position }> {
  const res = await publishEntry(new ApiClient({ url: via.url, token: via.adminToken }), blogId, EntryCreateInput.parse({ body }), randomUUID());
  if (!res.ok) throw new Error(`posting entry failed: ${JSON.stringify(res.failure)}`);
  return res.data;
}
