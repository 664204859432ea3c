import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { cliEnv, entriesOf, makeToken, startCli, type RunningCli } from './support.js';

/** Starts the console with piped stdin and waits until it reads input. */
async function startConsole(server: TestInstance, blogId: string, token: string): Promise<RunningCli> {
  const cli = startCli(['console', blogId], { env: cliEnv(server, token) });
  await cli.waitForStderr(/console for blog/, 'the console to start');
  return cli;
}

describe('liveblog console (driven through stdin)', () => {
  let server: TestInstance;
  let token: string;
  const running: RunningCli[] = [];

  before(async () => {
    server = await startInstance();
    token = (await makeToken(server, 'Gus')).token;
  });
  after(async () => {
    for (const cli of running) await cli.stop();
    await server.close();
  });

  it("when a paragraph and a blank line are typed, then it is published; when another editor posts, then it shows up", async () => {
    await createBlog(server.url, server.adminToken, { id: 'console-live', title: 'Console' });
    const cli = await startConsole(server, 'console-live', token);
    running.push(cli);

    cli.write('Bridge closed\nfor repairs.\n\n');
    const posted = await cli.waitForLine(/^posted [a-z0-9]+$/, 'the paragraph to be published');
    const id = posted.slice('posted '.length);
    const mine = (await entriesOf(server, 'console-live')).find((e) => e.id === id);
    assert.equal(mine?.body, 'Bridge closed\nfor repairs.');
    assert.equal(mine?.author.name, 'Gus');
    await cli.waitForLine(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  created  ${id}  Bridge closed$`), 'its own entry in the stream');

    const other = await postEntry(server.url, server.adminToken, 'console-live', 'Posted by a colleague');
    await cli.waitForLine(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  created  ${other.entry.id}  Posted by a colleague$`), "the colleague's entry");

    cli.write('/title Latest\n/key\n/pin\nThe last words\n');
    cli.end();
    assert.equal(await cli.exited, 0, cli.stderr);
    const entries = await entriesOf(server, 'console-live');
    assert.equal(entries.length, 3, 'one entry per paragraph, nothing twice');
    const last = entries.find((e) => e.body === 'The last words');
    assert.equal(last?.title, 'Latest', 'the end of input published the unsent paragraph with its settings');
    assert.equal(last?.keyEvent, true);
    assert.equal(last?.pinned, true);
  });

  it('when several paragraphs are piped in, then each is one entry, in order, and settings apply to the next one only', async () => {
    await createBlog(server.url, server.adminToken, { id: 'console-piped', title: 'Piped' });
    const cli = await startConsole(server, 'console-piped', token);
    running.push(cli);
    cli.write('/key\nOne\n\n\n\nTwo\n\n//slash at the start\n\n/nonsense\nThree\n');
    cli.end();
    assert.equal(await cli.exited, 0, cli.stderr);
    const entries = (await entriesOf(server, 'console-piped')).reverse();
    assert.deepEqual(
      entries.map((e) => [e.body, e.keyEvent]),
      [
        ['One', true],
        ['Two', false],
        ['/slash at the start', false],
        ['Three', false],
      ],
      'blank lines alone send nothing; an unknown command is not text',
    );
    assert.match(cli.stderr, /unknown command \/nonsense/);
  });

  it('when the second /quit confirms, then the typed text is dropped and it exits', async () => {
    await createBlog(server.url, server.adminToken, { id: 'console-quit', title: 'Quit' });
    const cli = await startConsole(server, 'console-quit', token);
    running.push(cli);
    cli.write('Half a thought\n/quit\n');
    await cli.waitForStderr(/not sent yet/, 'a warning that the text is not sent');
    cli.write('/quit\n');
    assert.equal(await cli.exited, 0, cli.stderr);
    assert.equal((await entriesOf(server, 'console-quit')).length, 0);
  });

  it('when a post is refused, then the text is kept and printed at the end, and the exit code is 1', async () => {
    await createBlog(server.url, server.adminToken, { id: 'console-refused', title: 'Refused' });
    const cli = startCli(['console', 'console-refused'], { env: cliEnv(server, 'lb_revoked-or-never-was-a-token-at-all-0000') });
    running.push(cli);
    cli.write('Important words\n');
    cli.end();
    assert.equal(await cli.exited, 1);
    assert.match(cli.stderr, /not published: the token was refused \(401\)/);
    assert.match(cli.stderr, /1 entry was not published; the text follows:\n\nImportant words\n/);
  });

  it('when the blog has ended, then the console says so before anything is typed', async () => {
    await createBlog(server.url, server.adminToken, { id: 'console-ended', title: 'Ended' });
    await fetch(`${server.url}/api/blogs/console-ended`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ended' }),
    });
    const cli = startCli(['console', 'console-ended'], { env: cliEnv(server, token) });
    running.push(cli);
    assert.equal(await cli.exited, 1);
    assert.match(cli.stderr, /^liveblog: blog "console-ended" has ended/);
  });
});
