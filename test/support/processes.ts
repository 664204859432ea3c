import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every process a chaos test starts runs in a process group of its own (`detached`), and every
 * group is killed whichever way the test process ends: by `stopAll()` in `after`, on `exit`, on
 * SIGINT / SIGTERM, and, should the test process itself be SIGKILLed, by a reaper shell that
 * outlives it by at most a second.
 */
const groups = new Set<number>();
const dirs = new Set<string>();
let state: { listFile: string; dirsFile: string; reaper: ChildProcess } | undefined;

function startReaper(): void {
  if (state !== undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-chaos-reaper-'));
  const listFile = join(dir, 'groups');
  const dirsFile = join(dir, 'dirs');
  writeFileSync(listFile, '');
  writeFileSync(dirsFile, '');
  // Polls for the test process; once it is gone, kills what it left and removes the temp dirs.
  // (`kill -9 -PGID`: dash, Debian's sh, takes no `--` before a negative pid.)
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
for g in $(cat "${listFile}"); do kill -9 -$g 2>/dev/null; done
while read -r d; do rm -rf "$d"; done < "${dirsFile}"
rm -rf "${dir}"`;
  const reaper = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  reaper.unref();
  state = { listFile, dirsFile, reaper };
  dirs.add(dir);
  process.once('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopAll();
      process.exit(1);
    });
  }
}

function record(): void {
  // The reaper reads these lists only after the test process is gone.
  if (state === undefined) return;
  writeFileSync(state.listFile, [...groups].join('\n') + '\n');
  writeFileSync(state.dirsFile, [...dirs].join('\n') + '\n');
}

/**
 * Spawns `command` in a process group of its own and tracks it until it exits.
 *
 * @example
 * const child = spawnTracked('redis-server', ['--port', '6390'], { stdio: 'ignore' });
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  startReaper();
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  groups.add(pid);
  record();
  child.once('exit', () => {
    groups.delete(pid);
    record();
  });
  return child;
}

/**
 * A temp dir removed by `stopAll()` (or by the reaper) if the test does not remove it first.
 *
 * @example
 * const dir = trackedTempDir('liveblog-chaos-redis-');
 */
export function trackedTempDir(prefix: string): string {
  startReaper();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  record();
  return dir;
}

/**
 * Sends `signal` to the process group of `child` (each group holds that one process), and
 * waits for the exit when the signal ends it.
 *
 * @example
 * await signalGroup(redisProcess, 'SIGKILL');
 */
export async function signalGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, signal);
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited;
}

/**
 * Kills every tracked process group and the reaper, and removes the temp dirs; synchronous so
 * that it also runs on `exit`.
 *
 * @example
 * after(stopAll);
 */
export function stopAll(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
  if (state !== undefined) {
    const reaperPid = state.reaper.pid;
    state = undefined;
    if (reaperPid !== undefined) {
      try {
        process.kill(-reaperPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * One server process that a test kills and starts again on the same port: `start()` runs it
 * (tracked like `spawnTracked`), `kill()` SIGKILLs its group, `running` says whether it is up.
 *
 * @example
 * const node = restartable(() => spawnTracked('redis-server', ['--port', '7001'], { stdio: 'ignore' }));
 * const child = node.start(); await waitForPing(url, child, 10_000);
 */
export function restartable(launch: () => ChildProcess): { readonly running: boolean; start(): ChildProcess; kill(): Promise<void> } {
  let proc: ChildProcess | undefined;
  return {
    get running() {
      return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
    },
    start() {
      proc = launch();
      return proc;
    },
    async kill() {
      const child = proc;
      proc = undefined;
      if (child !== undefined) await signalGroup(child, 'SIGKILL');
    },
  };
}
