import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { silentLogger } from '../../server/log/logger.js';
import { seedDemo } from '../../server/demo/index.js';
import { postEntry } from '../support/api.js';
import { RedisStore, createRedisConnection } from '../../server/store/index.js';
import { buildAssets, launchBrowser, openPage, screenshot, waitForLive } from '../support/browser.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

/**
 * Screenshots of the live page as a reader sees it, at desktop and phone widths, light and
 * dark, under test/artifacts/screenshots/. The demo story is seeded with its real timeline
 * (through a store on the instance's Redis), so the page looks like an evening of coverage.
 */
describe('reader page screenshots', () => {
  let redis: TestRedis;
  let instance: TestInstance;
  let browser: Browser;
  let blogUrl: string;
  let closeStore: () => Promise<void>;

  before(async () => {
    await buildAssets();
    redis = await startRedis();
    instance = await startInstance({ redisUrl: redis.url });
    const connection = await createRedisConnection(redis.url, { name: 'screenshot-seed', logger: silentLogger() });
    closeStore = async () => void (await connection.quit());
    const outcome = await seedDemo(new RedisStore({ redis: connection, logMax: 10_000, logger: silentLogger() }));
    assert.equal(outcome.seeded, true);
    blogUrl = `${instance.url}/blogs/${outcome.blogId}`;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await instance?.close();
    await closeStore?.();
    await redis?.close();
  });

  const shots = [
    { name: 'desktop', viewport: { width: 1280, height: 900 } },
    { name: 'mobile', viewport: { width: 360, height: 780 } },
  ] as const;

  for (const { name, viewport } of shots) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`when the demo blog is open on ${name} in ${colorScheme} mode, then it renders without horizontal overflow and is saved`, async () => {
        const { context, page, errors } = await openPage(browser, { viewport, colorScheme, deviceScaleFactor: name === 'mobile' ? 2 : 1 });
        try {
          await page.goto(blogUrl);
          await waitForLive(page);
          await page.waitForSelector('[data-testid="reader-count"]:not([hidden])', { timeout: 10_000 });
          // lazy images below the fold would be blank in the full-page shot
          await page.evaluate(() => document.querySelectorAll('img').forEach((img) => (img.loading = 'eager')));
          await page.waitForFunction(() => [...document.images].every((img) => img.complete));
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.equal(overflow, 0, 'the page is wider than the screen');
          await screenshot(page, `blog-${name}-${colorScheme}`, { fullPage: false });
          await screenshot(page, `blog-${name}-${colorScheme}-full`);
          assert.deepEqual(errors, [], 'no uncaught error in the page');
        } finally {
          await context.close();
        }
      });
    }
  }

  test('when a scrolled reader gets a new entry, then the "1 new update" button shows and is saved', async () => {
    const { context, page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(blogUrl);
      await waitForLive(page);
      await page.evaluate(() => window.scrollTo(0, 1500));
      const blogId = new URL(blogUrl).pathname.split('/').at(-1) ?? '';
      await postEntry(instance.url, instance.adminToken, blogId, 'Power has been restored to 4,000 homes in the north of Port Wrenna, the grid operator says.', {
        title: 'Power back for some',
      });
      await page.waitForSelector('[data-testid="new-updates"]:not([hidden])');
      await screenshot(page, 'blog-desktop-light-new-updates', { fullPage: false });
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });

  test('when the list of blogs is open, then it is saved too', async () => {
    const { context, page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(instance.url);
      assert.equal(await page.locator('.blog-card').count(), 1);
      await screenshot(page, 'home-desktop-light');
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });
});
