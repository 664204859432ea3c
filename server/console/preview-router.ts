import { Router, type RequestHandler } from 'express';
import { principalOf } from '../auth/auth-guard.js';
import { renderMarkdown } from '../domain/render-markdown.js';
import type { Logger } from '../log/logger.js';
import { bodyOf } from '../rest/validate.js';
import { PreviewRequest, type PreviewResult } from '../../shared/protocol/preview.js';

export interface PreviewRouterDeps {
  /** The auth guard's editor check: a preview is part of writing, and doubles as the console's token check. */
  requireEditor: RequestHandler;
  /** The per-token preview limit, after `requireEditor`. */
  limit: RequestHandler;
  logger: Logger;
}

/**
 * `POST /preview` (mount under `/api`, after `jsonBody()`): renders Markdown with the very
 * function entries are stored with, so the console's preview is what readers will get.
 * Stores nothing and publishes nothing. An empty body is a cheap way to check a token.
 *
 * @example
 * app.use('/api', jsonBody());
 * app.use('/api', createPreviewRouter({ requireEditor: guard.requireEditor, limit: limits.previews, logger }));
 */
export function createPreviewRouter(deps: PreviewRouterDeps): Router {
  const log = deps.logger.child({ module: 'preview' });
  const router = Router();
  router.post('/preview', deps.requireEditor, deps.limit, (req, res) => {
    const { body } = bodyOf(req, PreviewRequest);
    const principal = principalOf(res);
    log.debug({ by: principal.name, chars: body.length }, 'preview rendered');
    const result: PreviewResult = { html: renderMarkdown(body), author: { name: principal.name } };
    res.set('Cache-Control', 'no-store').json(result);
  });
  return router;
}
