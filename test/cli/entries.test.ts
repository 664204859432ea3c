import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, entriesOf, makeToken, runCli } from './support.js';

describe('liveblog edit, delete, pin', () => {
  let server: TestInstance;
  let token: string;

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'floods', title: 'Floods' });
    token = (await makeToken(server, 'Fay')).token;
  });
  after(() => server.close());

  const entry = async (id: string) => (await entriesOf(server, 'floods')).find((e) => e.id === id);

  it('when an entry is edited with new text and a correction, then the current version is edited', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Water at 5 m');
    const res = await runCli(['edit', 'floods', posted.id, 'Water at 6 m', '--correction', 'An earlier version said 5 m'], { env: cliEnv(server, token) });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `edited ${posted.id} in floods (now version 2)\n`);
    const now = await entry(posted.id);
    assert.equal(now?.body, 'Water at 6 m');
    assert.equal(now?.correction, 'An earlier version said 5 m');
  });

  it('when the new text is piped in and the subheading cleared, then both change', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Old text', { title: 'Old title' });
    const res = await runCli(['edit', 'floods', posted.id, '--title', ''], { env: cliEnv(server, token), input: 'New text\n' });
    assert.equal(res.code, 0, res.stderr);
    const now = await entry(posted.id);
    assert.equal(now?.body, 'New text');
    assert.equal(now?.title, undefined);
  });

  it('when only a flag changes and stdin is empty, then the text stays', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Keep me');
    const res = await runCli(['edit', 'floods', posted.id, '--key-event'], { env: cliEnv(server, token) });
    assert.equal(res.code, 0, res.stderr);
    const now = await entry(posted.id);
    assert.equal(now?.body, 'Keep me');
    assert.equal(now?.keyEvent, true);
  });

  it("when someone else edited the entry since --version, then their version's first line is shown and nothing is overwritten", async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'First draft');
    const theirs = await call(server.url, 'PATCH', `/api/blogs/floods/entries/${posted.id}`, {
      token: server.adminToken,
      body: { version: 1, body: 'Their rewrite\nwith a second line' },
    });
    assert.equal(theirs.status, 200);
    const res = await runCli(['edit', 'floods', posted.id, 'My rewrite', '--version', '1'], { env: cliEnv(server, token) });
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      `liveblog: someone else edited entry ${posted.id} meanwhile: it is now version 2, "Their rewrite". ` +
        'Your edit was not saved; to replace their version, run the edit again with --version 2.\n',
    );
    assert.equal((await entry(posted.id))?.body, 'Their rewrite\nwith a second line');

    const again = await runCli(['edit', 'floods', posted.id, 'My rewrite', '--version', '2'], { env: cliEnv(server, token) });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await entry(posted.id))?.body, 'My rewrite');
  });

  it('when there is nothing to change, then it is a usage error', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Untouched');
    const res = await runCli(['edit', 'floods', posted.id], { env: cliEnv(server, token) });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: nothing to change/);
  });

  it('when an entry is pinned and unpinned, then the flag follows, also after a colleague edited it', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Pin me');
    await call(server.url, 'PATCH', `/api/blogs/floods/entries/${posted.id}`, { token: server.adminToken, body: { version: 1, body: 'Pin me, edited' } });
    const pinned = await runCli(['pin', 'floods', posted.id], { env: cliEnv(server, token) });
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.stdout, `pinned ${posted.id} in floods: Pin me, edited\n`);
    assert.equal((await entry(posted.id))?.pinned, true);
    const unpinned = await runCli(['unpin', 'floods', posted.id], { env: cliEnv(server, token) });
    assert.equal(unpinned.code, 0, unpinned.stderr);
    assert.equal((await entry(posted.id))?.pinned, false);
  });

  it('when an entry is deleted, then it is gone, and deleting it again says it was not found', async () => {
    const { entry: posted } = await postEntry(server.url, server.adminToken, 'floods', 'Delete me');
    const res = await runCli(['delete', 'floods', posted.id], { env: cliEnv(server, token) });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `deleted ${posted.id} from floods\n`);
    assert.equal(await entry(posted.id), undefined);

    const again = await runCli(['delete', 'floods', posted.id], { env: cliEnv(server, token) });
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^liveblog: entry "${posted.id}" not found in blog "floods" \\(404\\)`));
    const edit = await runCli(['edit', 'floods', posted.id, 'Too late'], { env: cliEnv(server, token) });
    assert.equal(edit.code, 1);
    assert.match(edit.stderr, new RegExp(`^liveblog: entry "${posted.id}" not found in blog "floods"`));
  });
});
