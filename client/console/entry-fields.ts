import * as z from 'zod';
import { EditedEntryRules, EntryCreateInput, EntryKind, EntryPatchInput, type Entry, type Media } from '../../shared/index.js';
import type { EntryCreateBody, EntryPatchBody } from './api.js';

/**
 * What an editor types for an entry's content, as the form holds it: plain strings, empty
 * meaning "none". Shared by the composer and the inline editor.
 */
export const ContentFields = z.object({
  kind: EntryKind,
  title: z.string(),
  body: z.string(),
  attribution: z.string(),
  mediaUrl: z.string(),
  caption: z.string(),
  /** Kept from the entry being edited: the console has no field for it, an edit must not drop it. */
  durationSeconds: z.number().int().min(0).optional(),
});
export type ContentFields = z.infer<typeof ContentFields>;

/** The form fields an issue can point at. */
export type FieldName = 'kind' | 'title' | 'body' | 'attribution' | 'mediaUrl' | 'caption' | 'correction';

export interface FieldProblem {
  field: FieldName | undefined;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const EMPTY_CONTENT: ContentFields = { kind: 'text', title: '', body: '', attribution: '', mediaUrl: '', caption: '' };

/**
 * The form fields of an existing entry, for the inline editor.
 *
 * @example
 * editor.fill(contentOf(entry));
 */
export function contentOf(entry: Entry): ContentFields {
  return {
    kind: entry.kind,
    title: entry.title ?? '',
    body: entry.body,
    attribution: entry.attribution ?? '',
    mediaUrl: entry.media?.url ?? '',
    caption: entry.media?.caption ?? '',
    durationSeconds: entry.media?.durationSeconds,
  };
}

/** True when the editor has typed nothing worth keeping. */
export function isBlank(fields: ContentFields): boolean {
  return fields.title.trim() === '' && fields.body.trim() === '' && fields.attribution.trim() === '' && fields.mediaUrl.trim() === '' && fields.caption.trim() === '';
}

function mediaOf(fields: ContentFields): Media | undefined {
  if (fields.kind !== 'image' && fields.kind !== 'video') return undefined;
  const url = fields.mediaUrl.trim();
  if (url === '') return undefined;
  const caption = fields.caption.trim();
  return {
    url,
    ...(caption !== '' ? { caption } : {}),
    ...(fields.durationSeconds !== undefined && fields.kind === 'video' ? { durationSeconds: fields.durationSeconds } : {}),
  };
}

function attributionOf(fields: ContentFields): string | undefined {
  const attribution = fields.attribution.trim();
  return fields.kind === 'quote' && attribution !== '' ? attribution : undefined;
}

/**
 * The `POST …/entries` body for the fields, checked with the protocol's own schema so the
 * editor sees what is wrong next to the field before anything is sent.
 *
 * @example
 * const checked = createBodyOf(fields, { keyEvent: true, pinned: false });
 * if (checked.ok) await api.createEntry(blogId, checked.value, key);
 */
export function createBodyOf(fields: ContentFields, flags: { keyEvent: boolean; pinned: boolean }): Checked<EntryCreateBody> {
  const title = fields.title.trim();
  const attribution = attributionOf(fields);
  const media = mediaOf(fields);
  const body: EntryCreateBody = {
    kind: fields.kind,
    body: fields.body,
    keyEvent: flags.keyEvent,
    pinned: flags.pinned,
    ...(title !== '' ? { title } : {}),
    ...(attribution !== undefined ? { attribution } : {}),
    ...(media !== undefined ? { media } : {}),
  };
  const parsed = EntryCreateInput.safeParse(body);
  return parsed.success ? { ok: true, value: body } : { ok: false, problems: problemsOf(parsed.error) };
}

/**
 * The `PATCH` body that makes the entry's content exactly `fields` (cleared fields are sent as
 * `null`), edited from `version`. Flags are left alone: they have their own buttons.
 *
 * @example
 * const checked = patchBodyOf(fields, 'Misspelt name corrected', entry.version);
 */
export function patchBodyOf(fields: ContentFields, correction: string, version: number): Checked<EntryPatchBody> {
  const title = fields.title.trim();
  const note = correction.trim();
  const media = mediaOf(fields);
  const attribution = attributionOf(fields);
  const patch: EntryPatchBody = {
    version,
    kind: fields.kind,
    body: fields.body,
    title: title !== '' ? title : null,
    attribution: attribution ?? null,
    media: media ?? null,
    correction: note !== '' ? note : null,
  };
  const parsed = EntryPatchInput.safeParse(patch);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const rules = EditedEntryRules.safeParse({ kind: fields.kind, body: fields.body, media, attribution });
  if (!rules.success) return { ok: false, problems: problemsOf(rules.error) };
  return { ok: true, value: patch };
}

const FIELD_OF: Record<string, FieldName> = {
  kind: 'kind',
  title: 'title',
  body: 'body',
  attribution: 'attribution',
  media: 'mediaUrl',
  'media.url': 'mediaUrl',
  'media.caption': 'caption',
  correction: 'correction',
};

/**
 * The schema's issues as messages for the form's fields.
 *
 * @example
 * problemsOf(error); // [{ field: 'mediaUrl', message: 'must be an https:// URL' }]
 */
export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: FIELD_OF[issue.path.map(String).join('.')], message: friendly(issue.message) }));
}

/** Server-side `validation_failed` issues (`details.issues`), mapped the same way. */
export const ServerIssues = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) });

/**
 * The field problems of a server's `validation_failed` answer.
 *
 * @example
 * problemsOfDetails(failure.details);
 */
export function problemsOfDetails(details: unknown): FieldProblem[] {
  const parsed = ServerIssues.safeParse(details);
  if (!parsed.success) return [];
  return parsed.data.issues.map((issue) => ({ field: FIELD_OF[issue.path], message: friendly(issue.message) }));
}

function friendly(message: string): string {
  if (message === 'must not be empty for kind "text"' || message === 'must not be empty for kind "quote"') return 'Write something first.';
  if (message === 'required for kind "image"') return 'An image needs its https:// address.';
  if (message === 'required for kind "video"') return 'A video needs its https:// address.';
  return message.charAt(0).toUpperCase() + message.slice(1);
}
