import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Blog } from '../../shared/index.js';
import { call } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, makeToken, runCli } from './support.js';

async function blogOf(server: TestInstance, id: string): Promise<Blog> {
  const res = await call(server.url, 'GET', `/api/blogs/${id}?limit=1`);
  assert.equal(res.status, 200);
  return Blog.parse(res.body.blog);
}

describe('liveblog blogs', () => {
  let server: TestInstance;
  let token: string;

  before(async () => {
    server = await startInstance();
    token = (await makeToken(server, 'Desk')).token;
  });
  after(() => server.close());

  it('when there is no blog yet, then list says how to start one', async () => {
    const res = await runCli(['blogs', 'list'], { env: cliEnv(server) });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /no blogs yet/);
  });

  it('when a blog is created with an id and key points, then it is stored with them', async () => {
    const res = await runCli(['blogs', 'create', '--title', 'Election night', '--id', 'election', '--key-point', 'Polls close at 8', '--key-point', 'Turnout high'], {
      env: cliEnv(server, token),
    });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^created blog election: Election night$/m);
    const blog = await blogOf(server, 'election');
    assert.deepEqual(blog.keyPoints, ['Polls close at 8', 'Turnout high']);
    assert.equal(blog.status, 'live');
  });

  it('when a blog is created without an id, then the id is made from the title', async () => {
    const res = await runCli(['blogs', 'create', '--title', 'Storm Ciarán'], { env: cliEnv(server, token) });
    assert.equal(res.code, 0, res.stderr);
    const id = /^created blog (\S+):/m.exec(res.stdout)?.[1];
    assert.ok(id !== undefined && id.startsWith('storm-ciar'), res.stdout);
  });

  it('when blogs are listed, then a table shows id, status, title and update time', async () => {
    const res = await runCli(['blogs', 'list'], { env: cliEnv(server) });
    assert.equal(res.code, 0, res.stderr);
    const [header, ...rows] = res.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^ID\s+STATUS\s+TITLE\s+UPDATED$/);
    const row = rows.find((r) => r.startsWith('election '));
    assert.match(row ?? '', /^election\s+live\s+Election night\s+\d{4}-\d\d-\d\d \d\d:\d\d$/);
  });

  it('when a blog is ended, then it shows as ended, refuses posts, and reopens', async () => {
    const ended = await runCli(['blogs', 'end', 'election'], { env: cliEnv(server, token) });
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal((await blogOf(server, 'election')).status, 'ended');
    const list = await runCli(['blogs', 'list'], { env: cliEnv(server) });
    assert.match(list.stdout, /^election\s+ended\s+/m);

    const post = await runCli(['post', 'election', 'Too late'], { env: cliEnv(server, token) });
    assert.equal(post.code, 1);
    assert.equal(post.stderr, 'liveblog: blog "election" has ended (409); "liveblog blogs reopen election" takes it live again.\n');

    const reopened = await runCli(['blogs', 'reopen', 'election'], { env: cliEnv(server, token) });
    assert.equal(reopened.code, 0, reopened.stderr);
    assert.equal((await blogOf(server, 'election')).status, 'live');
  });

  it('when the id is taken, then it says to choose another and exits 1', async () => {
    const res = await runCli(['blogs', 'create', '--title', 'Again', '--id', 'election'], { env: cliEnv(server, token) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^liveblog: .*election.* \(409\); choose another --id\.\n$/);
  });

  it('when the title is missing or the id malformed, then it is a usage error', async () => {
    const missing = await runCli(['blogs', 'create'], { env: cliEnv(server, token) });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^liveblog: --title: required/);
    const malformed = await runCli(['blogs', 'create', '--title', 'X', '--id', 'Not OK'], { env: cliEnv(server, token) });
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /^liveblog: --id: use only a-z, 0-9 and "-"/);
  });

  it('when ending a blog that does not exist, then it says so and exits 1', async () => {
    const res = await runCli(['blogs', 'end', 'nowhere'], { env: cliEnv(server, token) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^liveblog: blog "nowhere" not found \(404\)/);
  });
});
