import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Blog } from '../../shared/index.js';
import type { Browser } from 'playwright-core';
import { call } from '../support/api.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { eventually, freshBlog, openBlog, signIn, startConsoleEnv, type ConsoleEnv } from '../console/browser-support.js';

async function blogOf(env: ConsoleEnv, blogId: string): Promise<Blog> {
  const res = await call<{ blog: Blog }>(env.url, 'GET', `/api/blogs/${blogId}`);
  assert.equal(res.status, 200);
  return res.body.blog;
}

describe('console: blogs and their settings', () => {
  let env: ConsoleEnv;
  let browser: Browser;

  before(async () => {
    env = await startConsoleEnv();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  test('when the editor starts a blog from the list, then it is created and opened', async () => {
    const existing = await freshBlog(env, 'Already running');
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      await page.locator(`[data-testid="blog-item"][data-blog-id="${existing}"]`).waitFor();
      await page.getByTestId('blog-create-title').fill('Election night: results as they come');
      await page.getByTestId('blog-create-id').fill(`election-${process.pid}`);
      await page.getByTestId('blog-create-submit').click();
      await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
      assert.equal(await page.getByTestId('blog-title').textContent(), 'Election night: results as they come');
      assert.equal(new URL(page.url()).hash, `#/blogs/election-${process.pid}`);
      assert.equal((await blogOf(env, `election-${process.pid}`)).title, 'Election night: results as they come');

      // the list opens blogs too
      await page.getByRole('link', { name: 'All blogs' }).click();
      await page.locator(`[data-testid="blog-item"][data-blog-id="${existing}"] a`).click();
      await page.locator('[data-testid="blog-title"]', { hasText: 'Already running' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('when the editor changes the title and key points, then they are saved in the order shown', async () => {
    const blogId = await freshBlog(env, 'Settings');
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      await openBlog(page, env, blogId);
      await page.getByTestId('settings-open').click();
      const dialog = page.getByTestId('settings-dialog');
      await dialog.getByTestId('settings-title').fill('Settings, renamed');
      for (const point of ['Second point', 'First point', 'Dropped point']) {
        await dialog.getByTestId('keypoint-add').click();
        await dialog.getByTestId('keypoint-input').last().fill(point);
      }
      await dialog.getByTestId('keypoint-up').nth(1).click();
      await dialog.getByTestId('keypoint-remove').nth(2).click();
      await dialog.getByTestId('settings-save').click();
      await dialog.waitFor({ state: 'detached' });
      await eventually(async () => (await blogOf(env, blogId)).title === 'Settings, renamed');
      assert.deepEqual((await blogOf(env, blogId)).keyPoints, ['First point', 'Second point']);
      // the console shows the saved header live
      await page.locator('[data-testid="blog-title"]', { hasText: 'Settings, renamed' }).waitFor();
      await page.getByTestId('blog-keypoints').locator('summary', { hasText: 'Key points (2)' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('when the editor ends the blog, then the console asks first, closes publishing, and can reopen it', async () => {
    const blogId = await freshBlog(env, 'Ending');
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      await openBlog(page, env, blogId);
      await page.getByTestId('settings-open').click();
      await page.getByTestId('blog-end').click();
      await page.getByTestId('confirm-cancel').click();
      assert.equal((await blogOf(env, blogId)).status, 'live', 'cancel keeps it live');

      await page.getByTestId('blog-end').click();
      await page.getByTestId('confirm-ok').click();
      await page.locator('[data-testid="blog-status"][data-status="ended"]').waitFor();
      assert.equal((await blogOf(env, blogId)).status, 'ended');
      assert.equal(await page.getByTestId('publish').isDisabled(), true);

      await page.getByTestId('settings-open').click();
      await page.getByTestId('blog-reopen').click();
      await page.locator('[data-testid="blog-status"][data-status="live"]').waitFor();
      assert.equal((await blogOf(env, blogId)).status, 'live');
      assert.equal(await page.getByTestId('publish').isDisabled(), false);
    } finally {
      await context.close();
    }
  });

  test('when the address names no blog, then the console says so and links back', async () => {
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      await page.goto(`${env.url}/console#/blogs/no-such-blog-here`);
      await page.getByTestId('blog-header').filter({ hasText: 'There is no live blog' }).waitFor();
      await page.getByRole('link', { name: 'Back to all blogs' }).click();
      await page.getByTestId('blog-list').waitFor();
    } finally {
      await context.close();
    }
  });
});
