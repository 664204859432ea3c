import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';

/** Written by `client/build.ts` next to the bundles: logical name → content-hashed file name. */
export const ASSET_MANIFEST_FILE = 'manifest.json';

const FileName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name');
export const AssetManifestSchema = z.object({ 'reader.js': FileName, 'reader.css': FileName });
export type AssetManifestData = z.infer<typeof AssetManifestSchema>;

/**
 * `dist/assets` of the package this module belongs to, found by walking up to `package.json`,
 * so it is the same whether the server runs from `server/` (tsx) or `dist/server/` (built).
 *
 * @example
 * createPageRouter({ store, logger, assetsDir: defaultAssetsDir() });
 */
export function defaultAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'assets');
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'dist', 'assets');
    dir = parent;
  }
}

/**
 * The built reader assets' file names. Read lazily and kept once found; while the assets are
 * not built the pages still render (server-side, without the live script) and a warning is logged once.
 *
 * @example
 * const names = await manifest.current(); // { 'reader.js': 'reader-4F2K7Q.js', ... } or undefined
 */
export class AssetManifest {
  private found: AssetManifestData | undefined;
  private warned = false;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async current(): Promise<AssetManifestData | undefined> {
    if (this.found !== undefined) return this.found;
    try {
      const raw: unknown = JSON.parse(await readFile(join(this.dir, ASSET_MANIFEST_FILE), 'utf8'));
      this.found = AssetManifestSchema.parse(raw);
      return this.found;
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        this.log.warn({ err, assetsDir: this.dir }, 'reader assets are not built (run `npm run build`); pages render without the live script');
      }
      return undefined;
    }
  }
}
