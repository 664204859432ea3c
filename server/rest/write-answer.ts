import type { Response } from 'express';
import type { DeleteWarningResult, WriteWarning } from '../../shared/index.js';
import type { Replicated } from '../store/event-store.js';

/** A write that is stored but not yet where it was asked to be (see `WriteWarning` in shared/protocol). */
export const WRITE_WARNING_STATUS = 202;

/**
 * The answer's warning for a write, undefined when it is done as asked.
 *
 * @example
 * writeWarningOf({ notReplicated: { replicas: 0, wanted: 1 } }) // { code: 'not_replicated', replicas: 0, wanted: 1 }
 */
export function writeWarningOf(written: Replicated): WriteWarning | undefined {
  return written.notReplicated === undefined ? undefined : { code: 'not_replicated', ...written.notReplicated };
}

/**
 * Sends a write's JSON answer: `status` (200, 201) when it is done as asked, else 202 with the same
 * body plus `replication`, so a client that only checks for 2xx still reads the entry.
 *
 * @example
 * sendWritten(res, 201, written, { entry, position });
 */
export function sendWritten(res: Response, status: 200 | 201, written: Replicated, body: object): void {
  const replication = writeWarningOf(written);
  if (replication === undefined) res.status(status).json(body);
  else res.status(WRITE_WARNING_STATUS).json({ ...body, replication });
}

/**
 * Sends a delete's answer: 204, or 202 with `{ replication }`.
 *
 * @example
 * sendDeleted(res, await service.deleteEntry(blogId, entryId));
 */
export function sendDeleted(res: Response, written: Replicated): void {
  const replication = writeWarningOf(written);
  if (replication === undefined) {
    res.status(204).end();
    return;
  }
  const body: DeleteWarningResult = { replication };
  res.status(WRITE_WARNING_STATUS).json(body);
}
