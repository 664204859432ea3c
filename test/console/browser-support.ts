import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildConsoleAssets } from '../../client/console/build.js';
import { defaultAssetsDir } from '../../server/pages/index.js';
import type { Entry } from '../../shared/index.js';
import { call, createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

/** A real instance on a throwaway Redis, the console built where it serves it from, and an editor token. */
export interface ConsoleEnv {
  redis: TestRedis;
  instance: TestInstance;
  url: string;
  /** An editor token named {@link EDITOR_NAME}. */
  token: string;
  close(): Promise<void>;
}

export const EDITOR_NAME = 'Ana Ortiz';

/**
 * Builds the console into `dist/assets` (atomically: parallel test files may build too),
 * starts Redis and an instance, and issues an editor token through the admin API.
 *
 * @example
 * before(async () => { env = await startConsoleEnv(); });
 * after(() => env.close());
 */
export async function startConsoleEnv(): Promise<ConsoleEnv> {
  await buildConsoleAssets({ outDir: defaultAssetsDir() });
  const redis = await startRedis();
  const instance = await startInstance({ redisUrl: redis.url });
  const token = await issueToken(instance, EDITOR_NAME);
  return {
    redis,
    instance,
    url: instance.url,
    token,
    async close() {
      await instance.close();
      await redis.close();
    },
  };
}

/**
 * A new editor token with `name`, issued with the admin token.
 *
 * @example
 * const other = await issueToken(env.instance, 'Ben on the desk');
 */
export async function issueToken(instance: TestInstance, name: string): Promise<string> {
  const res = await call<{ token: string }>(instance.url, 'POST', '/api/tokens', { token: instance.adminToken, body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.token;
}

let blogCounter = 0;

/**
 * A fresh blog for one test, so tests never see each other's entries.
 *
 * @example
 * const blogId = await freshBlog(env, 'Storm');
 */
export async function freshBlog(env: ConsoleEnv, title: string): Promise<string> {
  blogCounter += 1;
  const blog = await createBlog(env.url, env.token, { id: `console-test-${process.pid}-${blogCounter}`, title });
  return blog.id;
}

/**
 * Opens the console and signs in with `token`, waiting until the list of blogs shows.
 *
 * @example
 * await signIn(page, env);
 */
export async function signIn(page: Page, env: ConsoleEnv, token = env.token): Promise<void> {
  await page.goto(`${env.url}/console`);
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('signed-in-as').waitFor({ state: 'visible' });
}

/**
 * Opens a blog in the signed-in console and waits until its stream is live.
 *
 * @example
 * await openBlog(page, env, blogId);
 */
export async function openBlog(page: Page, env: ConsoleEnv, blogId: string): Promise<void> {
  await page.goto(`${env.url}/console#/blogs/${blogId}`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
  await page.getByTestId('blog-title').waitFor();
}

/**
 * The blog's entries as stored, newest first, straight from the REST API.
 *
 * @example
 * assert.equal((await storedEntries(env, blogId)).length, 1);
 */
export async function storedEntries(env: ConsoleEnv, blogId: string): Promise<Entry[]> {
  const res = await call<{ entries: Entry[] }>(env.url, 'GET', `/api/blogs/${blogId}?limit=200`);
  assert.equal(res.status, 200);
  return res.body.entries;
}

/**
 * Polls `check` until it returns true (entries arrive over the network); fails after `timeoutMs`.
 *
 * @example
 * await eventually(async () => (await storedEntries(env, id)).length === 1);
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`condition not met within ${timeoutMs} ms`);
}
