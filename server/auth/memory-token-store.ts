import type { Role } from './principal.js';
import { generateToken, hashToken, looksLikeToken, newTokenId } from './token-secret.js';
import { TOUCH_INTERVAL_MS, byCreation, type TokenRecord, type TokenStore } from './token-store.js';

export interface MemoryTokenStoreOptions {
  /** Clock in epoch ms; tests move it to cross the touch interval. */
  now?: () => number;
}

/**
 * In-process twin of `RedisTokenStore` for the embedded single-instance mode. Tokens do
 * not survive a restart (only the admin token, from config, does).
 *
 * @example
 * const tokens = new MemoryTokenStore();
 * const { token } = await tokens.create('Ada', 'editor');
 */
export class MemoryTokenStore implements TokenStore {
  private readonly idByHash = new Map<string, string>();
  private readonly byId = new Map<string, { record: TokenRecord; hash: string }>();
  private readonly now: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async create(name: string, role: Role): Promise<{ token: string; record: TokenRecord }> {
    const token = generateToken();
    const hash = hashToken(token);
    const record: TokenRecord = { id: newTokenId(), name, role, createdAt: new Date(this.now()).toISOString() };
    this.idByHash.set(hash, record.id);
    this.byId.set(record.id, { record, hash });
    return { token, record: { ...record } };
  }

  async list(): Promise<TokenRecord[]> {
    return [...this.byId.values()].map(({ record }) => ({ ...record })).sort(byCreation);
  }

  async revoke(id: string): Promise<boolean> {
    const stored = this.byId.get(id);
    if (stored === undefined) return false;
    this.byId.delete(id);
    this.idByHash.delete(stored.hash);
    return true;
  }

  async verify(token: string): Promise<TokenRecord | null> {
    if (!looksLikeToken(token)) return null;
    const id = this.idByHash.get(hashToken(token));
    const stored = id === undefined ? undefined : this.byId.get(id);
    return stored === undefined ? null : { ...stored.record };
  }

  async touch(id: string): Promise<void> {
    const stored = this.byId.get(id);
    if (stored === undefined) return;
    const nowMs = this.now();
    const last = stored.record.lastUsedAt;
    if (last !== undefined && nowMs - Date.parse(last) < TOUCH_INTERVAL_MS) return;
    stored.record = { ...stored.record, lastUsedAt: new Date(nowMs).toISOString() };
  }
}
