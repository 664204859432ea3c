import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlogPage, LIMITS } from '../../../shared/index.js';
import { call } from '../api.js';
import type { Publisher } from './publisher.js';
import { isLive, waitForReaders, type ChaosReader } from './readers.js';
import type { ServiceProcess } from './service-process.js';

/** One blog of a scenario: its publisher and its readers. */
export interface BlogUnderTest {
  blogId: string;
  publisher: Publisher;
  readers: readonly ChaosReader[];
}

/**
 * How far above its pre-fault figure an instance's heap plus external memory may settle, both
 * measured right after a full garbage collection. Measured that way, an instance with 200 readers
 * and a steady publisher moves by less than 1 MiB between two scenarios; what a fault could pin is
 * far more: a reader that stops reading kept about 25 MB (issue 9), and 400 leaked connections of
 * the churn would keep about 7 MB (16–18 KiB each, docs/operations.md).
 */
export const MEMORY_MARGIN_BYTES = 6 * 1024 * 1024;
/** How long an instance has to come back within the margin after the fault. */
const MEMORY_SETTLE_MS = 15_000;
/** How long the readers have to catch up once the publisher stopped. */
const CONVERGE_MS = 20_000;

/**
 * Every entry of the blog as stored, newest first, through the REST API's pages.
 *
 * @example
 * const ids = await storedEntryIds(instance.url, 'storm'); // ['01J…', …]
 */
export async function storedEntryIds(baseUrl: string, blogId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res = await call(baseUrl, 'GET', `/api/blogs/${blogId}?limit=${LIMITS.pageSizeMax}${query}`);
    assert.equal(res.status, 200, `GET /api/blogs/${blogId}: ${res.status}`);
    const page = BlogPage.parse(res.body);
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/** An instance's memory right after a full garbage collection. */
export interface MemoryFigure {
  /** V8's used heap plus memory outside it (Buffers): what the check compares. */
  held: number;
  /** Resident memory, for the figures only: freed memory does not always go back to the system. */
  rss: number;
}

async function memoryFigure(instance: ServiceProcess): Promise<MemoryFigure> {
  const scrape = await instance.metricsAfterGc();
  return { held: scrape.heldBytes, rss: scrape.require('process_resident_memory_bytes') };
}

/**
 * Each instance's memory after a full garbage collection, keyed by name.
 *
 * @example
 * const baseline = await memoryOf(cluster.instances); // Map { 'A' => { held: 24_117_248, rss: 98_304_000 }, … }
 */
export async function memoryOf(instances: readonly ServiceProcess[]): Promise<Map<string, MemoryFigure>> {
  const figures = new Map<string, MemoryFigure>();
  for (const instance of instances) figures.set(instance.name, await memoryFigure(instance));
  return figures;
}

export interface CheckFigures {
  /** Per instance: MiB held before the fault → after it settled, and the same for RSS. */
  memory: string;
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/**
 * What every blog of a scenario must end with, once its publishers have stopped:
 * - every publisher got a 201 for every entry it tried, and no 503 hid a write;
 * - every entry answered 201 is stored exactly once, in the order of the answers, and nothing else;
 * - every reader holds exactly the stored entries, in order, each reported created at most once.
 * `url` is where the stored entries are read (any instance, or the load balancer).
 *
 * @example
 * await checkDelivered(balancer.url, [{ blogId, publisher, readers }]);
 */
export async function checkDelivered(url: string, blogs: readonly BlogUnderTest[]): Promise<void> {
  for (const { blogId, publisher, readers } of blogs) {
    assert.deepEqual(publisher.failures, [], `${blogId}: the publisher got answers no retry could fix`);
    assert.deepEqual(
      publisher.hiddenWrites.map((p) => `entry ${p.index}: ${p.attempts.join(' → ')}`),
      [],
      `${blogId}: a 503 store_unavailable said nothing was written, yet the retry with the same key found the entry stored`,
    );

    const answered = publisher.published.map((p) => p.id);
    const stored = await storedEntryIds(url, blogId);
    assert.equal(new Set(stored).size, stored.length, `${blogId}: an entry is stored twice`);
    assert.deepEqual([...stored].reverse(), answered, `${blogId}: the stored entries are exactly those answered 201, in that order`);

    const holdsAll = (r: ChaosReader): boolean => {
      const order = r.blog.state?.order;
      return isLive(r) && order !== undefined && order.length === stored.length && order.every((id, i) => id === stored[i]);
    };
    await waitForReaders(readers, holdsAll, `hold the ${stored.length} stored entries of ${blogId} in order`, CONVERGE_MS).catch(
      (err: unknown) => {
        const r = readers.find((x) => !holdsAll(x));
        const order = r?.blog.state?.order ?? [];
        const missing = stored.filter((id) => !order.includes(id)).length;
        const extra = order.filter((id) => !stored.includes(id)).length;
        throw new Error(`${String(err)}; that reader misses ${missing}, has ${extra} extra, ${r?.resets ?? 0} resets`);
      },
    );
    for (const reader of readers) {
      assert.equal(reader.blog.error, undefined, `${blogId}: a reader was refused`);
      const doubled = [...reader.createdReports].filter(([, n]) => n > 1).map(([id]) => id);
      assert.deepEqual(doubled, [], `${blogId}: a reader was told of the same entry twice`);
    }
  }
}

/**
 * The check every chaos scenario ends with, once its publishers have stopped:
 * - `checkDelivered` for every blog;
 * - each instance's heap plus external memory is back within `MEMORY_MARGIN_BYTES` of `baseline`,
 *   plus `allowanceBytes` that the scenario legitimately added (e.g. its large entries, which every
 *   instance keeps in the blog's recent-events cache by design).
 *
 * @example
 * const figures = await checkAfterFault(instances, [{ blogId, publisher, readers }], baseline);
 */
export async function checkAfterFault(
  instances: readonly ServiceProcess[],
  blogs: readonly BlogUnderTest[],
  baseline: ReadonlyMap<string, MemoryFigure>,
  allowanceBytes = 0,
): Promise<CheckFigures> {
  await checkDelivered(instances[0]!.url, blogs);

  const shown: string[] = [];
  for (const instance of instances) {
    const before = baseline.get(instance.name);
    assert.ok(before !== undefined, `no memory baseline for instance ${instance.name}`);
    const limit = before.held + MEMORY_MARGIN_BYTES + allowanceBytes;
    const deadline = Date.now() + MEMORY_SETTLE_MS;
    let now = await memoryFigure(instance);
    while (now.held > limit && Date.now() < deadline) {
      await sleep(500);
      now = await memoryFigure(instance);
    }
    assert.ok(
      now.held <= limit,
      `instance ${instance.name} holds ${mib(now.held)} MiB (heap + external) after the fault, more than ` +
        `${mib(MEMORY_MARGIN_BYTES)} MiB (+ ${mib(allowanceBytes)} MiB allowed for the scenario's data) above its ${mib(before.held)} MiB before it`,
    );
    shown.push(`${instance.name} ${mib(before.held)}→${mib(now.held)} MiB (RSS ${mib(before.rss)}→${mib(now.rss)})`);
  }

  return { memory: shown.join(', ') };
}
