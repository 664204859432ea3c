import { Router, type RequestHandler } from 'express';
import { createBlogService } from '../domain/blog-service.js';
import type { Renderer } from '../domain/renderer.js';
import type { Logger } from '../log/logger.js';
import type { EventStore } from '../store/event-store.js';
import { createBlogRoutes } from './blog-routes.js';
import { createEntryRoutes } from './entry-routes.js';

export interface RestRouterDeps {
  store: EventStore;
  /** The auth guard's handlers. No route here is admin-only today; token administration lives in the auth router. */
  auth: { requireEditor: RequestHandler; requireAdmin: RequestHandler };
  /** The per-token write limit, run after `requireEditor` on every write. */
  limitWrites: RequestHandler;
  logger: Logger;
  /** Renders entry bodies off the main thread; the application's one pool. */
  renderer: Renderer;
  /** Clock for timestamps; tests pin it. */
  now?: () => Date;
}

/**
 * The editors' and readers' REST API, mounted at `/api` after `jsonBody()` and followed by
 * `notFoundHandler` and `errorHandler`. Every answer is dynamic, so none may be cached.
 *
 * @example
 * app.use('/api', jsonBody());
 * app.use('/api', createRestRouter({ store, auth: guard, limitWrites: limits.writes, logger, renderer }));
 * app.use(notFoundHandler);
 * app.use(errorHandler(logger));
 */
export function createRestRouter(deps: RestRouterDeps): Router {
  const log = deps.logger.child({ module: 'rest' });
  const service = createBlogService({ store: deps.store, render: (body) => deps.renderer.render(body), now: deps.now });
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // every write is counted against its token once authenticated
  const writer = [deps.auth.requireEditor, deps.limitWrites];
  router.use(createBlogRoutes({ store: deps.store, service, writer, log }));
  router.use(createEntryRoutes({ service, writer, log }));
  return router;
}
