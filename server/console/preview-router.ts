import { Router, type RequestHandler } from 'express';
import { principalOf } from '../auth/auth-guard.js';
import type { Renderer } from '../domain/renderer.js';
import type { Logger } from '../log/logger.js';
import { bodyOf } from '../rest/validate.js';
import { PreviewRequest, type PreviewResult } from '../../shared/protocol/preview.js';

export interface PreviewRouterDeps {
  /** The auth guard's editor check: a preview is part of writing, and doubles as the console's token check. */
  requireEditor: RequestHandler;
  /** The per-token preview limit, after `requireEditor`. */
  limit: RequestHandler;
  logger: Logger;
  /** The same renderer entries are stored with. */
  renderer: Renderer;
}

/**
 * `POST /preview` (mount under `/api`, after `jsonBody()`): renders Markdown with the very
 * renderer entries are stored with, so the console's preview is what readers will get
 * (and a body too complex to store is refused here the same way, 422 `body_too_complex`).
 * Stores nothing and publishes nothing. An empty body is a cheap way to check a token.
 *
 * @example
 * app.use('/api', jsonBody());
 * app.use('/api', createPreviewRouter({ requireEditor: guard.requireEditor, limit: limits.previews, logger, renderer }));
 */
export function createPreviewRouter(deps: PreviewRouterDeps): Router {
  const log = deps.logger.child({ module: 'preview' });
  const router = Router();
  router.post('/preview', deps.requireEditor, deps.limit, async (req, res) => {
    const { body } = bodyOf(req, PreviewRequest);
    const principal = principalOf(res);
    const html = await deps.renderer.render(body);
    log.debug({ by: principal.name, chars: body.length }, 'preview rendered');
    const result: PreviewResult = { html, author: { name: principal.name } };
    res.set('Cache-Control', 'no-store').json(result);
  });
  return router;
}
