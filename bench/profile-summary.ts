/**
 * Where a server's CPU went, from a `--cpu-prof` profile of a bench run: busy time per second
 * (to find a phase, e.g. the storm after a restart), then the busy time of a window by package,
 * the service's own code by module, and the functions that spent the most themselves.
 *
 * @example
 * BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/results/prof" npm run bench -- --readers 0 --storm 10000 --two-instances 0 --repeat 1 --no-docs
 * npx tsx bench/profile-summary.ts bench/results/prof/CPU.<…>.cpuprofile --from 2 --to 12
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';

const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof CpuProfile>;

type ProfileNode = CpuProfile['nodes'][number];

/** What a frame belongs to: `ours: <module>`, a package name, or undefined for Node and V8 internals. */
export function ownerOf(frame: ProfileNode['callFrame']): string | undefined {
  const { url } = frame;
  // the innermost package: ws inside engine.io is ws
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1];
  const ours = /\/(?:dist\/)?server\/(.+)$/.exec(url);
  if (ours !== null) return `ours: ${ours[1]!.replace(/\.(js|ts)$/, '')}`;
  return undefined;
}

export interface ProfileSummary {
  /** Busy milliseconds in each second of the profile (idle excluded). */
  perSecond: number[];
  /** Busy milliseconds of the window. */
  busyMs: number;
  /**
   * Busy milliseconds of the window by owner: a sample counts for the innermost frame that
   * belongs to a package or to the service (Node's and V8's work done for it included), else
   * for its own function (garbage collection, the event loop).
   */
  byOwner: Map<string, number>;
  /** Busy milliseconds of the window by the function that was running. */
  bySelf: Map<string, number>;
}

const add = (map: Map<string, number>, key: string, ms: number): void => {
  map.set(key, (map.get(key) ?? 0) + ms);
};

/**
 * Sums a profile's samples, those between `fromS` and `toS` seconds after its start for the
 * window figures.
 *
 * @example
 * const summary = summarize(profile, 2, 12);
 */
export function summarize(profile: CpuProfile, fromS = 0, toS = Number.POSITIVE_INFINITY): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const summary: ProfileSummary = { perSecond: [], busyMs: 0, byOwner: new Map(), bySelf: new Map() };
  let atUs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1_000;
    atUs += profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id);
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') return;
    const second = Math.floor(atUs / 1e6);
    summary.perSecond[second] = (summary.perSecond[second] ?? 0) + ms;
    if (atUs < fromS * 1e6 || atUs > toS * 1e6) return;
    summary.busyMs += ms;
    let owner: string | undefined;
    for (let at: number | undefined = id; at !== undefined && owner === undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node !== undefined) owner = ownerOf(node.callFrame);
    }
    add(summary.byOwner, owner ?? leaf.callFrame.functionName, ms);
    const where = leaf.callFrame.url === '' ? '' : ` ${leaf.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(dist\/)?server\//, 'server/')}:${leaf.callFrame.lineNumber + 1}`;
    add(summary.bySelf, `${leaf.callFrame.functionName || '(anonymous)'}${where}`, ms);
  });
  summary.perSecond = Array.from(summary.perSecond, (ms) => ms ?? 0);
  return summary;
}

function table(map: Map<string, number>, total: number, top: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / Math.max(total, 1)).toFixed(1).padStart(5)} %  ${key}`);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined) throw new Error('usage: profile-summary <file.cpuprofile> [--from s] [--to s] [--top n]');
  const profile = CpuProfile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const summary = summarize(profile, Number(values.from ?? 0), Number(values.to ?? Number.POSITIVE_INFINITY));
  const top = Number(values.top ?? 25);
  const lines = [
    `busy ms per second: ${summary.perSecond.map((ms, s) => `${s}:${ms.toFixed(0)}`).join(' ')}`,
    `busy in the window: ${summary.busyMs.toFixed(0)} ms`,
    '',
    'by owner (innermost package or service module on the stack):',
    ...table(summary.byOwner, summary.busyMs, top),
    '',
    'by running function:',
    ...table(summary.bySelf, summary.busyMs, top),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

// run as a script; imported by its test
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
