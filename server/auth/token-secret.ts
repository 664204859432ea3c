import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'lb_';
/** `lb_` + base64url of 32 bytes (43 chars, no padding). */
const TOKEN_SHAPE = /^lb_[A-Za-z0-9_-]{43}$/;

/**
 * A new editor/admin token: `lb_` + 32 random bytes, base64url. The prefix lets secret
 * scanners and humans recognise a leaked liveblog token.
 *
 * @example
 * const token = generateToken(); // 'lb_q3W...'
 */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The only form in which a token is stored: hex sha256. Lookups go by this digest, so
 * the time a lookup takes does not depend on how many leading bytes of a guess were right.
 *
 * @example
 * hashToken('lb_abc') // '6f1c...' (64 hex chars)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * True when the string has the shape of a generated token. Lets stores refuse garbage
 * without a round-trip; the shape is public, so this leaks nothing.
 *
 * @example
 * looksLikeToken(generateToken()) // true
 */
export function looksLikeToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * A token's public id (16 base64url chars), unrelated to its secret.
 *
 * @example
 * newTokenId() // 'Zk3v9Q_xY2bA0cLm'
 */
export function newTokenId(): string {
  return randomBytes(12).toString('base64url');
}
