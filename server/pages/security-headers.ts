import type { RequestHandler } from 'express';

/**
 * The reader pages run only our own script: no inline JavaScript (the JSON data blocks are not
 * executed, so CSP allows them), media from https only (entries are https-only by schema), and
 * the socket on our own origin ('self' covers ws:/wss: of the same host).
 */
export const PAGE_CSP = [
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
  "frame-ancestors 'self'",
].join('; ');

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
