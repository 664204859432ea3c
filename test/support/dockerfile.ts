import { readFileSync } from 'node:fs';

/** One `COPY` of a stage: from the build context, or `--from` another stage. */
export interface DockerCopy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** What a test needs of a Dockerfile's last stage: what it copies, runs and starts. */
export interface DockerStage {
  base: string;
  name: string | undefined;
  env: Record<string, string>;
  workdir: string | undefined;
  copies: DockerCopy[];
  /** Each `RUN` in shell form, as written. */
  runs: string[];
  user: string | undefined;
  /** `CMD` in exec (JSON) form. */
  cmd: string[] | undefined;
  /** The `HEALTHCHECK`'s command in exec form, and its options (`--interval=10s` → `interval: '10s'`). */
  healthcheck: { options: Record<string, string>; cmd: string[] } | undefined;
}

/** Joins `\`-continued lines and drops comments and blank lines. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    out.push(pending + line);
    pending = '';
  }
  if (pending !== '') out.push(pending.trim());
  return out;
}

function execForm(value: string, what: string): string[] {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`${what} is not in exec form: ${value}`);
  return parsed;
}

/**
 * The last stage of a Dockerfile (the image that ships), read from its instructions. Handles the
 * forms this repository uses (exec-form `CMD` and `HEALTHCHECK`, `KEY=value` `ENV`); anything it
 * does not know fails loudly rather than being skipped.
 *
 * @example
 * const stage = runtimeStage('Dockerfile');
 * stage.cmd; // ['node', 'dist/server/main.js']
 */
export function runtimeStage(path: string): DockerStage {
  let stage: DockerStage | undefined;
  for (const instruction of instructions(readFileSync(path, 'utf8'))) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(instruction) ?? [];
    const op = keyword.toUpperCase();
    if (op === 'FROM') {
      const [base = '', as, name] = rest.split(/\s+/);
      stage = { base, name: as?.toUpperCase() === 'AS' ? name : undefined, env: {}, workdir: undefined, copies: [], runs: [], user: undefined, cmd: undefined, healthcheck: undefined };
      continue;
    }
    if (stage === undefined) {
      if (op === 'ARG') continue;
      throw new Error(`${path}: ${op} before the first FROM`);
    }
    switch (op) {
      case 'ENV':
        for (const pair of rest.split(/\s+/)) {
          const at = pair.indexOf('=');
          if (at <= 0) throw new Error(`${path}: ENV only in KEY=value form: ${instruction}`);
          stage.env[pair.slice(0, at)] = pair.slice(at + 1);
        }
        break;
      case 'WORKDIR':
        stage.workdir = rest;
        break;
      case 'COPY': {
        const parts = rest.split(/\s+/);
        const fromFlag = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
        if (parts.some((p) => p.startsWith('--'))) throw new Error(`${path}: unknown COPY flag: ${instruction}`);
        const dest = parts.pop()!;
        stage.copies.push({ from: fromFlag, sources: parts, dest });
        break;
      }
      case 'RUN':
        stage.runs.push(rest);
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'CMD':
        stage.cmd = execForm(rest, 'CMD');
        break;
      case 'HEALTHCHECK': {
        const match = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(rest);
        if (match === null) throw new Error(`${path}: HEALTHCHECK without CMD: ${instruction}`);
        const options = Object.fromEntries(
          (match[1] ?? '')
            .trim()
            .split(/\s+/)
            .filter((o) => o !== '')
            .map((o) => o.replace(/^--/, '').split('=') as [string, string]),
        );
        stage.healthcheck = { options, cmd: execForm(match[2] ?? '', 'HEALTHCHECK CMD') };
        break;
      }
      case 'EXPOSE':
      case 'LABEL':
      case 'ARG':
        break;
      default:
        throw new Error(`${path}: the test does not know ${op}; teach test/support/dockerfile.ts what it means for the image`);
    }
  }
  if (stage === undefined) throw new Error(`${path} has no FROM`);
  return stage;
}
