import { createHash, timingSafeEqual } from 'node:crypto';
import type { Authenticator, TokenPrincipal } from './principal.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Accepts the configured `ADMIN_TOKEN` as the principal `{ name: 'admin', role: 'admin', tokenId: 'admin' }`
 * (issued token ids are 16 characters, so `admin` is never one of them).
 * Both sides are hashed before `timingSafeEqual`, so neither the bytes nor the length of
 * the secret can be learned from response times.
 *
 * @example
 * const admin = new AdminTokenAuthenticator(config.ADMIN_TOKEN);
 * await admin.authenticate(bearer); // { name: 'admin', role: 'admin', tokenId: 'admin' } or null
 */
export class AdminTokenAuthenticator implements Authenticator {
  private readonly expected: Buffer;

  constructor(adminToken: string) {
    // an empty secret would match an empty guess; config already demands 16+ characters
    if (adminToken.length === 0) throw new Error('the admin token must not be empty');
    this.expected = digest(adminToken);
  }

  async authenticate(token: string): Promise<TokenPrincipal | null> {
    return timingSafeEqual(digest(token), this.expected) ? { name: 'admin', role: 'admin', tokenId: 'admin' } : null;
  }
}
