import type { Entry } from '../../shared/index.js';
import { entryHtml, escapeHtml } from '../../shared/render/index.js';
import { describeFailure, type ConsoleApi } from './api.js';
import { h, trustedFragment } from './dom.js';
import type { Draft } from './draft.js';
import { isBlank } from './entry-fields.js';

/** Typing pauses shorter than this do not cost a request. */
export const PREVIEW_DEBOUNCE_MS = 250;

/**
 * The entry a draft would become, for the preview: `html` is the server's rendering of the body
 * (the same function that renders stored entries), every other field is the draft's own.
 *
 * @example
 * entryHtml(previewEntry(draft, html, 'storm', 'Ana', new Date()), { now });
 */
export function previewEntry(draft: Draft, html: string, blogId: string, author: string, now: Date): Entry {
  const iso = now.toISOString();
  const title = draft.title.trim();
  const attribution = draft.attribution.trim();
  const url = draft.mediaUrl.trim();
  const caption = draft.caption.trim();
  const withMedia = draft.kind === 'image' || draft.kind === 'video';
  return {
    id: 'preview',
    blogId,
    kind: draft.kind,
    ...(title !== '' ? { title } : {}),
    body: draft.body,
    html,
    ...(draft.kind === 'quote' && attribution !== '' ? { attribution } : {}),
    ...(withMedia && url !== '' ? { media: { url, ...(caption !== '' ? { caption } : {}) } } : {}),
    keyEvent: draft.keyEvent,
    pinned: draft.pinned,
    author: { name: author },
    createdAt: iso,
    updatedAt: iso,
    version: 1,
  };
}

/**
 * The live preview: the draft rendered exactly as readers will see it (reader's markup via
 * `entryHtml`, reader's stylesheet). Only the body needs the server; changes to other fields
 * render at once, body changes after a short pause, and an answer to an older body is dropped.
 *
 * @example
 * const preview = new PreviewPane(api, 'storm', 'Ana');
 * panel.append(preview.element);
 * composer.onInput((draft) => preview.update(draft));
 */
export class PreviewPane {
  readonly element: HTMLElement;
  private readonly frame: HTMLElement;
  private readonly note: HTMLElement;
  /** The body whose html we hold, and that html. */
  private rendered: { body: string; html: string } = { body: '', html: '' };
  /** The server could not render the latest body: the preview shows it as plain text meanwhile. */
  private approximate = false;
  private latest: Draft | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;

  constructor(
    private readonly api: Pick<ConsoleApi, 'preview'>,
    private readonly blogId: string,
    private readonly author: string,
  ) {
    this.note = h('span', { class: 'c-preview__note', 'data-testid': 'preview-note', 'aria-live': 'polite' });
    this.frame = h('div', { class: 'c-preview__frame', 'data-testid': 'preview' });
    this.element = h('section', { class: 'c-panel c-preview', 'aria-labelledby': 'c-preview-title' }, [
      h('div', { class: 'c-panel__head' }, [h('h2', { class: 'c-panel__title', id: 'c-preview-title', text: 'Preview' }), this.note]),
      this.frame,
    ]);
  }

  update(draft: Draft): void {
    this.latest = draft;
    if (draft.body === this.rendered.body) {
      clearTimeout(this.timer);
      // an answer for a body typed and then undone must not land after this
      this.asked += 1;
      this.paint();
      return;
    }
    clearTimeout(this.timer);
    this.note.textContent = 'Updating…';
    this.timer = setTimeout(() => void this.fetch(draft.body), PREVIEW_DEBOUNCE_MS);
  }

  /** Back online: render what could not be rendered while offline. */
  retry(): void {
    const draft = this.latest;
    if (draft !== undefined && this.approximate) void this.fetch(draft.body);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.asked += 1;
  }

  private async fetch(body: string): Promise<void> {
    const asked = ++this.asked;
    const result = body.trim() === '' ? { ok: true as const, value: { html: '' } } : await this.api.preview(body);
    if (asked !== this.asked || this.latest?.body !== body) return;
    if (!result.ok) {
      // still useful offline: the words as typed, formatting once the server can render it
      this.rendered = { body, html: plainParagraphs(body) };
      this.approximate = true;
      this.paint();
      this.note.textContent = result.failure.kind === 'network' ? 'Offline: formatting shows once back online' : describeFailure(result.failure);
      return;
    }
    this.rendered = { body, html: result.value.html };
    this.approximate = false;
    this.paint();
  }

  private paint(): void {
    const draft = this.latest;
    this.note.textContent = this.approximate ? 'Offline: formatting shows once back online' : 'As readers will see it';
    if (draft === undefined || isBlank(draft)) {
      this.frame.replaceChildren(h('p', { class: 'c-preview__empty', text: 'Start writing: the entry appears here exactly as readers will see it.' }));
      return;
    }
    const now = new Date();
    const entry = previewEntry(draft, this.rendered.html, this.blogId, this.author, now);
    const stream = h('div', { class: 'stream' });
    stream.append(trustedFragment(entryHtml(entry, { now })));
    // the preview's permalink points nowhere yet
    stream.querySelector('a.entry__time')?.removeAttribute('href');
    this.frame.replaceChildren(stream);
  }
}

/** Typed text as paragraphs, escaped: the offline stand-in for the server's rendering. */
function plainParagraphs(body: string): string {
  return body
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
