import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildReaderAssets, type ReaderAssets } from '../../client/build.js';
import { defaultAssetsDir } from '../../server/pages/index.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where screenshots go (git-ignored). */
export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'screenshots');

/** Hosts the tests' (and the demo's) media URLs point at; the browser never reaches them, `serveTestMedia` answers. */
export const TEST_MEDIA_ORIGINS = ['https://media.liveblog.test', 'https://media.example.org'];

/**
 * Debian's Chromium, headless, with nothing that talks to the network on its own.
 *
 * @example
 * const browser = await launchBrowser();
 * after(() => browser.close());
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Builds the reader's assets where the server looks for them by default (`dist/assets`).
 * Test files running in parallel may build at the same time: files are written atomically
 * under content-hashed names, so they only ever replace a file with the same bytes.
 *
 * @example
 * before(async () => { await buildAssets(); instance = await startInstance(); });
 */
export function buildAssets(): Promise<ReaderAssets> {
  return buildReaderAssets({ outDir: defaultAssetsDir() });
}

/**
 * A fresh context (own storage, own network switch) and page, and the uncaught errors of the
 * page's script as they happen (tests assert there are none). Media under
 * {@link TEST_MEDIA_ORIGINS} are served locally so pages look real without leaving 127.0.0.1.
 *
 * @example
 * const { context, page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
 * // ... test ...
 * assert.deepEqual(errors, []);
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await serveTestMedia(context);
  const page = await context.newPage();
  const errors: string[] = [];
  // an exception in the page's script is a failure even when the DOM happens to look right
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** Answers image requests to the test media hosts with a generated picture, anything else with 404. */
async function serveTestMedia(context: BrowserContext): Promise<void> {
  for (const origin of TEST_MEDIA_ORIGINS) {
    await context.route(`${origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (/\.(svg|jpe?g|png|webp)$/.test(url.pathname)) {
        await route.fulfill({ status: 200, contentType: 'image/svg+xml', body: pictureSvg(url.pathname) });
      } else {
        await route.fulfill({ status: 404, body: '' });
      }
    });
  }
}

/** A calm landscape at dusk: stands in for a news photo in screenshots. */
function pictureSvg(seed: string): string {
  const hue = [...seed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 900">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 55% 32%)"/><stop offset="0.6" stop-color="hsl(${(hue + 30) % 360} 70% 62%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360} 80% 78%)"/></linearGradient></defs>
<rect width="1600" height="900" fill="url(#sky)"/>
<circle cx="1120" cy="520" r="120" fill="hsl(${(hue + 45) % 360} 95% 85%)" opacity="0.9"/>
<path d="M0 640 C 260 560 420 600 640 560 S 1100 520 1320 590 S 1520 600 1600 580 V900 H0Z" fill="hsl(${(hue + 200) % 360} 25% 22%)"/>
<path d="M0 720 C 300 660 520 720 800 690 S 1300 650 1600 700 V900 H0Z" fill="hsl(${(hue + 210) % 360} 28% 14%)"/>
<g fill="hsl(${(hue + 210) % 360} 30% 8%)"><rect x="180" y="600" width="40" height="140"/><rect x="232" y="560" width="56" height="180"/><rect x="300" y="620" width="36" height="120"/><rect x="1380" y="590" width="48" height="150"/><rect x="1436" y="630" width="30" height="110"/></g>
</svg>`;
}

/**
 * Waits until the page's connection indicator says `live` (subscribed and caught up).
 *
 * @example
 * await page.goto(url); await waitForLive(page);
 */
export async function waitForLive(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout });
}

/**
 * Saves a full-page screenshot under `test/artifacts/screenshots/<name>.png`.
 *
 * @example
 * await screenshot(page, 'blog-desktop-light');
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return path;
}

/**
 * The entry ids in the stream, top to bottom.
 *
 * @example
 * assert.deepEqual(await streamIds(page), [c.id, b.id, a.id]);
 */
export function streamIds(page: Page): Promise<string[]> {
  return page.$$eval('#lb-stream [data-entry-id]', (els) => els.map((el) => (el as HTMLElement).dataset.entryId ?? ''));
}
