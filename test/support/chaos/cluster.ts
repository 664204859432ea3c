import { setTimeout as sleep } from 'node:timers/promises';
import { createBlog } from '../api.js';
import { startAofRedis, type AofRedis } from './aof-redis.js';
import { checkAfterFault, memoryOf, type BlogUnderTest } from './check.js';
import { stopAll } from '../processes.js';
import { Publisher } from './publisher.js';
import { closeReaders, openReaders, type ChaosReader } from './readers.js';
import { startService, type ServiceProcess } from './service-process.js';

export const CHAOS_ADMIN_TOKEN = 'chaos-admin-token-0123456789';

/** Two instances of the built service on one Redis with AOF, each a child process. */
export interface ChaosCluster {
  redis: AofRedis;
  instances: readonly [ServiceProcess, ServiceProcess];
  token: string;
  /** The instances' public URLs. */
  urls(): string[];
  /** Brings back whatever a failed scenario left down: Redis thawed and running, both instances up. */
  heal(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Redis (AOF) and two instances of the service; `env` is added to both instances'.
 *
 * @example
 * const cluster = await startCluster();
 * after(() => cluster.close());
 */
export async function startCluster(env: Record<string, string> = {}): Promise<ChaosCluster> {
  const redis = await startAofRedis();
  const [a, b] = await Promise.all(
    ['A', 'B'].map((name) => startService({ name, redisUrl: redis.url, adminToken: CHAOS_ADMIN_TOKEN, env })),
  );
  const instances = [a!, b!] as const;
  return {
    redis,
    instances,
    token: CHAOS_ADMIN_TOKEN,
    urls: () => instances.map((i) => i.url),
    async heal() {
      if (redis.frozen) await redis.thaw();
      if (!redis.running) await redis.restart();
      for (const instance of instances) if (instance.pid === undefined) await instance.start();
    },
    async close() {
      await Promise.all(instances.map((i) => i.stop('SIGKILL')));
      await redis.close();
      stopAll();
    },
  };
}

/** What a fault sees of its scenario. */
export interface ScenarioContext {
  cluster: ChaosCluster;
  blogId: string;
  publisher: Publisher;
  readers: readonly ChaosReader[];
  /** A further blog, with its own publisher (stopped by the fault) and readers, checked like the first. */
  addBlog(blog: BlogUnderTest): void;
  /** Memory the scenario's own data may legitimately add to each instance (see `checkAfterFault`). */
  allowMemory(bytes: number): void;
  /** A figure of the fault for the scenario's line, e.g. `note('outage ms', 1234)`; shown also when the scenario fails. */
  note(name: string, value: string | number): void;
}

export interface ScenarioOptions {
  /** Readers of the scenario's blog, spread over both instances (default 200). */
  readers?: number;
  /** Pause between entries (default 75 ms). */
  intervalMs?: number;
}

/** Publishing before the fault, so caches are warm and the memory figure is a running instance's. */
const WARMUP_MS = 1_000;
/** Publishing after the fault, so entries written after the recovery are checked too. */
const RECOVERY_MS = 2_000;

/**
 * One chaos scenario: a fresh blog with readers on both instances and a steady publisher; the
 * fault; then the shared check (see `checkAfterFault`) and one line of figures to `report`
 * (a shorter one, marked FAILED, when the scenario fails).
 *
 * @example
 * await runScenario(cluster, 'redis-kill', report, async ({ cluster, note }) => {
 *   await cluster.redis.kill();
 *   await cluster.redis.restart();
 *   note('outage ms', 1200);
 * });
 */
export async function runScenario(
  cluster: ChaosCluster,
  name: string,
  report: (line: string) => void,
  fault: (ctx: ScenarioContext) => Promise<void>,
  options: ScenarioOptions = {},
): Promise<void> {
  const blogId = `chaos-${name}`;
  await createBlog(cluster.instances[0].url, cluster.token, { id: blogId, title: `Chaos: ${name}` });
  const readers = await openReaders(cluster.urls(), blogId, options.readers ?? 200);
  const publisher = new Publisher({
    targets: () => cluster.urls(),
    token: cluster.token,
    blogId,
    intervalMs: options.intervalMs ?? 75,
    entry: (i) => ({ title: `${name} #${i}`, body: `Entry **${i}** of the ${name} scenario: the storm front moved inland.` }),
  });
  const blogs: BlogUnderTest[] = [{ blogId, publisher, readers }];
  const notes = new Map<string, string | number>();
  let allowance = 0;
  const figures = (): string[] => {
    const all = blogs.flatMap((b) => b.readers);
    const attempts = Object.entries(publisher.attemptsByOutcome)
      .filter(([outcome, n]) => n > 0 && outcome !== 'created')
      .map(([outcome, n]) => `${outcome} ${n}`);
    return [
      `entries ${blogs.reduce((n, b) => n + b.publisher.published.length, 0)}`,
      `readers ${all.length}`,
      ...[...notes].map(([k, v]) => `${k} ${v}`),
      `longest POST ${publisher.longestPostMs} ms`,
      `retried ${attempts.length > 0 ? attempts.join(', ') : 'none'}`,
      `reconnects ${all.reduce((n, r) => n + r.reconnects, 0)}`,
    ];
  };
  try {
    publisher.start();
    await sleep(WARMUP_MS);
    const baseline = await memoryOf(cluster.instances);
    await fault({
      cluster,
      blogId,
      publisher,
      readers,
      addBlog: (blog) => blogs.push(blog),
      allowMemory: (bytes) => (allowance += bytes),
      note: (key, value) => notes.set(key, value),
    });
    await sleep(RECOVERY_MS);
    await publisher.stop();
    const checked = await checkAfterFault(cluster.instances, blogs, baseline, allowance);
    report(`chaos ${name}: ${[...figures(), `memory ${checked.memory}`].join(' | ')}`);
  } catch (err) {
    report(`chaos ${name} FAILED: ${figures().join(' | ')}`);
    throw err;
  } finally {
    await Promise.all(blogs.map((b) => b.publisher.stop()));
    for (const blog of blogs) closeReaders(blog.readers);
    await cluster.heal();
  }
}
