import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { BlogEvent } from '../../shared/index.js';

type EntryCreated = Extract<BlogEvent, { type: 'entry.created' }>;
import { renderMarkdown } from '../../server/domain/render-markdown.js';

/** What the publisher POSTs to the reference servers: the same body it sends the service. */
export const ReferenceEntryInput = z.object({ body: z.string().min(1).max(20_000), title: z.string().max(300).optional() });
export type ReferenceEntryInput = z.infer<typeof ReferenceEntryInput>;

/** Both reference servers stamp events in one epoch per process; readers only compare seqs. */
export const REFERENCE_EPOCH = 'bench';

/**
 * Builds the same `entry.created` event (fields, rendering, size) the service publishes, so all
 * three servers fan out equal payloads.
 *
 * @example
 * const event = referenceEvent('bench-blog', 2, { body: 'Hello' });
 */
export function referenceEvent(blogId: string, seq: number, input: ReferenceEntryInput): EntryCreated {
  const at = new Date().toISOString();
  return {
    blogId,
    epoch: REFERENCE_EPOCH,
    seq,
    at,
    type: 'entry.created',
    entry: {
      id: `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`,
      blogId,
      kind: 'text',
      ...(input.title !== undefined ? { title: input.title } : {}),
      body: input.body,
      html: renderMarkdown(input.body),
      keyEvent: false,
      pinned: false,
      author: { name: 'Bench editor' },
      createdAt: at,
      updatedAt: at,
      version: 1,
    },
  };
}

/** Port from `PORT`, parsed like the service does. */
export function portFromEnv(): number {
  return z.coerce.number().int().min(1).max(65_535).parse(process.env.PORT);
}
