import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { Timestamp } from '../schemas/ids.js';

/**
 * What a token may do. Mirrors `Role` of `server/auth/principal.ts` (shared code must not
 * import the server); `server/auth/token-store.ts` checks at compile time that both agree.
 */
export const TokenRole = z.enum(['editor', 'admin']);
export type TokenRole = z.infer<typeof TokenRole>;

/** A token's name becomes the author of the entries written with it, hence the author's limit. */
export const TokenName = z.string().trim().min(1, 'must not be empty').max(LIMITS.authorNameMaxLength);
export type TokenName = z.infer<typeof TokenName>;

/** A token's public id: what `DELETE /api/tokens/:id` takes. Never the secret. */
export const TokenId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a token id');
export type TokenId = z.infer<typeof TokenId>;

/** What the server keeps about a token, minus its hash: safe to show to admins. */
export const TokenRecord = z.object({
  id: TokenId,
  name: TokenName,
  role: TokenRole,
  createdAt: Timestamp,
  /** Updated at most about once a minute, so it is approximate. */
  lastUsedAt: Timestamp.optional(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;

/** `POST /api/tokens` body. */
export const TokenCreateInput = z.strictObject({
  name: TokenName,
  role: TokenRole.default('editor'),
});
export type TokenCreateInput = z.infer<typeof TokenCreateInput>;

/** `POST /api/tokens` (201): the plaintext `token` is shown this once and never again. */
export const TokenCreateResult = z.object({ token: z.string(), record: TokenRecord });
export type TokenCreateResult = z.infer<typeof TokenCreateResult>;

/** `GET /api/tokens` */
export const TokenList = z.object({ tokens: z.array(TokenRecord) });
export type TokenList = z.infer<typeof TokenList>;
