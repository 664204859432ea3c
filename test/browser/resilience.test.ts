import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { roomOf } from '../../server/rooms/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { buildAssets, launchBrowser, openPage, streamIds, waitForLive } from '../support/browser.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** Makes the page believe it is hidden or visible, as a browser switching tabs does. */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  // a string, not a function: tsx would wrap named functions in a helper the page does not have
  await page.evaluate(`(() => {
    if (window.__visibility === undefined) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => window.__visibility });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__visibility === 'hidden' });
    }
    window.__visibility = ${JSON.stringify(state)};
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

describe('reader page through network trouble', () => {
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

  for (const dropped of [false, true]) {
    const how = dropped ? ' and its connection is dropped' : '';
    test(`when the browser goes offline${how} while three entries are posted, then back online it shows all three, once and in order`, async () => {
      const blogId = dropped ? 'net-offline-dropped' : 'net-offline';
      await createBlog(instance.url, token, { id: blogId, title: 'Offline' });
      const first = await postEntry(instance.url, token, blogId, 'Before the outage');
      const { context, page, errors } = await openPage(browser);
      try {
        await page.goto(`${instance.url}/blogs/${blogId}`);
        await waitForLive(page);

        await context.setOffline(true);
        // as when the network stays down long enough for the server to give the connection up
        if (dropped) instance.application.io.disconnectSockets(true);
        await page.waitForSelector('[data-testid="connection"][data-state="offline"]');
        assert.equal(await page.textContent('[data-testid="connection"] .connection__text'), 'Offline');

        const posted: string[] = [];
        for (const body of ['One', 'Two', 'Three']) posted.push((await postEntry(instance.url, token, blogId, body)).entry.id);
        await page.waitForTimeout(500);
        assert.deepEqual(await streamIds(page), [first.entry.id], 'nothing arrives while offline');

        await context.setOffline(false);
        await page.waitForSelector(`[data-entry-id="${posted[2]}"]`, { timeout: 10_000 });
        await waitForLive(page);
        assert.deepEqual(await streamIds(page), [...posted].reverse().concat(first.entry.id), 'each once, newest first');
        for (const id of posted) assert.equal(await page.locator(`[data-entry-id="${id}"]`).count(), 1);
        assert.deepEqual(errors, [], 'no uncaught error in the page');
      } finally {
        await context.close();
      }
    });
  }

  test('when a hidden tab missed updates, then it catches up as soon as it is shown', async () => {
    await createBlog(instance.url, token, { id: 'net-hidden', title: 'Hidden tab' });
    const first = await postEntry(instance.url, token, 'net-hidden', 'Seen before hiding');
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/net-hidden`);
      await waitForLive(page);
      const baseTitle = await page.title();
      await setVisibility(page, 'hidden');

      // the socket stays up but stops receiving, as with a throttled background tab whose updates were lost
      instance.application.io.in(roomOf('net-hidden')).socketsLeave(roomOf('net-hidden'));
      const missed: string[] = [];
      for (const body of ['Missed one', 'Missed two']) missed.push((await postEntry(instance.url, token, 'net-hidden', body)).entry.id);
      await page.waitForTimeout(500);
      assert.deepEqual(await streamIds(page), [first.entry.id], 'the hidden tab is behind');

      await setVisibility(page, 'visible');
      await page.waitForSelector(`[data-entry-id="${missed[1]}"]`, { timeout: 5_000 });
      assert.deepEqual(await streamIds(page), [missed[1], missed[0], first.entry.id]);

      // and it is subscribed again: the next entry arrives live
      const next = await postEntry(instance.url, token, 'net-hidden', 'Live again');
      await page.waitForSelector(`[data-entry-id="${next.entry.id}"]`, { timeout: 2_000 });
      assert.equal(await page.title(), baseTitle, 'a reader at the top who came back has nothing unseen');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when a hidden tab receives updates, then the title counts them until the tab is shown', async () => {
    await createBlog(instance.url, token, { id: 'net-title', title: 'Counting' });
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${instance.url}/blogs/net-title`);
      await waitForLive(page);
      const baseTitle = await page.title();
      await setVisibility(page, 'hidden');
      const { entry } = await postEntry(instance.url, token, 'net-title', 'While you were away');
      await page.waitForSelector(`[data-entry-id="${entry.id}"]`);
      assert.equal(await page.title(), `(1) ${baseTitle}`);
      await setVisibility(page, 'visible');
      await page.waitForFunction((title) => document.title === title, baseTitle);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });
});
