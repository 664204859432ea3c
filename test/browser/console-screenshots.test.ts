import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_BLOG_ID, seedDemo } from '../../server/demo/index.js';
import { silentLogger } from '../../server/log/logger.js';
import { RedisStore, createRedisConnection } from '../../server/store/index.js';
import { launchBrowser, openPage, screenshot } from '../support/browser.js';
import { openBlog, signIn, startConsoleEnv, type ConsoleEnv } from '../console/browser-support.js';

async function noHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'the console is wider than the screen');
}

/**
 * Screenshots of the console under test/artifacts/screenshots/: the demo story open, a draft
 * with its preview, at desktop and phone widths, light and dark.
 */
describe('console screenshots', () => {
  let env: ConsoleEnv;
  let browser: Browser;

  before(async () => {
    env = await startConsoleEnv();
    const connection = await createRedisConnection(env.redis.url, { name: 'console-screenshot-seed', logger: silentLogger() });
    try {
      const outcome = await seedDemo(new RedisStore({ redis: connection, logMax: 10_000, logger: silentLogger() }));
      assert.equal(outcome.blogId, DEMO_BLOG_ID);
    } finally {
      await connection.quit();
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  const shots = [
    { name: 'desktop', viewport: { width: 1440, height: 900 }, scale: 1 },
    { name: 'mobile', viewport: { width: 390, height: 844 }, scale: 2 },
  ] as const;

  for (const { name, viewport, scale } of shots) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`when an editor drafts on ${name} in ${colorScheme} mode, then the console fits the screen and is saved`, async () => {
        const { context, page } = await openPage(browser, { viewport, colorScheme, deviceScaleFactor: scale });
        // a CSP violation or a script error would show up here: the console must run clean
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(err.message));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        try {
          await page.goto(`${env.url}/console`);
          await page.getByTestId('signin-token').waitFor();
          await noHorizontalOverflow(page);
          await screenshot(page, `console-signin-${name}-${colorScheme}`, { fullPage: false });

          await signIn(page, env);
          await page.getByTestId('blog-item').first().waitFor();
          await noHorizontalOverflow(page);
          await screenshot(page, `console-blogs-${name}-${colorScheme}`, { fullPage: false });

          await openBlog(page, env, DEMO_BLOG_ID);
          await page.getByTestId('composer-title').fill('Coast road reopens');
          await page.getByTestId('composer-body').fill(
            'Police say the **coast road** has reopened between Port Wrenna and Halden, but drivers should expect debris.\n\n- The Lindqvist Bridge stays closed\n- Buses resume at 07:00',
          );
          await page.getByTestId('composer-key-event').check();
          await page.getByTestId('preview').locator('.entry__body strong').waitFor();
          // lazy images below the fold never load; the ones on screen must have
          await page.waitForFunction(() => [...document.images].filter((img) => img.getBoundingClientRect().top < innerHeight).every((img) => img.complete));
          await noHorizontalOverflow(page);
          await screenshot(page, `console-blog-${name}-${colorScheme}`, { fullPage: false });
          await screenshot(page, `console-blog-${name}-${colorScheme}-full`);

          await page.locator('[data-testid="entries"] [data-testid="entry-edit"]').first().click();
          await page.getByTestId('entry-editor').waitFor();
          await page.getByTestId('entry-editor').scrollIntoViewIfNeeded();
          await noHorizontalOverflow(page);
          await screenshot(page, `console-edit-${name}-${colorScheme}`, { fullPage: false });
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});
