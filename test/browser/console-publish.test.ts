import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../support/browser.js';
import { EDITOR_NAME, eventually, freshBlog, openBlog, signIn, startConsoleEnv, storedEntries, type ConsoleEnv } from '../console/browser-support.js';

/** The Idempotency-Key of every entry POST the page sends. */
function recordPosts(page: Page): string[] {
  const keys: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/blogs\/[^/]+\/entries$/.test(new URL(request.url()).pathname)) {
      keys.push(request.headers()['idempotency-key'] ?? '(none)');
    }
  });
  return keys;
}

describe('console: composing and publishing', () => {
  let env: ConsoleEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    env = await startConsoleEnv();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  async function fresh(title: string): Promise<string> {
    await context?.close();
    ({ context, page } = await openPage(browser));
    const blogId = await freshBlog(env, title);
    await signIn(page, env);
    await openBlog(page, env, blogId);
    return blogId;
  }

  test('when the editor types Markdown, then the preview shows it as readers will, sanitized', async () => {
    const blogId = await fresh('Preview');
    await page.getByTestId('composer-title').fill('Harbour closed');
    await page.getByTestId('composer-body').fill('The **harbour** is closed. <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>[map](javascript:alert(1))');
    const preview = page.getByTestId('preview');
    await preview.locator('.entry__body strong', { hasText: 'harbour' }).waitFor();
    assert.equal(await preview.locator('.entry__title').textContent(), 'Harbour closed');
    assert.equal(await preview.locator('.entry__author').textContent(), EDITOR_NAME);
    assert.equal(await preview.locator('script, img, [onerror]').count(), 0);
    assert.equal(await preview.locator('a[href^="javascript"]').count(), 0);
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);

    await page.getByTestId('composer-key-event').check();
    await preview.locator('.badge--key').waitFor();
    const previewed = await preview.locator('.entry__body').innerHTML();

    await page.getByTestId('publish').click();
    const item = page.locator('[data-testid="entry"]', { hasText: 'Harbour closed' });
    await item.waitFor();
    const [stored] = await storedEntries(env, blogId);
    assert.equal(stored?.title, 'Harbour closed');
    assert.equal(stored?.keyEvent, true);
    assert.equal(stored?.author.name, EDITOR_NAME);
    // what was previewed is what readers get
    assert.equal(await item.locator('.entry__body').innerHTML(), previewed);
    assert.equal(await item.getAttribute('data-entry-id'), stored?.id);
    assert.equal(await page.getByTestId('composer-body').inputValue(), '', 'the composer starts a new draft');
  });

  test('when the editor presses Ctrl+Enter in the body, then the entry is published', async () => {
    const blogId = await fresh('Keyboard');
    await page.getByTestId('composer-body').fill('Sent from the keyboard');
    await page.getByTestId('composer-body').press('Control+Enter');
    await page.locator('[data-testid="entry"]', { hasText: 'Sent from the keyboard' }).waitFor();
    assert.equal((await storedEntries(env, blogId)).length, 1);
  });

  test('when the publish button is double-clicked, then exactly one entry is stored', async () => {
    const blogId = await fresh('Double click');
    const keys = recordPosts(page);
    await page.getByTestId('composer-body').fill('Only once, please');
    await page.getByTestId('publish').dblclick();
    await page.locator('[data-testid="entry"]', { hasText: 'Only once, please' }).waitFor();
    await page.getByTestId('publish-status').filter({ hasText: /^Published/ }).waitFor();
    assert.equal((await storedEntries(env, blogId)).length, 1);
    assert.ok(keys.length >= 1);
    assert.equal(new Set(keys).size, 1, 'every attempt carries the same Idempotency-Key');
    assert.equal(await page.locator('[data-testid="entry"]').count(), 1);
  });

  test('when the answer to a publish is lost, then the retry with the same key stores nothing twice', async () => {
    const blogId = await fresh('Lost answer');
    const keys = recordPosts(page);
    let dropped = false;
    await page.route('**/api/blogs/*/entries', async (route) => {
      if (dropped || route.request().method() !== 'POST') return route.continue();
      dropped = true;
      // the server stores the entry, but the browser never hears back
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('composer-body').fill('Stored once despite the network');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-status').filter({ hasText: /^Published/ }).waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId('publish-status').textContent()) ?? '', /had already arrived/);
    assert.equal(dropped, true);
    assert.equal(keys.length, 2, 'the console tried again');
    assert.equal(new Set(keys).size, 1, 'with the same Idempotency-Key');
    const stored = await storedEntries(env, blogId);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.body, 'Stored once despite the network');
    await page.locator('[data-testid="entry"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="entry"]').count(), 1);
  });

  test('when the editor publishes while offline, then the console says so and publishes once back online', async () => {
    const blogId = await fresh('Offline');
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('composer-body').fill('Written in the lift');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-status').filter({ hasText: 'offline' }).waitFor();
    assert.match((await page.getByTestId('offline-banner').textContent()) ?? '', /offline/i);
    assert.equal(await page.locator('[data-testid="connection"]').getAttribute('data-state'), 'offline');
    await screenshot(page, 'console-offline-desktop', { fullPage: false });
    assert.equal((await storedEntries(env, blogId)).length, 0, 'nothing reached the server');

    await context.setOffline(false);
    await page.locator('[data-testid="entry"]', { hasText: 'Written in the lift' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden' });
    const stored = await storedEntries(env, blogId);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.body, 'Written in the lift');
  });

  test('when the page is reloaded, then the draft and its Idempotency-Key survive, and it publishes as typed', async () => {
    const blogId = await fresh('Reload');
    await page.getByTestId('composer-kind-quote').check();
    await page.getByTestId('composer-attribution').fill('The harbour master');
    await page.getByTestId('composer-body').fill('Nobody goes out tonight.');
    await page.getByTestId('composer-pinned').check();
    const draftKey = `liveblog.console.draft.v1.${blogId}`;
    const before = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null') as { key: string } | null, draftKey);
    assert.ok(before?.key);

    await page.reload();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    assert.equal(await page.getByTestId('signed-in-as').isVisible(), true, 'still signed in: the tab kept the session');
    assert.equal(await page.getByTestId('composer-body').inputValue(), 'Nobody goes out tonight.');
    assert.equal(await page.getByTestId('composer-attribution').inputValue(), 'The harbour master');
    assert.equal(await page.getByTestId('composer-kind-quote').isChecked(), true);
    assert.equal(await page.getByTestId('composer-pinned').isChecked(), true);
    const after = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null') as { key: string } | null, draftKey);
    assert.equal(after?.key, before.key);

    await page.getByTestId('publish').click();
    await page.locator('[data-testid="entry"]', { hasText: 'Nobody goes out tonight.' }).waitFor();
    const [stored] = await storedEntries(env, blogId);
    assert.equal(stored?.kind, 'quote');
    assert.equal(stored?.attribution, 'The harbour master');
    assert.equal(stored?.pinned, true);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), draftKey), null, 'a published draft is gone');
  });

  test('when the page is reloaded while a publish is on its way, then it is resumed under the same key and stored once', async () => {
    const blogId = await fresh('Reload mid-publish');
    // the first request never gets an answer: the editor reloads in the middle of it
    let firstKey: string | undefined;
    let hold = true;
    await page.route('**/api/blogs/*/entries', (route) => {
      if (!hold) return route.continue();
      // never answered and never sent on: the reload cancels it
      firstKey = route.request().headers()['idempotency-key'];
    });
    await page.getByTestId('composer-body').fill('Sent just before the reload');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-status').filter({ hasText: 'Publishing' }).waitFor();
    await eventually(async () => firstKey !== undefined);
    hold = false;
    const keys = recordPosts(page);
    await page.reload();
    await page.locator('[data-testid="entry"]', { hasText: 'Sent just before the reload' }).waitFor();
    assert.deepEqual(keys, [firstKey], 'the resumed publish is the same request');
    assert.equal((await storedEntries(env, blogId)).length, 1);
  });

  test('when a required field is missing, then the field says so and nothing is sent', async () => {
    const blogId = await fresh('Validation');
    const keys = recordPosts(page);
    await page.getByTestId('composer-kind-image').check();
    await page.getByTestId('composer-media-url').fill('http://insecure.example/a.jpg');
    await page.getByTestId('publish').click();
    await page.locator('#c-compose-media-url-error').filter({ hasText: 'https' }).waitFor();
    assert.equal(keys.length, 0);
    assert.equal((await storedEntries(env, blogId)).length, 0);
    await page.getByTestId('composer-media-url').fill('https://media.liveblog.test/harbour.jpg');
    await page.getByTestId('composer-caption').fill('The harbour at dusk');
    await page.getByTestId('preview').locator('img[src="https://media.liveblog.test/harbour.jpg"]').waitFor();
    await page.getByTestId('publish').click();
    await page.locator('[data-testid="entry"] img').waitFor();
    assert.equal((await storedEntries(env, blogId))[0]?.media?.caption, 'The harbour at dusk');
  });
});
