import * as z from 'zod';
import { LIMITS } from '../../shared/index.js';
import { ContentFields, EMPTY_CONTENT, isBlank } from './entry-fields.js';

/**
 * The composer's draft. `key` is its `Idempotency-Key`: made with the draft and kept until the
 * draft is published, so every retry of this draft (double click, reload, network error) is the
 * same request to the server, which stores it once. `queued` says the editor asked to publish
 * and no answer has confirmed it yet (publishing resumes after a reload or when back online).
 */
export const Draft = ContentFields.extend({
  key: z.string().min(1).max(LIMITS.idempotencyKeyMaxLength),
  keyEvent: z.boolean(),
  pinned: z.boolean(),
  queued: z.boolean(),
  /** Who asked to publish it: after a reload, a queued draft goes out only under the same name. */
  queuedBy: z.string().optional(),
});
export type Draft = z.infer<typeof Draft>;

/**
 * A fresh draft with its own key.
 *
 * @example
 * composer.load(newDraft());
 */
export function newDraft(): Draft {
  return { ...EMPTY_CONTENT, key: newIdempotencyKey(), keyEvent: false, pinned: false, queued: false };
}

/** True when there is nothing in the draft worth keeping or warning about. */
export function isEmptyDraft(draft: Draft): boolean {
  return isBlank(draft) && !draft.queued;
}

/**
 * A random v4 UUID. `crypto.randomUUID` exists only in secure contexts (https, localhost);
 * a console served over plain http on an intranet name still gets a sound key.
 *
 * @example
 * newIdempotencyKey(); // 'console-1b4e28ba-2fa1-41d2-883f-0016d3cca427'
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return `console-${c.randomUUID()}`;
  const bytes = c.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `console-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Drafts kept in localStorage, one per blog, so a draft survives a reload, a crash or a closed
 * tab. What is read back is parsed: an old or damaged record is dropped, never trusted.
 *
 * @example
 * const drafts = new DraftStore(window.localStorage);
 * const draft = drafts.load('storm') ?? newDraft();
 * drafts.save('storm', { ...draft, body: 'Polls close at 8' });
 */
export class DraftStore {
  constructor(private readonly storage: Storage | undefined) {}

  load(blogId: string): Draft | undefined {
    try {
      const raw = this.storage?.getItem(keyOf(blogId));
      if (raw === null || raw === undefined) return undefined;
      const parsed = Draft.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** False when the browser refused to keep it (storage full or disabled). */
  save(blogId: string, draft: Draft): boolean {
    try {
      if (this.storage === undefined) return false;
      if (isEmptyDraft(draft)) this.storage.removeItem(keyOf(blogId));
      else this.storage.setItem(keyOf(blogId), JSON.stringify(draft));
      return true;
    } catch {
      return false;
    }
  }

  clear(blogId: string): void {
    try {
      this.storage?.removeItem(keyOf(blogId));
    } catch {
      // nothing kept, nothing to clear
    }
  }
}

function keyOf(blogId: string): string {
  return `liveblog.console.draft.v1.${blogId}`;
}
