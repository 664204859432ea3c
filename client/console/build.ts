/**
 * Builds the editors' console: `client/console/main.ts` (socket.io-client and zod included) and
 * `client/console/console.css` (which pulls in the reader's stylesheet, so entries and the
 * preview look exactly as readers see them) into `console.js` and `console.css`.
 *
 * @example
 * npx tsx client/console/build.ts               # → dist/assets
 * npx tsx client/console/build.ts --out /tmp/a  # elsewhere
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, ROOT, type BuiltFile } from '../bundle.js';

export type ConsoleBuiltFile = BuiltFile;

export interface ConsoleBuild {
  outDir: string;
  js: ConsoleBuiltFile;
  css: ConsoleBuiltFile;
}

/**
 * Bundles the console into `outDir` as `console.js` and `console.css` (fixed names: the
 * console's shell adds a `?v=` of its own).
 *
 * @example
 * const built = await buildConsoleAssets({ outDir: 'dist/assets' });
 * console.log(built.js.gzipBytes);
 */
export async function buildConsoleAssets(options: { outDir: string }): Promise<ConsoleBuild> {
  const outDir = resolve(options.outDir);
  const { js, css } = await bundle({
    outDir,
    name: 'console',
    script: 'client/console/main.ts',
    style: 'client/console/console.css',
    hashed: false,
  });
  return { outDir, js, css };
}

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--out');
  const outDir = at >= 0 && argv[at + 1] !== undefined ? (argv[at + 1] ?? '') : join(ROOT, 'dist', 'assets');
  const built = await buildConsoleAssets({ outDir });
  for (const f of [built.js, built.css]) {
    process.stdout.write(`  ${join(built.outDir, f.file)}  ${(f.bytes / 1024).toFixed(1)} KiB  ${(f.gzipBytes / 1024).toFixed(1)} KiB gzipped\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`console build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
