import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { BlogId, Cursor, type Blog } from '../../shared/index.js';
import { isStoreUnavailable } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { EventStore } from '../store/event-store.js';
import { AssetManifest, defaultAssetsDir } from './asset-manifest.js';
import { blogPageHtml } from './blog-page.js';
import { errorPage, type PageErrorKind } from './error-page.js';
import { homePageHtml, type BlogListing } from './home-page.js';
import { ASSETS_PATH } from './layout.js';
import { OutsideEntries } from './outside-entries.js';
import { publicOrigin } from './public-origin.js';
import { pageHeaders } from './security-headers.js';

export interface PageRouterOptions {
  store: EventStore;
  logger: Logger;
  /** Where `client/build.ts` wrote the reader's assets; default `dist/assets` of this package. */
  assetsDir?: string;
  /** The public origin (e.g. `https://live.example.com`) for canonical URLs; see `publicOrigin`. */
  publicUrl?: string;
}

/** Entries in the server-rendered page: enough to fill two screens, small enough to paint fast. */
export const PAGE_ENTRIES = 20;

const BlogParams = z.object({ blogId: z.string() });
const PageQuery = z.object({ cursor: Cursor.optional() });

/** Hashed file names never change content, so browsers may keep them for a year. */
const HASHED = /-[A-Z0-9]{8,}\.(js|css)$/;

/**
 * The reader-facing HTML: `/` (the list of blogs), `/blogs/:blogId` (the live page, `?cursor=`
 * for older pages without JavaScript) and the static `/assets/`.
 *
 * @example
 * app.use(createPageRouter({ store, logger }));
 */
export function createPageRouter(options: PageRouterOptions): Router {
  const { store } = options;
  const log = options.logger.child({ module: 'pages' });
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const manifest = new AssetManifest(assetsDir, log);
  const outside = new OutsideEntries(store);
  const router = Router();

  router.use(
    ASSETS_PATH,
    express.static(assetsDir, {
      index: false,
      setHeaders(res, path) {
        res.set('Cache-Control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );

  const fail = async (res: Response, kind: PageErrorKind): Promise<void> => {
    const { status, html } = errorPage(kind, await manifest.current());
    if (kind === 'unavailable') res.set('Retry-After', '5');
    res.status(status).type('html').send(html);
  };

  const guarded =
    (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    async (req, res) => {
      try {
        await handler(req, res);
      } catch (err) {
        if (isStoreUnavailable(err)) {
          log.warn({ err, path: req.path }, 'page not rendered: store unavailable');
        } else {
          log.error({ err, path: req.path }, 'page not rendered');
        }
        if (!res.headersSent) await fail(res, 'unavailable');
      }
    };

  router.get(
    '/',
    pageHeaders,
    guarded(async (_req, res) => {
      const blogs = await store.listBlogs();
      const listings = await Promise.all(blogs.map((blog) => listingOf(store, blog)));
      res.type('html').send(homePageHtml({ listings, now: new Date(), assets: await manifest.current() }));
    }),
  );

  router.get(
    '/blogs/:blogId',
    pageHeaders,
    guarded(async (req, res) => {
      const blogId = BlogId.safeParse(BlogParams.parse(req.params).blogId);
      if (!blogId.success) return fail(res, 'not_found');
      const query = PageQuery.safeParse(req.query);
      if (!query.success) return fail(res, 'bad_request');
      const cursor = query.data.cursor;

      const page = await store.snapshot(blogId.data, cursor === undefined ? { limit: PAGE_ENTRIES } : { limit: PAGE_ENTRIES, cursor });
      if (page === null) return fail(res, 'not_found');
      const extras = cursor === undefined ? await outside.find(blogId.data, page) : [];
      const html = blogPageHtml({
        page,
        extras,
        pageUrl: `${publicOrigin(req, options.publicUrl)}/blogs/${encodeURIComponent(page.blog.id)}`,
        view: cursor === undefined ? { kind: 'live' } : { kind: 'archive', cursor },
        now: new Date(),
        assets: await manifest.current(),
      });
      res.type('html').send(html);
    }),
  );

  return router;
}

/** A blog for the list, dated by its newest entry when that is later than its header (live blogs only: an ended one is dated by its end). */
async function listingOf(store: EventStore, blog: Blog): Promise<BlogListing> {
  if (blog.status === 'ended') return { blog, lastUpdated: blog.coverageEndTime ?? blog.updatedAt };
  const newest = await store.snapshot(blog.id, { limit: 1 });
  const entryTime = newest?.entries[0]?.updatedAt;
  return { blog, lastUpdated: entryTime !== undefined && entryTime > blog.updatedAt ? entryTime : blog.updatedAt };
}
