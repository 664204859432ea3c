import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, entriesOf, postedId, runCli } from './support.js';

describe('liveblog tokens', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'desk', title: 'Desk' });
  });
  after(() => server.close());

  it('when an admin creates, lists and revokes a token, then the revoked token is refused in one line with exit 1', async () => {
    const admin = cliEnv(server, server.adminToken);
    const created = await runCli(['tokens', 'create', 'Ben Okafor'], { env: admin });
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, 'only the token on stdout, so $(…) captures it');
    const token = lines[0] ?? '';
    assert.match(token, /^lb_[A-Za-z0-9_-]{43}$/);
    const id = /token (\S+) for "Ben Okafor"/.exec(created.stderr)?.[1];
    assert.ok(id !== undefined, created.stderr);

    const posted = await runCli(['post', 'desk', 'Written by Ben'], { env: cliEnv(server, token) });
    assert.equal(posted.code, 0, posted.stderr);
    const entry = (await entriesOf(server, 'desk')).find((e) => e.id === postedId(posted.stdout));
    assert.equal(entry?.author.name, 'Ben Okafor');

    const listed = await runCli(['tokens', 'list'], { env: admin });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+ROLE\s+CREATED\s+LAST USED$/m);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(id));
    assert.match(row ?? '', /Ben Okafor\s+editor\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d$/, 'the use shows as last used');
    assert.ok(!listed.stdout.includes(token), 'the list never shows the token');

    const revoked = await runCli(['tokens', 'revoke', id], { env: admin });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, `revoked token ${id}\n`);

    const refused = await runCli(['post', 'desk', 'After revocation'], { env: cliEnv(server, token) });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'liveblog: the token was refused (401). Check --token or LIVEBLOG_TOKEN.\n');
    assert.equal(refused.stdout, '');
    assert.equal((await entriesOf(server, 'desk')).filter((e) => e.body === 'After revocation').length, 0);
  });

  it('when a token is made with --role admin, then it may manage tokens', async () => {
    const created = await runCli(['tokens', 'create', 'Chief', '--role', 'admin'], { env: cliEnv(server, server.adminToken) });
    assert.equal(created.code, 0, created.stderr);
    const listed = await runCli(['tokens', 'list'], { env: cliEnv(server, created.stdout.trim()) });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /Chief\s+admin/);
  });

  it('when an editor token manages tokens, then it is told an admin token is needed', async () => {
    const created = await runCli(['tokens', 'create', 'Dana'], { env: cliEnv(server, server.adminToken) });
    const res = await runCli(['tokens', 'list'], { env: cliEnv(server, created.stdout.trim()) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^liveblog: this needs an admin token \(403\)/);
    assert.equal(res.stderr.split('\n').length, 2, 'one line');
  });

  it('when revoking an unknown id or passing the token itself, then it says so without echoing a secret', async () => {
    const unknown = await runCli(['tokens', 'revoke', 'abcdefghijkl'], { env: cliEnv(server, server.adminToken) });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /abcdefghijkl.*\(404\)/);

    const created = await runCli(['tokens', 'create', 'Eve'], { env: cliEnv(server, server.adminToken) });
    const secret = created.stdout.trim();
    const mistaken = await runCli(['tokens', 'revoke', secret], { env: cliEnv(server, server.adminToken) });
    assert.equal(mistaken.code, 2);
    assert.match(mistaken.stderr, /that is a token, not its id/);
    assert.ok(!mistaken.stderr.includes(secret));
  });

  it('when no token is set, then it says how to give one and exits 2', async () => {
    const res = await runCli(['tokens', 'list'], { env: cliEnv(server) });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: no token: pass --token or set LIVEBLOG_TOKEN/);
  });

  it('when the token comes from --token, then it is used instead of LIVEBLOG_TOKEN', async () => {
    const res = await runCli(['tokens', 'list', '--token', server.adminToken], { env: cliEnv(server, 'lb_not-a-real-token') });
    assert.equal(res.code, 0, res.stderr);
  });
});
