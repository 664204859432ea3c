import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PAGE_ENTRIES } from '../../server/pages/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { buildAssets, launchBrowser, openPage, streamIds } from '../support/browser.js';
import { startInstance, type TestInstance } from '../support/instance.js';

describe('reader page without JavaScript', () => {
  let instance: TestInstance;
  let browser: Browser;

  before(async () => {
    await buildAssets();
    instance = await startInstance();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await instance?.close();
  });

  test('when JavaScript is off, then the page shows the header and the entries, and "Load older" pages back by link', async () => {
    const token = instance.adminToken;
    await createBlog(instance.url, token, { id: 'nojs', title: 'Works without scripts', keyPoints: ['Readable everywhere'] });
    const ids: string[] = [];
    for (let i = 0; i < PAGE_ENTRIES + 3; i += 1) ids.push((await postEntry(instance.url, token, 'nojs', `Entry **${i}**`, { title: `Entry ${i}` })).entry.id);
    const newestFirst = [...ids].reverse();

    const { context, page, errors } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(`${instance.url}/blogs/nojs`);
      assert.equal(await page.textContent('h1'), 'Works without scripts');
      assert.equal(await page.textContent('.key-points li'), 'Readable everywhere');
      assert.deepEqual(await streamIds(page), newestFirst.slice(0, PAGE_ENTRIES));
      assert.equal(await page.isVisible(`#entry-${newestFirst[0]} .entry__body strong`), true);
      assert.equal(await page.isVisible('.noscript-note'), true);
      assert.equal(await page.isHidden('[data-testid="connection"]'), true, 'no live indicator without a live connection');

      await page.click('[data-testid="load-older"]');
      await page.waitForURL(/\?cursor=\d+$/);
      assert.deepEqual(await streamIds(page), newestFirst.slice(PAGE_ENTRIES));
      await page.click('text=Back to the latest');
      await page.waitForURL(`${instance.url}/blogs/nojs`);
      assert.equal((await streamIds(page))[0], newestFirst[0]);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });
});
