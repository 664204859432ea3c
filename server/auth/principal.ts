import { z } from 'zod';

export const Role = z.enum(['editor', 'admin']);
export type Role = z.infer<typeof Role>;

/** Who made a request: the token's name becomes the author of the entries they write. */
export interface Principal {
  name: string;
  role: Role;
}

/**
 * A principal authenticated by a bearer token, with that token's public id: what per-token limits
 * count against (`admin` for the ADMIN_TOKEN). Never the secret.
 */
export interface TokenPrincipal extends Principal {
  tokenId: string;
}

/** Turns a bearer token into a principal; null when the token is unknown or revoked. */
export interface Authenticator {
  authenticate(token: string): Promise<TokenPrincipal | null>;
}
