import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import { queryOf } from '../rest/validate.js';
import { defaultAssetsDir } from '../pages/asset-manifest.js';
import { contentSecurityPolicy } from '../pages/security-headers.js';
import { CONSOLE_FILES, ConsoleAssets, type ConsoleFile } from './console-assets.js';
import { CONSOLE_ASSETS_PATH, consoleShellHtml } from './console-page.js';

export interface ConsoleRouterOptions {
  logger: Logger;
  /** Where `buildConsoleAssets` wrote `console.js` and `console.css`; default `dist/assets` of this package. */
  assetsDir?: string;
}

/** The console is never framed: an editing tool inside someone else's page is a clickjacking target. */
export const CONSOLE_CSP = contentSecurityPolicy("'none'");

const consoleHeaders: RequestHandler = (_req, res, next) => {
  // on top of securityHeaders(): the console's own policy, and no framing at all
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  });
  next();
};

const AssetQuery = z.object({ v: z.string().optional() });

/**
 * `GET /console` (the editors' web console, a single page that signs in with a token) and
 * its two files under `/console/assets/`. A request whose `?v=` names the current build may
 * be cached for good; any other is revalidated.
 *
 * @example
 * app.use(createConsoleRouter({ logger, assetsDir }));
 */
export function createConsoleRouter(options: ConsoleRouterOptions): Router {
  const log = options.logger.child({ module: 'console' });
  const assets = new ConsoleAssets(options.assetsDir ?? defaultAssetsDir(), log);
  const router = Router();

  router.get('/console', consoleHeaders, async (_req, res) => {
    const versions = await assets.versions();
    res.status(versions === undefined ? 503 : 200).type('html').send(consoleShellHtml(versions));
  });

  const serve =
    (file: ConsoleFile, kind: 'js' | 'css'): RequestHandler =>
    async (req, res, next) => {
      const versions = await assets.versions();
      if (versions === undefined) return next();
      const { v } = queryOf(req, AssetQuery);
      res.set('Cache-Control', v === versions[kind] ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.type(kind === 'js' ? 'text/javascript' : 'text/css');
      res.sendFile(assets.pathOf(file), (err) => {
        if (err !== undefined && !res.headersSent) next(err);
      });
    };
  router.get(`${CONSOLE_ASSETS_PATH}/${CONSOLE_FILES.js}`, serve(CONSOLE_FILES.js, 'js'));
  router.get(`${CONSOLE_ASSETS_PATH}/${CONSOLE_FILES.css}`, serve(CONSOLE_FILES.css, 'css'));
  return router;
}
