import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup, spawnTracked } from './processes.js';
import { freePort } from './redis-server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The balancer's configuration as shipped: the test runs this file, with its own ports. */
export const HAPROXY_CFG = join(ROOT, 'deploy', 'haproxy.cfg');
/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
const HAPROXY = process.env.HAPROXY ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');
const LOG_TAIL_CHARS = 16_384;

/** One server line of the balancer's status page. */
export interface BalancedServer {
  /** `UP`, `DOWN`, `MAINT`, or a transition such as `UP 1/2`. */
  status: string;
  /** The last health check: `L7OK`, `L7STS` (a bad HTTP status), `L4CON` (connection refused)… */
  checkStatus: string;
  /** The HTTP status of the last check, when it got one. */
  checkCode: string;
}

export interface Balancer {
  /** Where readers and editors connect. */
  url: string;
  /** The servers of the `liveblog` backend (the one that runs the checks), by name (`liveblog-1`…). */
  servers(): Promise<Map<string, BalancedServer>>;
  /** Resolves once `predicate` holds for server `name`; rejects after `timeoutMs`. Returns the time it took. */
  waitForServer(name: string, predicate: (server: BalancedServer) => boolean, what: string, timeoutMs?: number): Promise<number>;
  /** The end of HAProxy's log (its requests and state changes), for failure messages. */
  logTail(): string;
  close(): Promise<void>;
}

/**
 * Up and checked: HAProxy counts a server up from its start, before any check has run.
 *
 * @example
 * await balancer.waitForServer('liveblog-1', isUp, 'up again');
 */
export function isUp(server: BalancedServer): boolean {
  return server.status === 'UP' && server.checkStatus === 'L7OK';
}

/** Parses HAProxy's `;csv` status page: one row per proxy and server, the header names the columns. */
function parseStats(csv: string): Array<Record<string, string>> {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
}

/**
 * Starts the real HAProxy on `deploy/haproxy.cfg` in front of `instances` (host:port each, in
 * the order of the config's LIVEBLOG_1, LIVEBLOG_2), on free ports, and waits until it sees every
 * instance up through its `/readyz` checks.
 *
 * @example
 * const balancer = await startBalancer(['127.0.0.1:4001', '127.0.0.1:4002']);
 * await balancer.waitForServer('liveblog-1', (s) => s.status === 'DOWN', 'be marked down');
 */
export async function startBalancer(instances: readonly string[]): Promise<Balancer> {
  const port = await freePort();
  const statsPort = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LIVEBLOG_LISTEN: `127.0.0.1:${port}`,
    LIVEBLOG_STATS_LISTEN: `127.0.0.1:${statsPort}`,
  };
  instances.forEach((instance, i) => (env[`LIVEBLOG_${i + 1}`] = instance));
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  // -db: in the foreground, logs on stdout, no daemon to lose track of.
  const child: ChildProcess = spawnTracked(HAPROXY, ['-f', HAPROXY_CFG, '-db'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const servers = async (): Promise<Map<string, BalancedServer>> => {
    const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`HAProxy's status page answered ${res.status}`);
    const found = new Map<string, BalancedServer>();
    for (const row of parseStats(await res.text())) {
      if (row.pxname !== 'liveblog' || row.svname === 'FRONTEND' || row.svname === 'BACKEND') continue;
      found.set(row.svname!, { status: row.status ?? '', checkStatus: row.check_status ?? '', checkCode: row.check_code ?? '' });
    }
    return found;
  };

  const waitForServer = async (name: string, predicate: (server: BalancedServer) => boolean, what: string, timeoutMs = 10_000): Promise<number> => {
    const started = Date.now();
    let last: BalancedServer | undefined;
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`HAProxy exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      last = await servers().then(
        (all) => all.get(name),
        () => undefined,
      );
      if (last !== undefined && predicate(last)) return Date.now() - started;
      await sleep(50);
    }
    throw new Error(`HAProxy did not see ${name} ${what} within ${timeoutMs} ms (last: ${JSON.stringify(last)}):\n${output}`);
  };

  const balancer: Balancer = {
    url: `http://127.0.0.1:${port}`,
    servers,
    waitForServer,
    logTail: () => output,
    close: () => signalGroup(child, 'SIGKILL'),
  };
  try {
    for (let i = 1; i <= instances.length; i += 1) await waitForServer(`liveblog-${i}`, isUp, 'up');
  } catch (err) {
    await balancer.close();
    throw err;
  }
  return balancer;
}
