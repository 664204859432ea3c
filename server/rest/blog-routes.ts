import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  BlogCreateInput,
  BlogId,
  BlogPageQuery,
  BlogPatchInput,
  EventsQuery,
  type BlogList,
  type BlogPage,
  type BlogWriteResult,
  type EventsResult,
} from '../../shared/index.js';
import { principalOf } from '../auth/auth-guard.js';
import { blogPage, eventsAfter, listBlogs } from '../domain/blog-queries.js';
import type { BlogService } from '../domain/blog-service.js';
import type { Logger } from '../log/logger.js';
import type { EventStore } from '../store/event-store.js';
import { bodyOf, paramsOf, queryOf } from './validate.js';
import { sendWritten } from './write-answer.js';

export interface BlogRoutesDeps {
  store: EventStore;
  service: BlogService;
  /** What a write passes first: the editor check, then the per-token write limit. */
  writer: RequestHandler[];
  log: Logger;
}

const BlogParams = z.object({ blogId: BlogId });

/**
 * Blog headers, pages and catch-up: `/blogs`, `/blogs/:blogId`, `/blogs/:blogId/events`.
 * Reads are public; writes need an editor token.
 *
 * @example
 * router.use(createBlogRoutes({ store, service, writer, log }));
 */
export function createBlogRoutes({ store, service, writer, log }: BlogRoutesDeps): Router {
  const router = Router();

  router.get('/blogs', async (_req, res) => {
    const body: BlogList = { blogs: await listBlogs(store) };
    res.json(body);
  });

  router.post('/blogs', ...writer, async (req, res) => {
    const input = bodyOf(req, BlogCreateInput);
    const principal = principalOf(res);
    const written = await service.createBlog(input, principal);
    const { blog, position } = written;
    log.info({ blogId: blog.id, by: principal.name, seq: position.seq }, 'blog created');
    const body: BlogWriteResult = { blog, position };
    sendWritten(res.location(`${req.baseUrl}/blogs/${blog.id}`), 201, written, body);
  });

  router.get('/blogs/:blogId', async (req, res) => {
    const { blogId } = paramsOf(req, BlogParams);
    const query = queryOf(req, BlogPageQuery);
    const page: BlogPage = await blogPage(store, blogId, query);
    res.json(page);
  });

  router.patch('/blogs/:blogId', ...writer, async (req, res) => {
    const { blogId } = paramsOf(req, BlogParams);
    const patch = bodyOf(req, BlogPatchInput);
    const written = await service.updateBlog(blogId, patch);
    const { blog, position } = written;
    log.info({ blogId, by: principalOf(res).name, status: blog.status, seq: position.seq }, 'blog updated');
    const body: BlogWriteResult = { blog, position };
    sendWritten(res, 200, written, body);
  });

  router.get('/blogs/:blogId/events', async (req, res) => {
    const { blogId } = paramsOf(req, BlogParams);
    const from = queryOf(req, EventsQuery);
    const catchUp = await eventsAfter(store, blogId, from);
    // the store's `reset: false` is an internal discriminant; the REST shape tells the cases apart by `events`
    const body: EventsResult = catchUp.reset
      ? { position: catchUp.position, reset: true, snapshot: catchUp.snapshot }
      : { position: catchUp.position, events: catchUp.events };
    res.json(body);
  });

  return router;
}
