import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Entry } from '../../shared/index.js';
import { call, postEntry } from '../support/api.js';
import { launchBrowser, openPage, screenshot } from '../support/browser.js';
import { eventually, freshBlog, issueToken, openBlog, signIn, startConsoleEnv, storedEntries, type ConsoleEnv } from '../console/browser-support.js';

describe('console: the live stream and its entries', () => {
  let env: ConsoleEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let colleague: string;

  before(async () => {
    env = await startConsoleEnv();
    colleague = await issueToken(env.instance, 'Ben Okafor');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  async function fresh(title: string, prepare?: (page: Page) => Promise<void>): Promise<string> {
    await context?.close();
    ({ context, page } = await openPage(browser));
    await prepare?.(page);
    const blogId = await freshBlog(env, title);
    await signIn(page, env);
    await openBlog(page, env, blogId);
    return blogId;
  }

  function itemOf(entryId: string): Locator {
    return page.locator(`[data-testid="entry"][data-entry-id="${entryId}"]`);
  }

  async function stored(blogId: string, entryId: string): Promise<Entry | undefined> {
    return (await storedEntries(env, blogId)).find((e) => e.id === entryId);
  }

  test('when another editor publishes, then the entry appears in the stream as it is published', async () => {
    const blogId = await fresh('Colleagues');
    const first = await postEntry(env.url, colleague, blogId, 'From the newsroom floor');
    await itemOf(first.entry.id).waitFor();
    assert.equal(await itemOf(first.entry.id).locator('.entry__author').textContent(), 'Ben Okafor');
    const second = await postEntry(env.url, colleague, blogId, 'And a second one');
    await itemOf(second.entry.id).waitFor();
    const ids = await page.locator('[data-testid="entries"] [data-testid="entry"]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.entryId));
    assert.deepEqual(ids, [second.entry.id, first.entry.id], 'newest first');

    // edits and deletions by others show up live too
    const edited = await call(env.url, 'PATCH', `/api/blogs/${blogId}/entries/${first.entry.id}`, { token: colleague, body: { version: 1, body: 'From the newsroom floor (updated)' } });
    assert.equal(edited.status, 200);
    await itemOf(first.entry.id).locator('.entry__body', { hasText: '(updated)' }).waitFor();
    assert.equal((await call(env.url, 'DELETE', `/api/blogs/${blogId}/entries/${second.entry.id}`, { token: colleague })).status, 204);
    await itemOf(second.entry.id).waitFor({ state: 'detached' });
  });

  test('when an entry is edited with a correction note, then the new version is stored with the note', async () => {
    const blogId = await fresh('Plain edit');
    const { entry } = await postEntry(env.url, env.token, blogId, 'The mayor said 200 homes');
    const item = itemOf(entry.id);
    await item.getByTestId('entry-edit').click();
    await item.getByTestId('edit-body').fill('The mayor said 2,000 homes');
    await item.getByTestId('edit-correction').fill('An earlier version gave the wrong number of homes.');
    await item.getByTestId('edit-save').click();
    await item.locator('.entry__correction').waitFor();
    const saved = await stored(blogId, entry.id);
    assert.equal(saved?.version, 2);
    assert.equal(saved?.body, 'The mayor said 2,000 homes');
    assert.equal(saved?.correction, 'An earlier version gave the wrong number of homes.');
    assert.equal(await item.getByTestId('entry-editor').count(), 0, 'the form closed');
  });

  test('when someone else edits the entry meanwhile, then the conflict shows both versions and "keep mine" stores mine', async () => {
    const blogId = await fresh('Conflict, keep mine');
    const { entry } = await postEntry(env.url, env.token, blogId, 'Original wording');
    const item = itemOf(entry.id);
    await item.getByTestId('entry-edit').click();
    await item.getByTestId('edit-body').fill('My careful rewrite');

    const theirs = await call(env.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, { token: colleague, body: { version: 1, body: 'Their quick fix' } });
    assert.equal(theirs.status, 200);
    await item.getByTestId('edit-stale').waitFor();

    await item.getByTestId('edit-save').click();
    const dialog = page.getByTestId('conflict-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('conflict-theirs').locator('.entry__body', { hasText: 'Their quick fix' }).waitFor();
    await dialog.getByTestId('conflict-mine').locator('.entry__body', { hasText: 'My careful rewrite' }).waitFor();
    assert.match((await dialog.getByTestId('conflict-theirs').textContent()) ?? '', /version 2/);
    await screenshot(page, 'console-conflict-desktop', { fullPage: false });

    await dialog.getByTestId('conflict-keep-mine').click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => (await stored(blogId, entry.id))?.body === 'My careful rewrite');
    assert.equal((await stored(blogId, entry.id))?.version, 3);
    await item.locator('.entry__body', { hasText: 'My careful rewrite' }).waitFor();
  });

  test('when the editor takes theirs, then their version stays and the edit is dropped', async () => {
    const blogId = await fresh('Conflict, take theirs');
    const { entry } = await postEntry(env.url, env.token, blogId, 'Original wording');
    const item = itemOf(entry.id);
    await item.getByTestId('entry-edit').click();
    await item.getByTestId('edit-body').fill('My version');
    assert.equal((await call(env.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, { token: colleague, body: { version: 1, body: 'Their version' } })).status, 200);
    await item.getByTestId('edit-save').click();
    await page.getByTestId('conflict-take-theirs').click();
    await item.getByTestId('entry-editor').waitFor({ state: 'detached' });
    await item.locator('.entry__body', { hasText: 'Their version' }).waitFor();
    const saved = await stored(blogId, entry.id);
    assert.equal(saved?.body, 'Their version');
    assert.equal(saved?.version, 2);
  });

  test('when an entry is deleted, then the console asks first, and only a confirmed delete removes it', async () => {
    const blogId = await fresh('Delete');
    const { entry } = await postEntry(env.url, env.token, blogId, 'Posted by mistake');
    const item = itemOf(entry.id);
    await item.getByTestId('entry-delete').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
    assert.ok(await stored(blogId, entry.id), 'cancel keeps it');

    await item.getByTestId('entry-delete').click();
    await page.getByTestId('confirm-ok').click();
    await item.waitFor({ state: 'detached' });
    assert.equal((await storedEntries(env, blogId)).length, 0);
  });

  test('when an entry is pinned and marked as a key event, then it is stored so and shown on top; unpinning undoes it', async () => {
    const blogId = await fresh('Pin');
    const older = await postEntry(env.url, env.token, blogId, 'What we know so far');
    const newer = await postEntry(env.url, env.token, blogId, 'A newer update');
    await itemOf(newer.entry.id).waitFor();

    await itemOf(older.entry.id).getByTestId('entry-pin').click();
    await eventually(async () => (await stored(blogId, older.entry.id))?.pinned === true);
    await page.locator(`.c-stream__group--pinned [data-testid="entry"][data-entry-id="${older.entry.id}"]`).waitFor();
    assert.equal(await itemOf(older.entry.id).getByTestId('entry-pin').getAttribute('aria-pressed'), 'true');

    await itemOf(older.entry.id).getByTestId('entry-key').click();
    await eventually(async () => (await stored(blogId, older.entry.id))?.keyEvent === true);
    await itemOf(older.entry.id).locator('.badge--key').waitFor();

    await itemOf(older.entry.id).getByTestId('entry-pin').click();
    await eventually(async () => (await stored(blogId, older.entry.id))?.pinned === false);
    await page.locator(`[data-testid="entries"] [data-testid="entry"][data-entry-id="${older.entry.id}"]`).waitFor();
    const saved = await stored(blogId, older.entry.id);
    assert.equal(saved?.keyEvent, true, 'the flags are independent');
    assert.equal(saved?.version, 4);
  });

  test('when a pin races another edit, then the pin still lands on their version without a dialog', async () => {
    // the console's socket is relayed so that the test can hold back its live updates
    let holding = false;
    const held: (() => void)[] = [];
    const blogId = await fresh('Pin race', (p) =>
      p.routeWebSocket('**/socket.io/**', (ws) => {
        const server = ws.connectToServer();
        server.onMessage((message) => {
          if (holding) held.push(() => ws.send(message));
          else ws.send(message);
        });
      }),
    );
    const { entry } = await postEntry(env.url, env.token, blogId, 'Racing');
    await itemOf(entry.id).waitFor();
    holding = true;
    assert.equal((await call(env.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, { token: colleague, body: { version: 1, body: 'Raced' } })).status, 200);
    assert.equal(await itemOf(entry.id).getAttribute('data-version'), '1', 'the console has not seen their edit');

    await itemOf(entry.id).getByTestId('entry-pin').click();
    await eventually(async () => (await stored(blogId, entry.id))?.pinned === true);
    const saved = await stored(blogId, entry.id);
    assert.equal(saved?.body, 'Raced', 'their edit is kept');
    assert.equal(saved?.version, 3);
    assert.equal(await page.getByTestId('conflict-dialog').count(), 0);
    holding = false;
    for (const release of held.splice(0)) release();
    await page.locator(`[data-testid="entry"][data-entry-id="${entry.id}"][data-version="3"]`).waitFor();
  });
});
