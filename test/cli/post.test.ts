import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, entriesOf, makeToken, postedId, runCli, startFlakyProxy } from './support.js';

describe('liveblog post', () => {
  let server: TestInstance;
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-cli-'));

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'storm', title: 'Storm' });
    token = (await makeToken(server, 'Ana Ruiz')).token;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("when the text comes on stdin, then one entry is stored with it and the token's name as author", async () => {
    const res = await runCli(['post', 'storm'], { env: cliEnv(server, token), input: '\nRoads are closed.\r\n\r\nDetour via the A9.\n\n' });
    assert.equal(res.code, 0, res.stderr);
    const id = postedId(res.stdout);
    const entry = (await entriesOf(server, 'storm')).find((e) => e.id === id);
    assert.ok(entry, 'the printed id is the stored entry');
    assert.equal(entry.body, 'Roads are closed.\n\nDetour via the A9.');
    assert.equal(entry.author.name, 'Ana Ruiz');
    assert.equal(entry.kind, 'text');
    assert.equal(res.stderr, '');
    assert.ok(!res.stdout.includes(token) && !res.stderr.includes(token), 'the token is never printed');
  });

  it('when the text and flags are given as arguments, then the entry carries them', async () => {
    const res = await runCli(
      ['post', 'storm', '"We', 'are', 'safe"', '--kind', 'quote', '--attribution', 'The mayor', '--title', 'Mayor speaks', '--key-event', '--pin'],
      { env: cliEnv(server, token) },
    );
    assert.equal(res.code, 0, res.stderr);
    const entry = (await entriesOf(server, 'storm')).find((e) => e.id === postedId(res.stdout));
    assert.ok(entry);
    assert.equal(entry.body, '"We are safe"');
    assert.equal(entry.kind, 'quote');
    assert.equal(entry.attribution, 'The mayor');
    assert.equal(entry.title, 'Mayor speaks');
    assert.equal(entry.keyEvent, true);
    assert.equal(entry.pinned, true);
  });

  it('when an image is posted with --media-url and --caption, then it is stored without waiting for text', async () => {
    const res = await runCli(['post', 'storm', '--kind', 'image', '--media-url', 'https://img.example.com/a.jpg', '--caption', 'The bridge'], {
      env: cliEnv(server, token),
    });
    assert.equal(res.code, 0, res.stderr);
    const entry = (await entriesOf(server, 'storm')).find((e) => e.id === postedId(res.stdout));
    assert.deepEqual(entry?.media, { url: 'https://img.example.com/a.jpg', caption: 'The bridge' });
    assert.equal(entry?.kind, 'image');
  });

  it('when the text is in a file, then the file is posted', async () => {
    const file = join(dir, 'entry.md');
    writeFileSync(file, '## Update\n\nThe **river** peaked at 6 m.\n');
    const res = await runCli(['post', 'storm', '--file', file], { env: cliEnv(server, token) });
    assert.equal(res.code, 0, res.stderr);
    const entry = (await entriesOf(server, 'storm')).find((e) => e.id === postedId(res.stdout));
    assert.equal(entry?.body, '## Update\n\nThe **river** peaked at 6 m.');
  });

  it('when the answer to a post is lost, then it is sent again with the same key and stored exactly once', async () => {
    const proxy = await startFlakyProxy(server.url, (req) => req.method === 'POST');
    try {
      const res = await runCli(['post', 'storm', 'Posted through a flaky network', '--url', proxy.url], { env: cliEnv(undefined, token) });
      assert.equal(res.code, 0, res.stderr);
      const posts = proxy.seen.filter((r) => r.method === 'POST');
      assert.equal(posts.length, 2, 'the lost answer made the CLI send again');
      assert.ok(posts[0]?.key !== undefined && posts[0].key === posts[1]?.key, 'both attempts carry the same Idempotency-Key');
      const matching = (await entriesOf(server, 'storm')).filter((e) => e.body === 'Posted through a flaky network');
      assert.equal(matching.length, 1, 'stored once');
      assert.equal(matching[0]?.id, postedId(res.stdout));
    } finally {
      await proxy.close();
    }
  });

  it('when two posts carry the same text, then each gets its own key and both are stored', async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await runCli(['post', 'storm', 'Same words twice'], { env: cliEnv(server, token) });
      assert.equal(res.code, 0, res.stderr);
    }
    assert.equal((await entriesOf(server, 'storm')).filter((e) => e.body === 'Same words twice').length, 2);
  });

  it('when an image has no --media-url, then it is a usage error naming the flag, and nothing is posted', async () => {
    const before = (await entriesOf(server, 'storm')).length;
    const res = await runCli(['post', 'storm', 'A picture', '--kind', 'image'], { env: cliEnv(server, token) });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: --media-url: required for kind "image"/);
    assert.equal(res.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal((await entriesOf(server, 'storm')).length, before);
  });

  it('when the text is empty, then it says so and exits 2', async () => {
    const res = await runCli(['post', 'storm'], { env: cliEnv(server, token), input: '\n  \n' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: the text: must not be empty/);
  });

  it('when the blog does not exist, then one line says so and the exit code is 1', async () => {
    const res = await runCli(['post', 'no-such-blog', 'Hello'], { env: cliEnv(server, token) });
    assert.equal(res.code, 1);
    assert.equal(res.stderr, 'liveblog: blog "no-such-blog" not found (404). "liveblog blogs list" shows the ids.\n');
  });

  it('when the text is longer than allowed, then the limit is named before anything is sent', async () => {
    const res = await runCli(['post', 'storm'], { env: cliEnv(server, token), input: 'x'.repeat(20_001) });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: the text: .*20000/);
  });
});

describe('liveblog post over the write limit', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance({ env: { RATE_LIMIT_WRITES_PER_MINUTE: '2' } });
    // the blog is the admin token's first write
    await createBlog(server.url, server.adminToken, { id: 'limited', title: 'Limited' });
  });
  after(() => server.close());

  it('when the token has used up its writes for the minute, then one line says so and when to send it again, and exit is 1', async () => {
    assert.equal((await runCli(['post', 'limited', 'Second write'], { env: cliEnv(server, server.adminToken) })).code, 0);
    const res = await runCli(['post', 'limited', 'Third write'], { env: cliEnv(server, server.adminToken) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^liveblog: this token sent too many changes in a minute \(429\); wait \d+ s, then send it again\.\n$/);
    assert.equal((await entriesOf(server, 'limited')).length, 1);
  });
});
