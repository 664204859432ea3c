/**
 * Builds the reader page's assets: `client/page/main.ts` (socket.io-client included) and
 * `client/page/reader.css`, minified, content-hashed, into `dist/assets/` with a
 * `manifest.json` the server reads. Prints each file's raw and gzipped size and fails when
 * the script is over its budget: readers on slow phones pay for every kilobyte.
 *
 * @example
 * npx tsx client/build.ts                # → dist/assets, exit 1 when over budget
 * npx tsx client/build.ts --out /tmp/a   # elsewhere
 */
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_MANIFEST_FILE, type AssetManifestData } from '../server/pages/asset-manifest.js';
import { bundle, ROOT, writeAtomically, type BuiltFile } from './bundle.js';
import { buildConsoleAssets } from './console/build.js';

/** The reader's JavaScript, gzipped, socket.io-client included. */
export const JS_BUDGET_BYTES = 60 * 1024;

export interface ReaderAssets {
  outDir: string;
  manifest: AssetManifestData;
  js: BuiltFile;
  css: BuiltFile;
  /** False when the gzipped script is over {@link JS_BUDGET_BYTES}. */
  withinBudget: boolean;
}

/**
 * Bundles the reader's script and stylesheet into `outDir` with content-hashed names, then
 * writes the manifest that names them.
 *
 * @example
 * const assets = await buildReaderAssets({ outDir: 'dist/assets' });
 * if (!assets.withinBudget) process.exitCode = 1;
 */
export async function buildReaderAssets(options: { outDir: string }): Promise<ReaderAssets> {
  const outDir = resolve(options.outDir);
  const { js, css } = await bundle({
    outDir,
    name: 'reader',
    script: 'client/page/main.ts',
    style: 'client/page/reader.css',
    hashed: true,
  });
  const manifest: AssetManifestData = { 'reader.js': js.file, 'reader.css': css.file };
  // written last: a server that sees the manifest finds the files it names
  await writeAtomically(join(outDir, ASSET_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, manifest, js, css, withinBudget: js.gzipBytes <= JS_BUDGET_BYTES };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * The build report, one line per file, and the verdict on the budget.
 *
 * @example
 * console.log(describeBuild(assets));
 */
export function describeBuild(assets: ReaderAssets): string {
  const where = relative(process.cwd(), assets.outDir) || '.';
  const lines = [assets.js, assets.css].map(
    (f) => `  ${join(where, f.file).padEnd(40)} ${kib(f.bytes).padStart(10)}  ${kib(f.gzipBytes).padStart(10)} gzipped`,
  );
  const verdict = assets.withinBudget
    ? `reader script: ${kib(assets.js.gzipBytes)} gzipped, within the ${kib(JS_BUDGET_BYTES)} budget`
    : `reader script: ${kib(assets.js.gzipBytes)} gzipped, OVER the ${kib(JS_BUDGET_BYTES)} budget`;
  return [...lines, verdict].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const at = argv.indexOf('--out');
  const outDir = at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] ?? '' : join(ROOT, 'dist', 'assets');
  const assets = await buildReaderAssets({ outDir });
  // The editors' console has no size budget (editors load it once per shift), but it ships from the same folder.
  const consoleAssets = await buildConsoleAssets({ outDir });
  const consoleLines = [consoleAssets.js, consoleAssets.css].map(
    (f) => `  ${relative(ROOT, join(outDir, f.file)).padEnd(40)} ${kib(f.bytes).padStart(10)}  ${kib(f.gzipBytes).padStart(10)} gzipped`,
  );
  const report = [describeBuild(assets), ...consoleLines].join('\n');
  if (assets.withinBudget) {
    process.stdout.write(`${report}\n`);
    return 0;
  }
  process.stderr.write(`${report}\n`);
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
