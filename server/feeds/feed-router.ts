import { Router, type Request } from 'express';
import { z } from 'zod';
import { BlogId, LIMITS } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { EventStore } from '../store/event-store.js';
import { renderAtomFeed } from './atom.js';

export interface FeedRouterOptions {
  store: EventStore;
  /** The public base URL (`PUBLIC_URL`); without it links are built from the request's protocol and host. */
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
  const fixedBase = publicUrl === undefined ? undefined : publicUrl.replace(/\/+$/, '');

  router.get('/blogs/:blogId/feed.atom', async (req, res) => {
    const params = Params.safeParse(req.params);
    // an id no blog can have names no blog: the same answer as an unknown one
    if (!params.success) throw new AppError('blog_not_found', 'no such blog');
    const { blogId } = params.data;
    const page = await store.snapshot(blogId, { limit: LIMITS.pageSizeDefault });
    if (page === null) throw new AppError('blog_not_found', `no blog "${blogId}"`);
    const xml = renderAtomFeed({ blog: page.blog, entries: page.entries, baseUrl: fixedBase ?? requestBase(req) });
    res.status(200).set('Content-Type', 'application/atom+xml; charset=utf-8').set('Cache-Control', CACHE_CONTROL).send(xml);
  });

  return router;
}

/** A host[:port] as a browser sends it; anything else is not put into links. */
const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** `http://host:port` as the client addressed this service (honours X-Forwarded-* when `trust proxy` is on). */
function requestBase(req: Request): string {
  const host = req.get('host');
  return `${req.protocol}://${host !== undefined && HOST.test(host) ? host : 'localhost'}`;
}
