import type { TokenRecord, TokenRole } from '../../shared/protocol/tokens.js';
import type { Role } from './principal.js';

export type { TokenRecord } from '../../shared/protocol/tokens.js';

/** Fails to compile if the shared token roles and the server's principal roles ever drift apart. */
type SameRoles = [Role] extends [TokenRole] ? ([TokenRole] extends [Role] ? true : never) : never;
const rolesAgree: SameRoles = true;
void rolesAgree;

/** `lastUsedAt` is written at most once per this interval per token: reads must not cost a write each. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * Editor and admin tokens. Secrets are stored only as sha256 digests and looked up by digest;
 * the plaintext leaves `create` once and is never kept. Implemented over Redis (shared by every
 * instance, so a revoke takes effect everywhere at once) and in memory for the embedded mode;
 * `test/auth/token-store-conformance.test.ts` holds both to this contract.
 *
 * Infrastructure failures are thrown as `AppError('store_unavailable')`.
 */
export interface TokenStore {
  /** Issues a token. Callers pass parsed input (`TokenCreateInput`). */
  create(name: string, role: Role): Promise<{ token: string; record: TokenRecord }>;
  /** Every live token, oldest first. Never carries hashes. */
  list(): Promise<TokenRecord[]>;
  /** False when no token has this id (already revoked, or never existed). */
  revoke(id: string): Promise<boolean>;
  /** The token's record, or null when the token is unknown, revoked or malformed. */
  verify(token: string): Promise<TokenRecord | null>;
  /** Records a use now; writes at most once per `TOUCH_INTERVAL_MS` per token. Never revives a revoked token. */
  touch(id: string): Promise<void>;
}

/**
 * The order `list()` returns: oldest first, ids breaking ties so the order is stable.
 *
 * @example
 * records.sort(byCreation);
 */
export function byCreation(a: TokenRecord, b: TokenRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
