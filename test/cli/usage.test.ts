import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../support/redis-server.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, runCli } from './support.js';

const COMMANDS = [
  'blogs list',
  'blogs create',
  'blogs end',
  'blogs reopen',
  'post',
  'edit',
  'delete',
  'pin',
  'unpin',
  'tail',
  'console',
  'tokens create',
  'tokens list',
  'tokens revoke',
];

describe('liveblog usage and help', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance();
  });
  after(() => server.close());

  it('when --help is given to any command, then its usage goes to stdout and the exit code is 0', async () => {
    for (const command of COMMANDS) {
      const res = await runCli([...command.split(' '), '--help'], { env: cliEnv(undefined) });
      assert.equal(res.code, 0, `${command}: ${res.stderr}`);
      assert.ok(res.stdout.startsWith(`usage: liveblog ${command}`), `${command} --help:\n${res.stdout}`);
      assert.equal(res.stderr, '');
    }
    const overview = await runCli(['--help'], { env: cliEnv(undefined) });
    assert.equal(overview.code, 0);
    for (const command of COMMANDS) assert.ok(overview.stdout.includes(`  ${command} `), `the overview lists ${command}`);
    const group = await runCli(['tokens', '--help'], { env: cliEnv(undefined) });
    assert.match(group.stdout, /^usage: liveblog tokens <create\|list\|revoke>/);
  });

  it('when the command line is wrong, then one line on stderr says what is wrong and the exit code is 2', async () => {
    const env = cliEnv(server, server.adminToken);
    const cases: [string[], RegExp][] = [
      [[], /^liveblog: give a command\. See "liveblog --help"\.$/],
      [['publish', 'storm'], /^liveblog: unknown command "publish"\. See "liveblog --help"\.$/],
      [['blogs'], /^liveblog: "blogs" needs one of: list, create, end, reopen\. See "liveblog blogs --help"\.$/],
      [['blogs', 'remove'], /^liveblog: unknown command "blogs remove"; use one of: list, create, end, reopen/],
      [['post'], /^liveblog: missing <blogId>\. See "liveblog post --help"\.$/],
      [['post', 'storm', 'x', '--colour', 'red'], /^liveblog: Unknown option '--colour'\. See "liveblog post --help"\.$/],
      [['post', 'Storm!', 'x'], /^liveblog: <blogId> "Storm!": use only a-z, 0-9 and "-"\. See "liveblog post --help"\.$/],
      [['post', 'storm', 'x', '--kind', 'poem'], /^liveblog: --kind: .*"text".*See "liveblog post --help"\.$/],
      [['post', 'storm', 'x', '--title'], /^liveblog: Option '--title <value>' argument missing\. See "liveblog post --help"\.$/],
      [['post', 'storm', 'x', '--file', 'f.md'], /^liveblog: give the text as arguments or with --file, not both/],
      [['delete', 'storm'], /^liveblog: missing <entryId>\. See "liveblog delete --help"\.$/],
      [['delete', 'storm', 'NOT-AN-ID'], /^liveblog: <entryId> "NOT-AN-ID": not an entry id/],
      [['edit', 'storm', 'abcdefgh', 'x', '--version', 'two'], /^liveblog: --version: must be a number/],
      [['tail', 'storm', 'extra'], /^liveblog: unexpected argument "extra"\. See "liveblog tail --help"\.$/],
      [['tail', 'storm', '--history', '0'], /^liveblog: --history: /],
      [['tokens', 'create', 'Ana', '--role', 'owner'], /^liveblog: --role: /],
      [['blogs', 'list', '--url', 'ftp://example.com'], /^liveblog: --url must be an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [args, expected] of cases) {
      const res = await runCli(args, { env });
      assert.equal(res.code, 2, `liveblog ${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stderr.split('\n').length, 2, `one line for liveblog ${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr.trimEnd(), expected, `liveblog ${args.join(' ')}`);
      assert.equal(res.stdout, '');
    }
  });

  it('when a write has no token, then it is a usage error that says how to give one', async () => {
    const res = await runCli(['post', 'storm', 'Hello'], { env: cliEnv(server) });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^liveblog: no token: pass --token or set LIVEBLOG_TOKEN/);
  });

  it('when the server cannot be reached, then it says so in one line and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const list = await runCli(['blogs', 'list', '--url', url], { env: cliEnv(undefined) });
    assert.equal(list.code, 1);
    assert.match(list.stderr, new RegExp(`^liveblog: cannot reach ${url}: is the server running\\? \\(ECONNREFUSED; check --url or LIVEBLOG_URL\\)\\n$`));

    // a post tries again a few times (with the same key) before giving up
    const post = await runCli(['post', 'storm', 'Hello'], { env: { ...cliEnv(undefined, 'some-token'), LIVEBLOG_URL: url } });
    assert.equal(post.code, 1);
    assert.match(post.stderr, new RegExp(`^liveblog: cannot reach ${url}: is the server running\\?[^\\n]*\\n$`));
    assert.ok(!post.stderr.includes('some-token'));
  });

  it('when the URL answers but is not a liveblog server, then it says to check the URL', async () => {
    const res = await runCli(['blogs', 'list', '--url', `${server.url}/nothing-here`], { env: cliEnv(undefined) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^liveblog: no route for GET \/nothing-here\/api\/blogs \(404\); check --url or LIVEBLOG_URL: it is the server's root URL\.\n$/);
  });
});
