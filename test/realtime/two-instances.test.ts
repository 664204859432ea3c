import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog, postEntry } from '../support/api.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { openReader } from '../support/test-reader.js';

describe('two server instances on one Redis', () => {
  let redis: TestRedis;
  let a: TestInstance;
  let b: TestInstance;

  before(async () => {
    redis = await startRedis();
    a = await startInstance({ redisUrl: redis.url });
    b = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('when an editor posts on A, then readers on A and B get every entry once and in order', async () => {
    await createBlog(a.url, a.adminToken, { id: 'two-instances', title: 'Two instances' });
    const onA = await openReader(a.url, 'two-instances');
    const onB1 = await openReader(b.url, 'two-instances');
    const onB2 = await openReader(b.url, 'two-instances');

    const posted: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const target = i % 3 === 0 ? b : a;
      posted.push((await postEntry(target.url, target.adminToken, 'two-instances', `Update ${i}`)).entry.id);
    }
    const last = await postEntry(a.url, a.adminToken, 'two-instances', 'Final update');
    posted.push(last.entry.id);

    for (const reader of [onA, onB1, onB2]) {
      await reader.waitForSeq(last.position.seq);
      assertAppliedInOrderOnce(reader.applied, posted);
      assertNoDuplicateDeliveries(reader.received);
      assert.equal(reader.state?.entries.size, posted.length);
      await reader.close();
    }
  });

  it('when entries are edited and deleted on B, then a reader on A sees the final state', async () => {
    await createBlog(b.url, b.adminToken, { id: 'edits-across', title: 'Edits across instances' });
    const reader = await openReader(a.url, 'edits-across');
    const first = await postEntry(b.url, b.adminToken, 'edits-across', 'First version');
    const second = await postEntry(b.url, b.adminToken, 'edits-across', 'To be deleted');
    const edit = await fetch(`${b.url}/api/blogs/edits-across/entries/${first.entry.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${b.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1, body: 'Second version', correction: 'An earlier version misspelled a name.' }),
    });
    assert.equal(edit.status, 200);
    const del = await fetch(`${b.url}/api/blogs/edits-across/entries/${second.entry.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${b.adminToken}` },
    });
    assert.equal(del.status, 204);

    await reader.waitFor((r) => r.state !== undefined && !r.state.entries.has(second.entry.id), 5_000);
    const entry = reader.state?.entries.get(first.entry.id);
    assert.equal(entry?.version, 2);
    assert.equal(entry?.body, 'Second version');
    assert.equal(entry?.correction, 'An earlier version misspelled a name.');
    await reader.close();
  });
});
