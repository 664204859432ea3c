/**
 * Builds the editors' console: `client/console/main.ts` (socket.io-client and zod included) and
 * `client/console/console.css` (which pulls in the reader's stylesheet, so entries and the
 * preview look exactly as readers see them) into `console.js` and `console.css`.
 *
 * @example
 * npx tsx client/console/build.ts               # → dist/assets
 * npx tsx client/console/build.ts --out /tmp/a  # elsewhere
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConsoleBuiltFile {
  /** `console.js` or `console.css`. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ConsoleBuild {
  outDir: string;
  js: ConsoleBuiltFile;
  css: ConsoleBuiltFile;
}

/**
 * Bundles the console into `outDir` as `console.js` and `console.css`. Each file is written
 * under a temporary name and renamed, so a server (or a parallel build) never sees half a file.
 *
 * @example
 * const built = await buildConsoleAssets({ outDir: 'dist/assets' });
 * console.log(built.js.gzipBytes);
 */
export async function buildConsoleAssets(options: { outDir: string }): Promise<ConsoleBuild> {
  const outDir = resolve(options.outDir);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'client/console/main.ts', out: 'console' },
      { in: 'client/console/console.css', out: 'console' },
    ],
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  await mkdir(outDir, { recursive: true });
  const files: ConsoleBuiltFile[] = [];
  for (const output of result.outputFiles) {
    const path = output.path;
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, output.contents);
    await rename(temporary, path);
    files.push({ file: path.slice(outDir.length + 1), bytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents).byteLength });
  }
  const js = files.find((f) => f.file === 'console.js');
  const css = files.find((f) => f.file === 'console.css');
  if (js === undefined || css === undefined) throw new Error('the console build produced no console.js or no console.css');
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
