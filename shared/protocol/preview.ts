import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { Author } from '../schemas/entry.js';

/**
 * `POST /api/preview` body: the Markdown an editor is composing. Same limit as an entry's body.
 */
export const PreviewRequest = z.strictObject({ body: z.string().max(LIMITS.bodyMaxLength) });
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/**
 * `POST /api/preview` (200): `html` is exactly what a stored entry with that body would carry,
 * `author` is who the token writes as (the console shows it as "signed in as" and in the byline).
 */
export const PreviewResult = z.object({ html: z.string(), author: Author });
export type PreviewResult = z.infer<typeof PreviewResult>;
