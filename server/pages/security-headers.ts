import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The policy of every answer that is not one of our pages (JSON, the Atom feed, errors, files):
 * nothing may load or frame it. Pages and the console replace it with their own policy.
 */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The security headers of every answer, set first so that API answers, 401/404/errors, the feed,
 * health checks, files, pages and the console all carry them: helmet's defaults
 * (`X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN`, `Referrer-Policy: no-referrer`,
 * `Cross-Origin-Opener-Policy` and `-Resource-Policy: same-origin`, `Strict-Transport-Security`,
 * `X-DNS-Prefetch-Control`, `X-Permitted-Cross-Domain-Policies`…) and `NON_PAGE_CSP`, which pages
 * and the console replace with their own. HSTS leaves out `includeSubDomains`: whether the
 * newsroom's other hosts are https-only is not this service's to declare.
 *
 * The policies stay written out here rather than going through helmet's CSP middleware: there
 * are three fixed strings (everything else, reader pages, the console), built once, which tests
 * compare verbatim; helmet would only serialize the same directives again on every request, and
 * its defaults (`upgrade-insecure-requests`) would break plain-http deployments.
 *
 * @example
 * app.use(securityHeaders());
 */
export function securityHeaders(): RequestHandler {
  const shared = helmet({ contentSecurityPolicy: false, strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false } });
  return (req, res, next) => {
    shared(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      res.setHeader('Content-Security-Policy', NON_PAGE_CSP);
      next();
    });
  };
}

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
 * Headers of every reader page on top of `securityHeaders()`: the page policy, a referrer that
 * tells linked sites where readers came from, and `no-cache` so a reader coming back revalidates
 * instead of starting from a stale position.
 *
 * @example
 * router.get('/', pageHeaders, handler);
 */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': PAGE_CSP,
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cache-Control': 'no-cache',
  });
  next();
};
