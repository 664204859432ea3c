import type { Request } from 'express';

/** A host[:port] as a browser sends it; anything else is never put into links. */
const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/**
 * The origin for absolute links (canonical URL, `og:url`, JSON-LD, feed links): `PUBLIC_URL` when
 * set, as it must be in production (config refuses to start without it), so a forged `Host` can
 * never end up in a page a shared cache keeps. Without it (development), the request's protocol
 * and host, and `localhost` for a host header that is not a plain host name.
 *
 * @example
 * publicOrigin(req, 'https://live.example.com/'); // 'https://live.example.com'
 */
export function publicOrigin(req: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  const host = req.get('host');
  return `${req.protocol}://${host !== undefined && HOST.test(host) ? host : 'localhost'}`;
}
