import type { RequestHandler } from 'express';

/**
 * The policy of our HTML pages (reader pages and the console): only our own script, no inline
 * JavaScript (JSON data blocks are not executed, so CSP allows them), media from https only
 * (entries are https-only by schema), and the socket on our own origin ('self' covers ws:/wss:
 * of the same host). Pages differ only in who may frame them.
 *
 * @example
 * res.set('Content-Security-Policy', contentSecurityPolicy("'none'"));
 */
export function contentSecurityPolicy(frameAncestors: "'self'" | "'none'"): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    'media-src https:',
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** Reader pages may be framed by our own origin only. */
export const PAGE_CSP = contentSecurityPolicy("'self'");

/**
 * Headers of every HTML page: CSP, no sniffing, a modest referrer, and `no-cache` so a
 * reader coming back revalidates instead of starting from a stale position.
 *
 * @example
 * router.get('/', pageHeaders, handler);
 */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cache-Control': 'no-cache',
  });
  next();
};
