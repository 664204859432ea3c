import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { BlogId, EntryCreateInput, EntryId, EntryPatchInput, type EntryWriteResult } from '../../shared/index.js';
import { principalOf } from '../auth/auth-guard.js';
import type { BlogService } from '../domain/blog-service.js';
import type { Logger } from '../log/logger.js';
import { bodyOf, idempotencyKeyOf, paramsOf } from './validate.js';
import { sendDeleted, sendWritten } from './write-answer.js';

export interface EntryRoutesDeps {
  service: BlogService;
  /** What a write passes first: the editor check, then the per-token write limit. */
  writer: RequestHandler[];
  log: Logger;
}

const BlogParams = z.object({ blogId: BlogId });
const EntryParams = z.object({ blogId: BlogId, entryId: EntryId });

/**
 * Entry writes, all for editors: create (with optional `Idempotency-Key`), edit (optimistic,
 * by `version`), delete. Each answers 202 instead when the write is stored but not yet replicated.
 *
 * @example
 * router.use(createEntryRoutes({ service, writer, log }));
 */
export function createEntryRoutes({ service, writer, log }: EntryRoutesDeps): Router {
  const router = Router();

  router.post('/blogs/:blogId/entries', ...writer, async (req, res) => {
    const { blogId } = paramsOf(req, BlogParams);
    const idempotencyKey = idempotencyKeyOf(req);
    const input = bodyOf(req, EntryCreateInput);
    const principal = principalOf(res);
    const written = await service.createEntry(blogId, input, principal, idempotencyKey);
    const { entry, position, replayed } = written;
    log.info({ blogId, entryId: entry.id, by: principal.name, seq: position.seq, replayed }, 'entry created');
    // a replay answers exactly like the first success, so a retrying client needs no special case
    if (replayed) res.set('Idempotent-Replayed', 'true');
    const body: EntryWriteResult = { entry, position };
    sendWritten(res.location(`${req.baseUrl}/blogs/${blogId}/entries/${entry.id}`), 201, written, body);
  });

  router.patch('/blogs/:blogId/entries/:entryId', ...writer, async (req, res) => {
    const { blogId, entryId } = paramsOf(req, EntryParams);
    const patch = bodyOf(req, EntryPatchInput);
    const principal = principalOf(res);
    const written = await service.updateEntry(blogId, entryId, patch, principal);
    const { entry, position } = written;
    log.info({ blogId, entryId, by: principal.name, version: entry.version, seq: position.seq }, 'entry updated');
    const body: EntryWriteResult = { entry, position };
    sendWritten(res, 200, written, body);
  });

  router.delete('/blogs/:blogId/entries/:entryId', ...writer, async (req, res) => {
    const { blogId, entryId } = paramsOf(req, EntryParams);
    const written = await service.deleteEntry(blogId, entryId);
    log.info({ blogId, entryId, by: principalOf(res).name, seq: written.position.seq }, 'entry deleted');
    sendDeleted(res, written);
  });

  return router;
}
