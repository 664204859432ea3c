import * as z from 'zod';
import { Entry, LIMITS } from '../../shared/index.js';
import { escapeHtml } from '../../shared/render/index.js';
import { describeFailure, type ApiFailure, type ConsoleApi } from './api.js';
import { ContentForm } from './content-form.js';
import { conflictDialog } from './conflict-dialog.js';
import { field, h, setFieldError, uniqueId } from './dom.js';
import { contentOf, patchBodyOf, problemsOfDetails, type ContentFields } from './entry-fields.js';

const ConflictDetails = z.object({ current: Entry });

export interface EntryEditorDeps {
  api: Pick<ConsoleApi, 'patchEntry' | 'preview'>;
  blogId: string;
  /** The form is done: saved (with the stored entry) or abandoned. */
  close(saved: Entry | undefined): void;
  unauthenticated(): void;
}

/**
 * The inline edit form of one entry. It remembers the version it was opened on and sends it
 * with the edit; a 409 opens the conflict dialog with both versions. If the entry changes live
 * while the form is open, the form says so before the editor saves.
 *
 * @example
 * const editor = new EntryEditor(entry, { api, blogId, close: () => item.stopEditing(), unauthenticated });
 * item.append(editor.element);
 */
export class EntryEditor {
  readonly element: HTMLElement;
  private readonly form: ContentForm;
  private readonly correction: HTMLInputElement;
  private readonly message: HTMLElement;
  private readonly stale: HTMLElement;
  private readonly save: HTMLButtonElement;
  /** The version this edit is based on: what the editor saw when opening (or chose to overwrite). */
  private base: Entry;
  private busy = false;

  constructor(
    entry: Entry,
    private readonly deps: EntryEditorDeps,
  ) {
    this.base = entry;
    const id = uniqueId('c-edit');
    this.form = new ContentForm({ idPrefix: id, testid: 'edit', bodyRows: 5, shortcut: 'saves', onInput: () => this.message.replaceChildren() });
    this.correction = h('input', { type: 'text', id: `${id}-correction`, 'data-testid': 'edit-correction', maxlength: LIMITS.correctionMaxLength, autocomplete: 'off', placeholder: 'e.g. An earlier version misspelt the minister’s name.' });
    this.message = h('p', { class: 'c-editor__message', role: 'alert' });
    this.stale = h('p', { class: 'c-note c-note--warn', 'data-testid': 'edit-stale', hidden: true });
    this.save = h('button', { type: 'submit', class: 'c-btn c-btn--primary', 'data-testid': 'edit-save', text: 'Save changes' });
    const cancel = h('button', { type: 'button', class: 'c-btn', 'data-testid': 'edit-cancel', text: 'Cancel' });
    cancel.addEventListener('click', () => this.deps.close(undefined));
    const form = h('form', { class: 'c-editor', 'data-testid': 'entry-editor', 'data-version': entry.version, novalidate: true }, [
      h('p', { class: 'c-editor__head', text: `Editing version ${entry.version}` }),
      this.stale,
      this.form.kindControl,
      this.form.element,
      field('Correction note (optional, shown to readers)', this.correction),
      this.message,
      h('div', { class: 'c-editor__actions' }, [cancel, this.save]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.submit();
      }
    });
    this.element = form;
    this.form.fill(contentOf(entry));
    this.correction.value = entry.correction ?? '';
  }

  focus(): void {
    this.form.focusBody();
  }

  /** The entry changed live while the form is open. */
  entryChanged(current: Entry): void {
    if (current.version <= this.base.version) return;
    this.stale.hidden = false;
    this.stale.textContent = `Someone saved version ${current.version} while you were editing. Saving will show you both versions first.`;
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.save.disabled = true;
    this.save.setAttribute('aria-busy', 'true');
    try {
      await this.saveFrom(this.base);
    } finally {
      this.busy = false;
      this.save.disabled = false;
      this.save.setAttribute('aria-busy', 'false');
    }
  }

  private async saveFrom(base: Entry): Promise<void> {
    const fields = this.form.read();
    const checked = patchBodyOf(fields, this.correction.value, base.version);
    this.form.showProblems(checked.ok ? [] : checked.problems);
    setFieldError(this.correction, checked.ok ? undefined : checked.problems.find((p) => p.field === 'correction')?.message);
    if (!checked.ok) return;
    const result = await this.deps.api.patchEntry(this.deps.blogId, base.id, checked.value);
    if (result.ok) return this.deps.close(result.value.entry);
    await this.failed(result.failure, fields, base);
  }

  private async failed(failure: ApiFailure, fields: ContentFields, base: Entry): Promise<void> {
    if (failure.kind !== 'refused') {
      this.message.textContent = `Not saved. ${describeFailure(failure)} Your edit is still here.`;
      return;
    }
    switch (failure.code) {
      case 'version_conflict': {
        const details = ConflictDetails.safeParse(failure.details);
        if (!details.success) {
          this.message.textContent = 'Not saved: the entry changed meanwhile. Cancel and edit it again.';
          return;
        }
        return this.resolveConflict(details.data.current, fields, base);
      }
      case 'validation_failed':
        this.form.showProblems(problemsOfDetails(failure.details));
        this.message.textContent = 'Not saved: check the highlighted fields.';
        return;
      case 'unauthenticated':
        this.message.textContent = describeFailure(failure);
        this.deps.unauthenticated();
        return;
      case 'entry_not_found':
        this.message.textContent = 'Not saved: this entry was deleted meanwhile.';
        return;
      case 'store_timeout':
        // saving again is safe: if this edit got through, the retry meets it as a conflict with itself and closes
        this.message.textContent = `${describeFailure(failure)} Save again to make sure; an edit that got through is not applied twice.`;
        return;
      case 'malformed_json':
      case 'forbidden':
      case 'not_found':
      case 'blog_not_found':
      case 'blog_exists':
      case 'blog_ended':
      case 'payload_too_large':
      case 'idempotency_key_reused':
      case 'rate_limited':
      case 'store_unavailable':
      case 'body_too_complex':
      case 'internal':
        this.message.textContent = `Not saved. ${describeFailure(failure)}`;
        return;
      default:
        failure.code satisfies never;
    }
  }

  private async resolveConflict(theirs: Entry, fields: ContentFields, base: Entry): Promise<void> {
    const mine = await this.mineAsEntry(theirs, fields);
    // a retried save whose first attempt did arrive: "theirs" is this very edit
    if (sameContent(mine, theirs)) return this.deps.close(theirs);
    const choice = await conflictDialog({ base, theirs, mine });
    switch (choice) {
      case 'theirs':
        return this.deps.close(undefined);
      case 'mine':
        this.base = theirs;
        this.stale.hidden = true;
        return this.saveFrom(theirs);
      case 'back':
        this.base = theirs;
        this.stale.hidden = false;
        this.stale.textContent = `You are now editing over version ${theirs.version}: saving replaces it with your text.`;
        return;
      default:
        choice satisfies never;
    }
  }

  /** The editor's text as an entry (rendered by the server when it answers), for the side-by-side view. */
  private async mineAsEntry(theirs: Entry, fields: ContentFields): Promise<Entry> {
    const rendered = await this.deps.api.preview(fields.body);
    const html = rendered.ok ? rendered.value.html : `<p>${escapeHtml(fields.body)}</p>`;
    const title = fields.title.trim();
    const attribution = fields.attribution.trim();
    const url = fields.mediaUrl.trim();
    const caption = fields.caption.trim();
    const note = this.correction.value.trim();
    const { title: _t, attribution: _a, media: _m, correction: _c, ...rest } = theirs;
    return {
      ...rest,
      kind: fields.kind,
      body: fields.body,
      html,
      ...(title !== '' ? { title } : {}),
      ...(fields.kind === 'quote' && attribution !== '' ? { attribution } : {}),
      ...((fields.kind === 'image' || fields.kind === 'video') && url !== '' ? { media: { url, ...(caption !== '' ? { caption } : {}) } } : {}),
      ...(note !== '' ? { correction: note } : {}),
      version: theirs.version + 1,
    };
  }
}

function sameContent(a: Entry, b: Entry): boolean {
  const pick = (e: Entry): unknown[] => [e.kind, e.title, e.body, e.attribution, e.media?.url, e.media?.caption, e.correction];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}
