import type { BlogId } from '../../shared/index.js';
import type { Logger } from '../log/logger.js';
import { blogIdOfRoom, isBlogRoom, roomOf, type ReaderServer } from '../rooms/index.js';
import type { PresenceStore } from './presence-store.js';

export interface PresenceOptions {
  io: ReaderServer;
  store: PresenceStore;
  /** Unique per running instance (a restarted instance takes a new one). */
  instanceId: string;
  /** How often counts are reported and readers told; the `readers` event is never sent more often. */
  intervalMs?: number;
  /** How long a report counts without a refresh (default three intervals): a crashed instance drops out after this. */
  ttlMs?: number;
  logger: Logger;
}

const DEFAULT_INTERVAL_MS = 3_000;
const TTL_INTERVALS = 3;

/**
 * Live reader counts across all instances. Every tick it counts the sockets in each local
 * blog room, reports them to the shared `PresenceStore` and sends `readers` `{blogId, count}`
 * to each local room whose total changed. A blog whose room just emptied is reported once
 * with 0, so the total drops at the next tick of the other instances rather than after the TTL.
 * A socket that joined since the last tick gets the count even when the total did not change.
 * Store failures are logged and the next tick tries again; nothing is thrown out of the timer.
 *
 * @example
 * const presence = new Presence({ io, store: new RedisPresenceStore(redis), instanceId: randomUUID(), logger });
 * presence.start();
 * // on shutdown, before the sockets are disconnected:
 * await presence.stop();
 */
export class Presence {
  private readonly io: ReaderServer;
  private readonly store: PresenceStore;
  private readonly instanceId: string;
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly log: Logger;

  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The last total sent to each local room. */
  private readonly totals = new Map<BlogId, number>();
  /** Blogs reported with readers at the last successful report: those to withdraw when they empty. */
  private reported = new Set<BlogId>();
  /** Sockets that joined a blog room since the last tick, by room. */
  private joined = new Map<string, Set<string>>();
  private failing = false;

  private readonly onJoin = (room: string, socketId: string): void => {
    // Every socket joins a room of its own too; a blog room's id was validated when it was made.
    if (!isBlogRoom(room)) return;
    let ids = this.joined.get(room);
    if (ids === undefined) {
      ids = new Set();
      this.joined.set(room, ids);
    }
    ids.add(socketId);
  };

  constructor(options: PresenceOptions) {
    this.io = options.io;
    this.store = options.store;
    this.instanceId = options.instanceId;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.ttlMs = options.ttlMs ?? this.intervalMs * TTL_INTERVALS;
    this.log = options.logger.child({ module: 'presence' });
    if (!(this.intervalMs > 0) || this.ttlMs <= this.intervalMs) {
      throw new RangeError('presence needs intervalMs > 0 and ttlMs > intervalMs');
    }
  }

  /**
   * Starts the ticks; the first runs after one interval.
   *
   * @example
   * presence.start();
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.io.sockets.adapter.on('join-room', this.onJoin);
    this.schedule();
  }

  /**
   * Stops the ticks and withdraws this instance's counts, so the other instances' totals drop
   * at once. Never rejects.
   *
   * @example
   * await presence.stop();
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearTimeout(this.timer);
    this.io.sockets.adapter.off('join-room', this.onJoin);
    await this.running;
    const withdrawn = new Map([...this.reported].map((blogId) => [blogId, 0] as const));
    this.reported.clear();
    this.totals.clear();
    this.joined.clear();
    if (withdrawn.size === 0) return;
    try {
      await this.store.report(this.instanceId, withdrawn, this.ttlMs);
    } catch (err) {
      this.log.warn({ err }, 'could not withdraw reader counts; they expire by themselves');
    }
  }

  /**
   * The last known total of readers of a blog across instances; undefined before the first
   * tick that saw a reader of it on this instance.
   *
   * @example
   * presence.countOf('election-night'); // 42
   */
  countOf(blogId: BlogId): number | undefined {
    return this.totals.get(blogId);
  }

  /**
   * One round: count, report, tell the rooms. The timer calls it; exposed so a caller can
   * refresh at once. Never rejects.
   *
   * @example
   * await presence.tick();
   */
  async tick(): Promise<void> {
    try {
      await this.round();
      if (this.failing) this.log.info('reader counts are reported again');
      this.failing = false;
    } catch (err) {
      // One warning per outage; the ticks that follow would repeat it every few seconds.
      if (this.failing) this.log.debug({ err }, 'reader counts still not reported');
      else this.log.warn({ err }, 'could not report reader counts; retrying every tick');
      this.failing = true;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (this.started) this.schedule();
      });
    }, this.intervalMs);
    // The HTTP server keeps the process alive, not the presence timer.
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const local = this.localCounts();
    const report = new Map(local);
    for (const blogId of this.reported) if (!local.has(blogId)) report.set(blogId, 0);
    if (report.size === 0) {
      this.joined.clear();
      return;
    }

    const totals = await this.store.report(this.instanceId, report, this.ttlMs);
    // Taken only now: after a failed report the newcomers are still owed the count.
    const joined = this.joined;
    this.joined = new Map();
    this.reported = new Set(local.keys());
    for (const [blogId, count] of report) {
      if (count === 0) {
        this.totals.delete(blogId);
        continue;
      }
      this.tell(blogId, totals.get(blogId) ?? count, joined.get(roomOf(blogId)));
    }
  }

  /** Sends the total to the whole room when it changed, else only to the sockets new to the room. */
  private tell(blogId: BlogId, total: number, newcomers: Set<string> | undefined): void {
    const room = roomOf(blogId);
    if (this.totals.get(blogId) !== total) {
      this.totals.set(blogId, total);
      this.io.to(room).emit('readers', { blogId, count: total });
      return;
    }
    if (newcomers === undefined) return;
    const members = this.io.sockets.adapter.rooms.get(room);
    const still = [...newcomers].filter((id) => members?.has(id) === true);
    if (still.length > 0) this.io.to(still).emit('readers', { blogId, count: total });
  }

  /** Sockets per blog room on this instance, for the rooms that have any. */
  private localCounts(): Map<BlogId, number> {
    const counts = new Map<BlogId, number>();
    for (const [room, sockets] of this.io.sockets.adapter.rooms) {
      const blogId = blogIdOfRoom(room);
      if (blogId !== undefined && sockets.size > 0) counts.set(blogId, sockets.size);
    }
    return counts;
  }
}
