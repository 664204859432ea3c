import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { JS_BUDGET_BYTES, buildReaderAssets, describeBuild } from '../../client/build.js';
import { ASSET_MANIFEST_FILE, AssetManifestSchema } from '../../server/pages/index.js';
import { buildAssets } from '../support/browser.js';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

describe('reader assets', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'liveblog-assets-'));
  let instance: TestInstance;

  before(async () => {
    await buildAssets();
    instance = await startInstance();
  });

  after(async () => {
    await instance.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  test('when the assets are built, then the script (socket.io-client included) is within 60 KiB gzipped and the manifest names both files', async () => {
    const assets = await buildReaderAssets({ outDir });
    const manifest = AssetManifestSchema.parse(JSON.parse(readFileSync(join(outDir, ASSET_MANIFEST_FILE), 'utf8')));
    assert.deepEqual(manifest, assets.manifest);
    assert.match(manifest['reader.js'], /^reader-[A-Z0-9]{8}\.js$/);
    assert.match(manifest['reader.css'], /^reader-[A-Z0-9]{8}\.css$/);
    const js = readFileSync(join(outDir, manifest['reader.js']));
    assert.equal(gzipSync(js, { level: 9 }).byteLength, assets.js.gzipBytes);
    assert.ok(assets.js.gzipBytes <= JS_BUDGET_BYTES, `reader script is ${assets.js.gzipBytes} bytes gzipped`);
    assert.equal(assets.withinBudget, true);
    assert.ok(js.includes('websocket'), 'socket.io-client is bundled in');
    assert.ok(existsSync(join(outDir, manifest['reader.css'])));
    assert.match(describeBuild(assets), /within the 60\.0 KiB budget/);
  });

  test('when a page links its assets, then they are served with a long immutable cache and the manifest is not cached', async () => {
    await createBlog(instance.url, instance.adminToken, { id: 'assets-page', title: 'Assets' });
    const html = await (await fetch(`${instance.url}/blogs/assets-page`)).text();
    const js = /<script defer src="(\/assets\/reader-[A-Z0-9]+\.js)">/.exec(html)?.[1];
    const css = /<link rel="stylesheet" href="(\/assets\/reader-[A-Z0-9]+\.css)">/.exec(html)?.[1];
    assert.ok(js && css);
    for (const [path, type] of [[js, /javascript/], [css, /text\/css/]] as const) {
      const res = await fetch(`${instance.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.ok(res.headers.get('etag'));
      await res.arrayBuffer();
    }
    const manifest = await fetch(`${instance.url}/assets/${ASSET_MANIFEST_FILE}`);
    assert.equal(manifest.headers.get('cache-control'), 'no-cache');
    await manifest.arrayBuffer();
    const missing = await fetch(`${instance.url}/assets/reader-NOPE0000.js`);
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
  });
});
