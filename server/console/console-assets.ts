import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log/logger.js';

/** The files `client/console/build.ts` writes into the assets directory. */
export const CONSOLE_FILES = { js: 'console.js', css: 'console.css' } as const;
export type ConsoleFile = (typeof CONSOLE_FILES)[keyof typeof CONSOLE_FILES];

/** Each built file's version, for the `?v=` that lets browsers cache it until the next build. */
export interface ConsoleAssetVersions {
  js: string;
  css: string;
}

/**
 * The console's built files. The names are fixed and the version is derived from size and
 * modification time, read on every shell request (one `stat` per file): a rebuild is picked up
 * without a restart, and a cached old bundle is never paired with a new shell.
 *
 * @example
 * const versions = await assets.versions(); // { js: 'k2x1-lq8…', css: '…' } or undefined when not built
 */
export class ConsoleAssets {
  private warned = false;
  /** Absolute, as `res.sendFile` requires. */
  readonly dir: string;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.dir = resolve(dir);
  }

  /** The path of one of the console's files. */
  pathOf(file: ConsoleFile): string {
    return join(this.dir, file);
  }

  async versions(): Promise<ConsoleAssetVersions | undefined> {
    try {
      const [js, css] = await Promise.all([this.versionOf(CONSOLE_FILES.js), this.versionOf(CONSOLE_FILES.css)]);
      this.warned = false;
      return { js, css };
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        this.log.warn({ err, assetsDir: this.dir }, 'console assets are not built (run `npm run build`); /console shows how to fix it');
      }
      return undefined;
    }
  }

  private async versionOf(file: ConsoleFile): Promise<string> {
    const info = await stat(this.pathOf(file));
    if (!info.isFile()) throw new Error(`${file} is not a file`);
    return `${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}`;
  }
}
