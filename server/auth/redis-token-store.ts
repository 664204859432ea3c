import type { RedisClient } from '../store/index.js';
import { z } from 'zod';
import { TokenId, TokenRecord as TokenRecordSchema } from '../../shared/protocol/tokens.js';
import { AppError } from '../errors/app-error.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import { redisFailureOf } from '../store/redis-connection.js';
import type { Role } from './principal.js';
import { generateToken, hashToken, looksLikeToken, newTokenId } from './token-secret.js';
import { TOUCH_INTERVAL_MS, byCreation, type TokenRecord, type TokenStore } from './token-store.js';
import { TouchThrottle } from './touch-throttle.js';

const IDS_KEY = 'lb:{tokens}:ids';
const byHashKey = (hash: string): string => `lb:{tokens}:byhash:${hash}`;
const recordKey = (id: string): string => `lb:{tokens}:${id}`;

/** The JSON under `lb:{tokens}:<id>`: the public record plus the digest, so revoke can drop the lookup key. */
const StoredToken = TokenRecordSchema.extend({ hash: z.string().regex(/^[0-9a-f]{64}$/) });
type StoredToken = z.infer<typeof StoredToken>;

export interface RedisTokenStoreOptions {
  /** Defaults to silent; pass the service logger to hear about failed commands and corrupt records. */
  logger?: Logger;
  /** Clock in epoch ms; tests move it to cross the touch interval. */
  now?: () => number;
  /** Counts failed commands by kind (timeout, connection, reply). */
  metrics?: Pick<Metrics, 'redisErrors'>;
}

/** Operations an admin asked for that change the token set: their outcome may be unknown. */
const MUTATIONS: ReadonlySet<string> = new Set(['create', 'revoke']);

/**
 * Tokens in Redis, shared by every instance:
 * `lb:{tokens}:byhash:<sha256>` → id, `lb:{tokens}:<id>` → JSON record, `lb:{tokens}:ids` → set of ids.
 * Every instance reads Redis on every verify (no cache), so a revoke is refused everywhere at once.
 *
 * @example
 * const tokens = new RedisTokenStore(redis, { logger });
 * const record = await tokens.verify(bearer); // null when unknown or revoked
 */
export class RedisTokenStore implements TokenStore {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly throttle = new TouchThrottle(TOUCH_INTERVAL_MS);
  private readonly metrics: Pick<Metrics, 'redisErrors'> | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: RedisTokenStoreOptions = {},
  ) {
    this.log = (options.logger ?? silentLogger()).child({ module: 'redis-token-store' });
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
  }

  async create(name: string, role: Role): Promise<{ token: string; record: TokenRecord }> {
    const token = generateToken();
    const hash = hashToken(token);
    const record: TokenRecord = { id: newTokenId(), name, role, createdAt: new Date(this.now()).toISOString() };
    const stored: StoredToken = { ...record, hash };
    await this.run('create', () =>
      this.redis
        .multi()
        .set(byHashKey(hash), record.id)
        .set(recordKey(record.id), JSON.stringify(stored))
        .sadd(IDS_KEY, record.id)
        .exec()
        .then(throwOnFailedCommand),
    );
    return { token, record };
  }

  async list(): Promise<TokenRecord[]> {
    const ids = (await this.run('list', () => this.redis.smembers(IDS_KEY))).filter((id) => TokenId.safeParse(id).success);
    if (ids.length === 0) return [];
    const raws = await this.run('list', () => this.redis.mget(ids.map(recordKey)));
    const records: TokenRecord[] = [];
    raws.forEach((raw, i) => {
      // null: revoked between SMEMBERS and MGET
      const stored = raw === null ? null : this.parse(raw, ids[i]);
      if (stored !== null) records.push(publicPart(stored));
    });
    return records.sort(byCreation);
  }

  async revoke(id: string): Promise<boolean> {
    if (!TokenId.safeParse(id).success) return false;
    const raw = await this.run('lookup', () => this.redis.get(recordKey(id)));
    if (raw === null) return false;
    const stored = this.parse(raw, id);
    const tx = this.redis.multi().del(recordKey(id)).srem(IDS_KEY, id);
    if (stored !== null) tx.del(byHashKey(stored.hash));
    const results = await this.run('revoke', () => tx.exec().then(throwOnFailedCommand));
    // a concurrent revoke may have deleted the record first; only one of them reports success
    return results[0]?.[1] === 1;
  }

  async verify(token: string): Promise<TokenRecord | null> {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    const id = await this.run('verify', () => this.redis.get(byHashKey(hash)));
    if (id === null || !TokenId.safeParse(id).success) return null;
    const raw = await this.run('verify', () => this.redis.get(recordKey(id)));
    const stored = raw === null ? null : this.parse(raw, id);
    return stored !== null && stored.hash === hash ? publicPart(stored) : null;
  }

  async touch(id: string): Promise<void> {
    const nowMs = this.now();
    if (!TokenId.safeParse(id).success || !this.throttle.claim(id, nowMs)) return;
    try {
      const raw = await this.run('touch', () => this.redis.get(recordKey(id)));
      const stored = raw === null ? null : this.parse(raw, id);
      if (stored === null) return;
      // another instance may have written it within the interval
      if (stored.lastUsedAt !== undefined && nowMs - Date.parse(stored.lastUsedAt) < TOUCH_INTERVAL_MS) return;
      const next: StoredToken = { ...stored, lastUsedAt: new Date(nowMs).toISOString() };
      // XX: a token revoked since the GET must stay revoked, not come back as a record
      await this.run('touch', () => this.redis.set(recordKey(id), JSON.stringify(next), 'XX'));
    } catch (err) {
      this.throttle.release(id);
      throw err;
    }
  }

  private parse(raw: string, id: string | undefined): StoredToken | null {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = StoredToken.safeParse(json);
    if (parsed.success && parsed.data.id === id) return parsed.data;
    this.log.error({ tokenId: id }, 'ignoring a malformed token record in Redis');
    return null;
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      const failed = redisFailureOf(err);
      if (failed !== undefined) this.metrics?.redisErrors.inc(failed.kind);
      this.log.warn({ err, operation }, 'token store command failed');
      if (failed?.mayHaveRun === true && MUTATIONS.has(operation)) {
        throw new AppError('store_timeout', 'the token store did not confirm this in time, so it may have been done; list the tokens before repeating it', {
          cause: err,
        });
      }
      throw new AppError('store_unavailable', 'the token store is unavailable; try again shortly', { cause: err });
    }
  }
}

type ExecResult = [error: Error | null, result: unknown][] | null;

/** MULTI reports per-command errors inside its result, and null when the transaction was discarded. */
function throwOnFailedCommand(results: ExecResult): [Error | null, unknown][] {
  if (results === null) throw new Error('transaction discarded');
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
  return results;
}

/** Field by field, so the digest can never ride along into a response. */
function publicPart(stored: StoredToken): TokenRecord {
  const record: TokenRecord = { id: stored.id, name: stored.name, role: stored.role, createdAt: stored.createdAt };
  if (stored.lastUsedAt !== undefined) record.lastUsedAt = stored.lastUsedAt;
  return record;
}
