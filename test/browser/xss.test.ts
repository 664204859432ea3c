import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { call, createBlog, postEntry } from '../support/api.js';
import { buildAssets, launchBrowser, openPage, waitForLive } from '../support/browser.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** Bodies (Markdown with raw HTML) that try to run `window.__xss(...)`. */
const CORPUS = [
  '<script>window.__xss("script")</script>',
  '<img src=x onerror="window.__xss(\'img\')">',
  '[click me](javascript:window.__xss("md-link"))',
  '<a href="javascript:window.__xss(\'a\')">a</a>',
  '<a href="&#106;avascript:window.__xss(\'entity\')">entity</a>',
  '<a href="jav&#x09;ascript:window.__xss(\'tab\')">tab</a>',
  '<svg onload="window.__xss(\'svg\')"><circle r=1 /></svg>',
  '<iframe src="javascript:window.__xss(\'iframe\')"></iframe>',
  '<iframe srcdoc="<script>parent.__xss(\'srcdoc\')</script>"></iframe>',
  '<details open ontoggle="window.__xss(\'details\')"><summary>x</summary></details>',
  '<body onload="window.__xss(\'body\')">',
  '<input autofocus onfocus="window.__xss(\'input\')">',
  '<video><source onerror="window.__xss(\'video\')"></video>',
  '<object data="javascript:window.__xss(\'object\')"></object>',
  '<embed src="javascript:window.__xss(\'embed\')">',
  '<form action="javascript:window.__xss(\'form\')"><button>go</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss(\'mxss\')"></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss(\'noscript\')>"></p></noscript>',
  '<style>@import "javascript:window.__xss(\'style\')";</style><p style="background:url(javascript:window.__xss(\'css\'))">css</p>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss(\'meta\')">',
  '<base href="javascript:window.__xss(\'base\')//">',
  '<template><img src=x onerror="window.__xss(\'template\')"></template>',
  '"><img src=x onerror=window.__xss("break-out")>',
  '</article></div><script>window.__xss("close-tags")</script>',
  '<p onclick="window.__xss(\'click\')" onmouseover="window.__xss(\'hover\')">hover and click me</p>',
  '![x](javascript:window.__xss("md-img"))',
  '<a href="data:text/html,<script>window.__xss(\'data\')</script>">data</a>',
  '<img src="x" srcset="x 1x" onload="window.__xss(\'srcset\')">',
  '<marquee onstart="window.__xss(\'marquee\')">m</marquee>',
  '<a href="#" onclick="window.__xss(\'a-click\')">plain link</a>',
];

/** Every way the trap could be reached is recorded, including inline code the CSP blocked. */
const TRAP = `
  window.__xssFired = [];
  window.__xss = (what) => window.__xssFired.push(String(what));
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

async function assertNothingRan(page: Page): Promise<void> {
  // hover, focus and click everything inside the entries, so handler payloads get their chance
  await page.evaluate(`(() => {
    for (const el of document.querySelectorAll('#lb-stream .entry *, #lb-pinned .entry *')) {
      for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true }));
      if (el instanceof HTMLAnchorElement && el.getAttribute('href') !== null && !el.getAttribute('href').startsWith('http')) el.click();
    }
  })()`);
  await page.waitForTimeout(300);
  const fired = await page.evaluate('window.__xssFired');
  assert.deepEqual(fired, [], 'no payload ran');
  const violations = await page.evaluate('window.__cspViolations');
  assert.deepEqual(violations, [], 'nothing even tried: the sanitizer let no inline code through for the CSP to block');
  const found = await page.evaluate(`(() => {
    const bad = [];
    for (const el of document.querySelectorAll('#lb-stream *, #lb-pinned *, .layout__header *')) {
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'STYLE', 'BASE', 'META', 'FORM', 'INPUT', 'TEMPLATE'].includes(el.tagName.toUpperCase())) bad.push(el.tagName);
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) bad.push(el.tagName + ' ' + attr.name);
        if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && ['href', 'src', 'action', 'formaction', 'data', 'srcdoc'].includes(attr.name)) bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
      }
    }
    return bad;
  })()`);
  assert.deepEqual(found, [], 'no script element, handler or script URL inside the page content');
}

describe('XSS through entry bodies, in the real browser', () => {
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

  test('when the corpus is rendered by the server and then arrives live, then nothing runs and no script lands in the page', async () => {
    const token = instance.adminToken;
    const blogId = 'xss-corpus';
    await createBlog(instance.url, token, { id: blogId, title: '<img src=x onerror="window.__xss(\'title\')">', keyPoints: ['<script>window.__xss("key-point")</script>'] });
    const half = Math.ceil(CORPUS.length / 2);
    for (const body of CORPUS.slice(0, half)) {
      await postEntry(instance.url, token, blogId, body, { title: '<script>window.__xss("subheading")</script>' });
    }

    const { context, page, errors } = await openPage(browser);
    try {
      await page.addInitScript(TRAP);
      await page.goto(`${instance.url}/blogs/${blogId}`);
      await waitForLive(page);
      await assertNothingRan(page);

      // the rest arrives over the socket and is inserted by the browser script
      const live: string[] = [];
      for (const body of CORPUS.slice(half)) live.push((await postEntry(instance.url, token, blogId, body)).entry.id);
      live.push((await postEntry(instance.url, token, blogId, 'q', { kind: 'quote', attribution: '"><svg onload=window.__xss("attribution")>' })).entry.id);
      live.push(
        (await postEntry(instance.url, token, blogId, '', { kind: 'image', media: { url: 'https://media.liveblog.test/a.svg?"><script>window.__xss("url")</script>', caption: '" onerror="window.__xss(\'caption\')' } })).entry.id,
      );
      const edited = await call(instance.url, 'PATCH', `/api/blogs/${blogId}/entries/${live[0]}`, {
        token,
        body: { version: 1, body: '<img src=x onerror="window.__xss(\'edit\')">', correction: '<script>window.__xss("correction")</script>' },
      });
      assert.equal(edited.status, 200);
      await page.waitForSelector(`[data-entry-id="${live.at(-1)}"]`);
      await page.waitForSelector(`[data-entry-id="${live[0]}"][data-version="2"]`);
      await assertNothingRan(page);
      assert.equal(await page.locator('#lb-stream .entry').count(), CORPUS.length + 2);
      assert.deepEqual(errors, [], 'no uncaught error in the page');
    } finally {
      await context.close();
    }
  });
});
