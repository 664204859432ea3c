import { Router } from 'express';
import { z } from 'zod';
import { BlogId, LIMITS } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import { publicOrigin } from '../pages/public-origin.js';
import type { EventStore } from '../store/event-store.js';
import { renderAtomFeed } from './atom.js';

export interface FeedRouterOptions {
  store: EventStore;
  /** The public base URL (`PUBLIC_URL`) for links; see `publicOrigin`. */
  publicUrl?: string;
}

const Params = z.object({ blogId: BlogId });
/** Feed readers poll; a short shared cache spares the store without making the feed stale. */
const CACHE_CONTROL = 'public, max-age=15';

/**
 * `GET /blogs/:blogId/feed.atom`: the latest page of entries (50) as Atom 1.0.
 * 404 `blog_not_found` for an unknown (or impossible) blog id. Mounted at the root, outside `/api`.
 *
 * @example
 * app.use(createFeedRouter({ store, publicUrl: config.PUBLIC_URL }));
 */
export function createFeedRouter({ store, publicUrl }: FeedRouterOptions): Router {
  const router = Router();

  router.get('/blogs/:blogId/feed.atom', async (req, res) => {
    const params = Params.safeParse(req.params);
    // an id no blog can have names no blog: the same answer as an unknown one
    if (!params.success) throw new AppError('blog_not_found', 'no such blog');
    const { blogId } = params.data;
    const page = await store.snapshot(blogId, { limit: LIMITS.pageSizeDefault });
    if (page === null) throw new AppError('blog_not_found', `no blog "${blogId}"`);
    const xml = renderAtomFeed({ blog: page.blog, entries: page.entries, baseUrl: publicOrigin(req, publicUrl) });
    res.status(200).set('Content-Type', 'application/atom+xml; charset=utf-8').set('Cache-Control', CACHE_CONTROL).send(xml);
  });

  return router;
}
