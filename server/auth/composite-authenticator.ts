import { silentLogger, type Logger } from '../log/logger.js';
import type { Authenticator, TokenPrincipal } from './principal.js';
import type { TokenStore } from './token-store.js';

/**
 * The service's authenticator: the admin token first (no store round-trip), then the token
 * store. A store token's use is recorded (`touch`, throttled by the store); a failed touch is
 * logged, not fatal, since the token itself was verified. Store outages while verifying
 * propagate as `AppError('store_unavailable')` (503), not as a 401 that would look like a bad token.
 *
 * @example
 * const authenticator = new CompositeAuthenticator(new AdminTokenAuthenticator(adminToken), tokens, logger);
 */
export class CompositeAuthenticator implements Authenticator {
  private readonly log: Logger;

  constructor(
    private readonly admin: Authenticator,
    private readonly tokens: TokenStore,
    logger: Logger = silentLogger(),
  ) {
    this.log = logger.child({ module: 'authenticator' });
  }

  async authenticate(token: string): Promise<TokenPrincipal | null> {
    const asAdmin = await this.admin.authenticate(token);
    if (asAdmin !== null) return asAdmin;
    const record = await this.tokens.verify(token);
    if (record === null) return null;
    try {
      await this.tokens.touch(record.id);
    } catch (err) {
      this.log.warn({ err, tokenId: record.id }, 'could not record a token use');
    }
    return { name: record.name, role: record.role, tokenId: record.id };
  }
}
