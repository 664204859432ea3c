import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { call } from '../support/api.js';
import { launchBrowser, openPage, screenshot } from '../support/browser.js';
import { EDITOR_NAME, freshBlog, issueToken, openBlog, signIn, startConsoleEnv, storedEntries, type ConsoleEnv } from '../console/browser-support.js';

describe('console: signing in', () => {
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

  test('when the token is wrong, then the console says it was refused and stays signed out', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`${env.url}/console`);
      await page.getByTestId('signin-token').fill('lb_this-is-not-a-token');
      await page.getByTestId('signin-submit').click();
      const error = page.getByTestId('signin-error');
      await error.filter({ hasText: 'Token refused' }).waitFor();
      assert.equal(await page.getByTestId('signed-in-as').isVisible(), false);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      await screenshot(page, 'console-signin-refused-desktop', { fullPage: false });
    } finally {
      await context.close();
    }
  });

  test('when the token is good, then the editor is signed in by name, for this tab only', async () => {
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      assert.equal(await page.getByTestId('signed-in-as').textContent(), `Signed in as ${EDITOR_NAME}`);
      await page.getByTestId('blog-list').waitFor();
      const stored = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
      assert.ok(stored.session.includes(env.token), 'the tab keeps the token');
      assert.ok(!stored.local.includes(env.token), 'the device does not');

      await page.reload();
      await page.getByTestId('signed-in-as').waitFor();

      const other = await context.newPage();
      await other.goto(`${env.url}/console`);
      await other.getByTestId('signin-token').waitFor();
      assert.equal(await other.getByTestId('signed-in-as').isVisible(), false, 'another tab signs in on its own');

      await page.getByTestId('sign-out').click();
      await page.getByTestId('signin-token').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    } finally {
      await context.close();
    }
  });

  test('when the token is revoked mid-session, then the next write sends the editor back to sign in and the draft is kept', async () => {
    const created = await call(env.url, 'POST', '/api/tokens', { token: env.instance.adminToken, body: { name: 'Temp Editor' } });
    assert.equal(created.status, 201);
    const blogId = await freshBlog(env, 'Revoked');
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env, created.body.token);
      await openBlog(page, env, blogId);
      assert.equal((await call(env.url, 'DELETE', `/api/tokens/${created.body.record.id}`, { token: env.instance.adminToken })).status, 204);
      await page.getByTestId('composer-body').fill('Should not go out');
      await page.getByTestId('publish').click();
      await page.getByTestId('signin-error').filter({ hasText: 'refused' }).waitFor();
      assert.equal((await storedEntries(env, blogId)).length, 0);
      const draft = await page.evaluate((k) => localStorage.getItem(k), `liveblog.console.draft.v1.${blogId}`);
      assert.match(draft ?? '', /Should not go out/);
      assert.match(draft ?? '', /"queued":false/, 'a refused draft does not go out by itself under the next token');
    } finally {
      await context.close();
    }
  });

  test('when a draft queued offline is left behind and another editor signs in, then it is not published under their name', async () => {
    const other = await issueToken(env.instance, 'Night Editor');
    const blogId = await freshBlog(env, 'Shared device');
    const { context, page } = await openPage(browser);
    try {
      await signIn(page, env);
      await openBlog(page, env, blogId);
      await context.setOffline(true);
      await page.getByTestId('composer-body').fill('Queued by the day editor');
      await page.getByTestId('publish').click();
      await page.getByTestId('publish-status').filter({ hasText: 'offline' }).waitFor();
      await page.getByTestId('sign-out').click();
      await context.setOffline(false);

      await signIn(page, env, other);
      await openBlog(page, env, blogId);
      await page.getByTestId('publish-status').filter({ hasText: `waiting to be published by ${EDITOR_NAME}` }).waitFor();
      assert.equal(await page.getByTestId('composer-body').inputValue(), 'Queued by the day editor', 'the text is kept');
      assert.equal((await storedEntries(env, blogId)).length, 0);
    } finally {
      await context.close();
    }
  });
});
