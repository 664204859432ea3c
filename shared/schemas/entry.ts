import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { BlogId, EntryId, Timestamp } from './ids.js';

export const EntryKind = z.enum(['text', 'quote', 'image', 'video']);
export type EntryKind = z.infer<typeof EntryKind>;

/** Media are embedded by readers' browsers, so only https is accepted. */
const HttpsUrl = z
  .url({ protocol: /^https$/, message: 'must be an https:// URL' })
  .max(LIMITS.mediaUrlMaxLength);

export const Media = z.strictObject({
  url: HttpsUrl,
  caption: z.string().trim().max(LIMITS.captionMaxLength).optional(),
  durationSeconds: z.number().int().min(0).max(24 * 3600).optional(),
});
export type Media = z.infer<typeof Media>;

export const Author = z.object({ name: z.string().min(1).max(LIMITS.authorNameMaxLength) });
export type Author = z.infer<typeof Author>;

const Subheading = z.string().trim().min(1).max(LIMITS.titleMaxLength);
const Body = z.string().max(LIMITS.bodyMaxLength);
const Attribution = z.string().trim().min(1).max(LIMITS.attributionMaxLength);
const Correction = z.string().trim().min(1).max(LIMITS.correctionMaxLength);

/** One entry of a live blog, as stored and as sent to readers. `html` is sanitized on write. */
export const Entry = z.object({
  id: EntryId,
  blogId: BlogId,
  kind: EntryKind,
  title: Subheading.optional(),
  body: Body,
  html: z.string(),
  attribution: Attribution.optional(),
  media: Media.optional(),
  keyEvent: z.boolean(),
  pinned: z.boolean(),
  author: Author,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int().min(1),
  correction: Correction.optional(),
});
export type Entry = z.infer<typeof Entry>;

/** Cross-field rules shared by create and the result of an edit. */
function checkKindFields(
  e: { kind?: EntryKind | undefined; body?: string | undefined; media?: Media | undefined; attribution?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((e.kind === 'image' || e.kind === 'video') && e.media === undefined) {
    ctx.addIssue({ code: 'custom', path: ['media'], message: `required for kind "${e.kind}"` });
  }
  if ((e.kind === 'text' || e.kind === 'quote') && e.body !== undefined && e.body.trim() === '') {
    ctx.addIssue({ code: 'custom', path: ['body'], message: `must not be empty for kind "${e.kind}"` });
  }
  if (e.kind !== undefined && e.kind !== 'quote' && e.attribution !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['attribution'], message: 'only quotes carry an attribution' });
  }
}

/** `POST /api/blogs/:blogId/entries` body. The author comes from the token, never from the body. */
export const EntryCreateInput = z
  .strictObject({
    kind: EntryKind.default('text'),
    title: Subheading.optional(),
    body: Body.default(''),
    attribution: Attribution.optional(),
    media: Media.optional(),
    keyEvent: z.boolean().default(false),
    pinned: z.boolean().default(false),
  })
  .superRefine(checkKindFields);
export type EntryCreateInput = z.infer<typeof EntryCreateInput>;

/**
 * `PATCH /api/blogs/:blogId/entries/:entryId` body: the `version` being edited plus the fields to change.
 * `null` clears an optional field.
 */
export const EntryPatchInput = z.strictObject({
  version: z.number().int().min(1),
  kind: EntryKind.optional(),
  title: Subheading.nullable().optional(),
  body: Body.optional(),
  attribution: Attribution.nullable().optional(),
  media: Media.nullable().optional(),
  keyEvent: z.boolean().optional(),
  pinned: z.boolean().optional(),
  correction: Correction.nullable().optional(),
});
export type EntryPatchInput = z.infer<typeof EntryPatchInput>;

/** Re-checks an edited entry against the kind rules (an edit may change kind or clear media). */
export const EditedEntryRules = z
  .object({ kind: EntryKind, body: Body, media: Media.optional(), attribution: Attribution.optional() })
  .superRefine(checkKindFields);
