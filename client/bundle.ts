/**
 * The one way browser code is bundled: a script and its stylesheet, minified for the
 * browsers readers and editors use, written atomically, with raw and gzipped sizes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The repository root: entry points are given relative to it. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuiltFile {
  /** The file name inside `outDir`. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * Bundles `script` and `style` (paths from the repository root) into `outDir` as
 * `<name>.js` / `<name>.css`, or `<name>-<hash>.*` when `hashed`. Each file is written under
 * a temporary name and renamed, so a server reading the directory (or a parallel build
 * writing the same names) never sees half a file.
 *
 * @example
 * const { js } = await bundle({ outDir: 'dist/assets', name: 'reader', script: 'client/page/main.ts', style: 'client/page/reader.css', hashed: true });
 */
export async function bundle(options: {
  outDir: string;
  name: string;
  script: string;
  style: string;
  hashed: boolean;
}): Promise<{ js: BuiltFile; css: BuiltFile }> {
  const outDir = resolve(options.outDir);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: options.script, out: options.name },
      { in: options.style, out: options.name },
    ],
    outdir: outDir,
    entryNames: options.hashed ? '[name]-[hash]' : '[name]',
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
  const files: BuiltFile[] = [];
  for (const output of result.outputFiles) {
    const file = basename(output.path);
    await writeAtomically(join(outDir, file), output.contents);
    files.push({ file, bytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength });
  }
  const js = files.find((f) => f.file.endsWith('.js'));
  const css = files.find((f) => f.file.endsWith('.css'));
  if (js === undefined || css === undefined) throw new Error(`the ${options.name} build produced no script or no stylesheet`);
  return { js, css };
}

/**
 * Writes a file under a temporary name, then renames it into place.
 *
 * @example
 * await writeAtomically('dist/assets/manifest.json', '{}');
 */
export async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}
