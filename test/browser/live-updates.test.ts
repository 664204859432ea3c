import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { call, createBlog, postEntry } from '../support/api.js';
import { buildAssets, launchBrowser, openPage, streamIds, waitForLive } from '../support/browser.js';
import { startInstance, type TestInstance } from '../support/instance.js';

const LONG_BODY =
  'The council says crews are working through the night to clear the road. ' +
  'Residents are asked to stay indoors and to keep off the sea front until the warning is lifted. '.repeat(3);

/** The first entry of the stream whose box is below the sticky bar, and where its top is. */
function firstVisibleEntry(page: Page): Promise<{ id: string; top: number }> {
  return page.evaluate(() => {
    const bar = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
    for (const el of document.querySelectorAll<HTMLElement>('#lb-stream .entry')) {
      const rect = el.getBoundingClientRect();
      if (rect.bottom > bar) return { id: el.dataset.entryId ?? '', top: rect.top };
    }
    throw new Error('no entry on screen');
  });
}

describe('live reader page', () => {
  let instance: TestInstance;
  let browser: Browser;
  let token: string;

  before(async () => {
    await buildAssets();
    instance = await startInstance();
    token = instance.adminToken;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await instance?.close();
  });

  test('when an entry is posted through the API, then it appears at the top within a second, highlighted and announced', async () => {
    await createBlog(instance.url, token, { id: 'live-appear', title: 'Appear' });
    const old = await postEntry(instance.url, token, 'live-appear', 'Already there');
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-appear`);
      await waitForLive(page);
      const { entry } = await postEntry(instance.url, token, 'live-appear', 'Breaking: the **dam** holds', { title: 'Dam holds' });
      await page.waitForSelector(`#lb-stream [data-entry-id="${entry.id}"]`, { timeout: 1000 });
      assert.deepEqual(await streamIds(page), [entry.id, old.entry.id]);
      assert.equal(await page.getAttribute(`[data-entry-id="${entry.id}"]`, 'data-version'), '1');
      assert.match((await page.getAttribute(`[data-entry-id="${entry.id}"]`, 'class')) ?? '', /entry--new/);
      await page.waitForFunction(() => document.getElementById('lb-announcer')?.textContent === 'New update: Dam holds');
      assert.equal(await page.isHidden('[data-testid="new-updates"]'), true, 'no button for a reader at the top');
      assert.equal(await page.getAttribute('[data-testid="last-updated"] time', 'datetime'), entry.updatedAt, '"Last updated" follows the entries');
      const ld = JSON.parse((await page.textContent('#lb-jsonld')) ?? '{}') as { liveBlogUpdate: Array<{ url: string }> };
      assert.match(ld.liveBlogUpdate[0]?.url ?? '', new RegExp(`#entry-${entry.id}$`), 'the structured data is kept current');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when the reader has scrolled down, then new entries give an "N new updates" button and "(N)" in the title, and nothing moves', async () => {
    await createBlog(instance.url, token, { id: 'live-scrolled', title: 'Scrolled' });
    for (let i = 0; i < 12; i += 1) await postEntry(instance.url, token, 'live-scrolled', `${i}. ${LONG_BODY}`, { title: `Update ${i}` });
    const { context, page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${instance.url}/blogs/live-scrolled`);
      await waitForLive(page);
      const baseTitle = await page.title();
      await page.evaluate(() => window.scrollTo(0, 1800));
      await page.waitForTimeout(100);
      const before = await firstVisibleEntry(page);

      const a = await postEntry(instance.url, token, 'live-scrolled', 'First new one', { title: 'New A' });
      const b = await postEntry(instance.url, token, 'live-scrolled', 'Second new one', { title: 'New B' });
      await page.waitForSelector(`[data-entry-id="${b.entry.id}"]`, { state: 'attached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="new-updates"]')?.textContent?.includes('2 new updates'));
      assert.equal(await page.isVisible('[data-testid="new-updates"]'), true);
      assert.equal(await page.title(), `(2) ${baseTitle}`);

      const afterInsert = await page.evaluate((id) => document.querySelector(`[data-entry-id="${id}"]`)?.getBoundingClientRect().top, before.id);
      assert.ok(afterInsert !== undefined && Math.abs(afterInsert - before.top) <= 1, `the entry in view stayed put (${before.top} → ${afterInsert})`);
      assert.equal((await firstVisibleEntry(page)).id, before.id);

      await page.click('[data-testid="new-updates"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="new-updates"]')?.hasAttribute('hidden'));
      assert.equal(await page.title(), baseTitle);
      const top = await page.evaluate((id) => document.querySelector(`[data-entry-id="${id}"]`)?.getBoundingClientRect().top ?? -1, b.entry.id);
      assert.ok(top >= 0 && top < 900, 'the newest entry is on screen after the click');
      assert.deepEqual((await streamIds(page)).slice(0, 2), [b.entry.id, a.entry.id]);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when an entry is edited and another deleted, then the edit shows in place with "Updated" and the correction, and the deleted one disappears', async () => {
    await createBlog(instance.url, token, { id: 'live-edit', title: 'Edits' });
    const keep = await postEntry(instance.url, token, 'live-edit', 'About 38,000 homes without power', { title: 'Power cuts' });
    const gone = await postEntry(instance.url, token, 'live-edit', 'Posted by mistake');
    const last = await postEntry(instance.url, token, 'live-edit', 'Latest');
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-edit`);
      await waitForLive(page);
      const edited = await call(instance.url, 'PATCH', `/api/blogs/live-edit/entries/${keep.entry.id}`, {
        token,
        body: { version: 1, body: 'About **28,000** homes without power', correction: 'An earlier version said 38,000 homes.' },
      });
      assert.equal(edited.status, 200);
      const removed = await call(instance.url, 'DELETE', `/api/blogs/live-edit/entries/${gone.entry.id}`, { token });
      assert.equal(removed.status, 204);
      // the entry at the very top too: its new version takes the place of the old one
      const top = await call(instance.url, 'PATCH', `/api/blogs/live-edit/entries/${last.entry.id}`, { token, body: { version: 1, title: 'Latest, retitled' } });
      assert.equal(top.status, 200);
      await page.waitForSelector(`[data-entry-id="${last.entry.id}"][data-version="2"]`);
      assert.equal(await page.textContent(`[data-entry-id="${last.entry.id}"] .entry__title`), 'Latest, retitled');

      await page.waitForSelector(`[data-entry-id="${keep.entry.id}"][data-version="2"]`);
      await page.waitForSelector(`[data-entry-id="${gone.entry.id}"]`, { state: 'detached' });
      const article = page.locator(`[data-entry-id="${keep.entry.id}"]`);
      assert.match((await article.locator('.entry__body').innerHTML()) ?? '', /<strong>28,000<\/strong>/);
      assert.match((await article.locator('.entry__updated').textContent()) ?? '', /^Updated \d\d:\d\d UTC$/);
      assert.equal(await article.locator('.entry__correction').textContent(), 'Correction: An earlier version said 38,000 homes.');
      assert.deepEqual(await streamIds(page), [last.entry.id, keep.entry.id], 'in place, once, and the deleted one gone');
      assert.equal(await page.locator(`#entry-${keep.entry.id}`).count(), 1);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when entries are pinned, marked key events and the header changes, then the page follows: pinned card, key events, header, ended', async () => {
    await createBlog(instance.url, token, { id: 'live-header', title: 'Before', keyPoints: ['One'] });
    const a = await postEntry(instance.url, token, 'live-header', 'Entry A', { title: 'A' });
    const b = await postEntry(instance.url, token, 'live-header', 'Entry B', { title: 'B' });
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-header`);
      await waitForLive(page);
      assert.equal(await page.isHidden('#lb-pinned'), true);
      assert.equal(await page.isHidden('#lb-key-events'), true);

      await call(instance.url, 'PATCH', `/api/blogs/live-header/entries/${a.entry.id}`, { token, body: { version: 1, pinned: true, keyEvent: true } });
      await page.waitForSelector(`#lb-pinned [data-entry-id="${a.entry.id}"][data-version="2"]`);
      assert.deepEqual(await streamIds(page), [b.entry.id], 'the pinned entry left the stream');
      await page.waitForSelector(`#lb-key-events a[href="#entry-${a.entry.id}"]`);

      await call(instance.url, 'PATCH', `/api/blogs/live-header/entries/${a.entry.id}`, { token, body: { version: 2, pinned: false } });
      await page.waitForSelector(`#lb-stream [data-entry-id="${a.entry.id}"][data-version="3"]`);
      assert.deepEqual(await streamIds(page), [b.entry.id, a.entry.id], 'unpinned, back in its place');
      assert.equal(await page.isHidden('#lb-pinned'), true);

      await call(instance.url, 'PATCH', '/api/blogs/live-header', { token, body: { title: 'After', keyPoints: ['One', 'Two'] } });
      await page.waitForFunction(() => document.querySelector('.blog-header__title')?.textContent === 'After');
      assert.deepEqual(await page.locator('.key-points li').allTextContents(), ['One', 'Two']);
      assert.equal(await page.title(), 'Live: After');

      await call(instance.url, 'PATCH', '/api/blogs/live-header', { token, body: { status: 'ended' } });
      await page.waitForSelector('.blog-header[data-status="ended"]');
      assert.match((await page.textContent('.blog-header__ended')) ?? '', /This live blog has ended/);
      assert.equal(await page.title(), 'After');
      const ld = JSON.parse((await page.textContent('#lb-jsonld')) ?? '{}') as { coverageEndTime?: string };
      assert.equal(typeof ld.coverageEndTime, 'string');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when "Load older" is used, then older entries are added once, and the newest/oldest choice is remembered', async () => {
    await createBlog(instance.url, token, { id: 'live-older', title: 'Older' });
    const ids: string[] = [];
    for (let i = 0; i < 45; i += 1) ids.push((await postEntry(instance.url, token, 'live-older', `Number ${i}`)).entry.id);
    const newestFirst = [...ids].reverse();
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-older`);
      await waitForLive(page);
      const rendered = (await streamIds(page)).length;
      assert.ok(rendered < ids.length);
      while (await page.isVisible('[data-testid="load-older"]')) {
        const count = (await streamIds(page)).length;
        await page.click('[data-testid="load-older"]');
        await page.waitForFunction((n) => document.querySelectorAll('#lb-stream .entry').length > n || document.querySelector('.pager__end') !== null, count);
      }
      assert.deepEqual(await streamIds(page), newestFirst, 'every entry once, newest first, no holes');
      assert.equal(page.url(), `${instance.url}/blogs/live-older`, 'loaded in place, no navigation');

      await page.click('[data-testid="sort-switch"] button[data-sort="oldest"]');
      assert.deepEqual(await streamIds(page), ids);
      assert.equal(await page.getAttribute('[data-sort="oldest"]', 'aria-pressed'), 'true');

      await page.reload();
      await waitForLive(page);
      const afterReload = await streamIds(page);
      assert.deepEqual(afterReload, [...afterReload].sort(), 'still oldest first after a reload (ids sort by time)');
      assert.equal(await page.getAttribute('[data-sort="oldest"]', 'aria-pressed'), 'true');
      const fresh = await postEntry(instance.url, token, 'live-older', 'Newest of all');
      await page.waitForSelector(`[data-entry-id="${fresh.entry.id}"]`);
      assert.equal((await streamIds(page)).at(-1), fresh.entry.id, 'oldest first: a new entry goes at the end');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when a permalink points at an entry older than the first page, then the page loads back to it and shows it', async () => {
    await createBlog(instance.url, token, { id: 'live-permalink', title: 'Permalink' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await postEntry(instance.url, token, 'live-permalink', `Number ${i}`)).entry.id);
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-permalink#entry-${ids[0]}`);
      await page.waitForSelector(`#entry-${ids[0]}`);
      await page.waitForFunction((id) => {
        const top = document.getElementById(`entry-${id}`)?.getBoundingClientRect().top ?? -1;
        return top >= 0 && top < window.innerHeight;
      }, ids[0]);
      assert.equal((await streamIds(page)).length, ids.length, 'every entry once');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when a blog has no entries yet, then it says so, and the first entry replaces the note', async () => {
    await createBlog(instance.url, token, { id: 'live-empty', title: 'Empty' });
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-empty`);
      await waitForLive(page);
      assert.equal(await page.isVisible('#lb-empty'), true);
      assert.equal(await page.textContent('#lb-pager'), '', 'no "start of the blog" under an empty one');
      const { entry } = await postEntry(instance.url, token, 'live-empty', 'We are live');
      await page.waitForSelector(`[data-entry-id="${entry.id}"]`);
      assert.equal(await page.isHidden('#lb-empty'), true);
      assert.match((await page.textContent('#lb-pager')) ?? '', /start of this live blog/);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when a reader uses the keyboard, then the sort switch, entry permalinks and "Load older" are reachable with a visible focus', async () => {
    await createBlog(instance.url, token, { id: 'live-keys', title: 'Keys' });
    for (let i = 0; i < 25; i += 1) await postEntry(instance.url, token, 'live-keys', `Entry ${i}`);
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-keys`);
      await waitForLive(page);
      const reached = new Set<string>();
      for (let i = 0; i < 80 && reached.size < 3; i += 1) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(`(() => {
          const el = document.activeElement;
          if (!el) return null;
          const style = getComputedStyle(el);
          return { what: el.matches('[data-sort]') ? 'sort' : el.matches('.entry__time') ? 'permalink' : el.matches('[data-testid="load-older"]') ? 'older' : 'other', outline: style.outlineStyle };
        })()`) as { what: string; outline: string } | null;
        if (focus === null || focus.what === 'other') continue;
        assert.notEqual(focus.outline, 'none', `${focus.what} shows where the focus is`);
        reached.add(focus.what);
      }
      assert.deepEqual([...reached].sort(), ['older', 'permalink', 'sort']);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when a reader opens the page, then the reader count shows', async () => {
    await createBlog(instance.url, token, { id: 'live-readers', title: 'Readers' });
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/live-readers`);
      await waitForLive(page);
      await page.waitForSelector('[data-testid="reader-count"]:not([hidden])', { timeout: 10_000 });
      assert.match((await page.textContent('[data-testid="reader-count"]')) ?? '', /^\d+ reading$/);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });
});
