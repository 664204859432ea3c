import type { Entry } from '../../shared/index.js';
import { entryAnchor, entryHtml, formatRelative } from '../../shared/render/index.js';
import type { ConsoleApi } from './api.js';
import { confirmDialog } from './dialogs.js';
import { h, trustedFragment } from './dom.js';
import { removeEntry, setFlag, type ActionOutcome } from './entry-actions.js';
import { EntryEditor } from './entry-editor.js';

export interface EntryItemDeps {
  api: Pick<ConsoleApi, 'patchEntry' | 'deleteEntry' | 'preview'>;
  blogId: string;
  notify(message: string, tone: 'ok' | 'error'): void;
  unauthenticated(): void;
}

/**
 * One entry in the console's stream: the entry as readers see it, and the editor's actions
 * (edit, pin, key event, delete). Re-rendered only when its version changes; an open edit form
 * survives live updates.
 *
 * @example
 * const item = new EntryItem(entry, deps);
 * list.append(item.element);
 * item.update(newerEntry);
 */
export class EntryItem {
  readonly element: HTMLLIElement;
  private readonly view: HTMLElement;
  private readonly editButton: HTMLButtonElement;
  private readonly pinButton: HTMLButtonElement;
  private readonly keyButton: HTMLButtonElement;
  private readonly deleteButton: HTMLButtonElement;
  private editor: EntryEditor | undefined;
  private busy = false;

  constructor(
    private entry: Entry,
    private readonly deps: EntryItemDeps,
  ) {
    this.view = h('div', { class: 'c-item__view' });
    this.editButton = h('button', { type: 'button', class: 'c-btn c-btn--small', 'data-testid': 'entry-edit', text: 'Edit' });
    this.pinButton = h('button', { type: 'button', class: 'c-btn c-btn--small c-btn--toggle', 'data-testid': 'entry-pin' });
    this.keyButton = h('button', { type: 'button', class: 'c-btn c-btn--small c-btn--toggle', 'data-testid': 'entry-key' });
    this.deleteButton = h('button', { type: 'button', class: 'c-btn c-btn--small c-btn--danger-quiet', 'data-testid': 'entry-delete', text: 'Delete' });
    this.editButton.addEventListener('click', () => this.startEditing());
    this.pinButton.addEventListener('click', () => void this.run(() => setFlag(deps.api, deps.blogId, this.entry, 'pinned', !this.entry.pinned), this.entry.pinned ? 'Unpinned.' : 'Pinned to the top.'));
    this.keyButton.addEventListener('click', () => void this.run(() => setFlag(deps.api, deps.blogId, this.entry, 'keyEvent', !this.entry.keyEvent), this.entry.keyEvent ? 'No longer a key event.' : 'Marked as a key event.'));
    this.deleteButton.addEventListener('click', () => void this.delete());
    const actions = h('div', { class: 'c-item__actions', role: 'group', 'aria-label': 'Entry actions' }, [this.editButton, this.pinButton, this.keyButton, this.deleteButton]);
    this.element = h('li', { class: 'c-item', 'data-testid': 'entry' }, [this.view, actions]);
    this.paint();
  }

  get id(): string {
    return this.entry.id;
  }

  get pinned(): boolean {
    return this.entry.pinned;
  }

  /** The entry as the live state has it now; true when it changed what is shown. */
  update(entry: Entry): boolean {
    if (entry === this.entry || entry.version < this.entry.version) return false;
    const changed = entry.version !== this.entry.version || entry.updatedAt !== this.entry.updatedAt;
    this.entry = entry;
    this.editor?.entryChanged(entry);
    if (changed) this.paint();
    return changed;
  }

  /** The relative times ("5 min ago") drift; only their text is redrawn, so a selection survives. */
  refreshTimes(now: number): void {
    for (const el of this.view.querySelectorAll<HTMLElement>('[data-relative]')) {
      const text = formatRelative(el.dataset.relative ?? '', now);
      if (el.textContent !== text) el.textContent = text;
    }
  }

  private paint(): void {
    const { entry } = this;
    this.element.dataset.entryId = entry.id;
    this.element.dataset.version = String(entry.version);
    this.element.classList.toggle('c-item--pinned', entry.pinned);
    this.element.classList.toggle('c-item--key', entry.keyEvent);
    this.view.replaceChildren(trustedFragment(entryHtml(entry, { now: Date.now() })));
    // the permalink is the reader page's; inside the console a bare #entry-… would leave the blog
    const permalink = this.view.querySelector<HTMLAnchorElement>('a.entry__time');
    if (permalink !== null) {
      permalink.href = `/blogs/${encodeURIComponent(entry.blogId)}#${entryAnchor(entry.id)}`;
      permalink.target = '_blank';
      permalink.rel = 'noopener';
    }
    this.pinButton.textContent = entry.pinned ? 'Unpin' : 'Pin';
    this.pinButton.setAttribute('aria-pressed', String(entry.pinned));
    this.keyButton.textContent = entry.keyEvent ? 'Key event ✓' : 'Key event';
    this.keyButton.setAttribute('aria-pressed', String(entry.keyEvent));
  }

  private startEditing(): void {
    if (this.editor !== undefined) return this.editor.focus();
    this.editor = new EntryEditor(this.entry, {
      api: this.deps.api,
      blogId: this.deps.blogId,
      unauthenticated: () => this.deps.unauthenticated(),
      close: (saved) => this.stopEditing(saved),
    });
    this.element.classList.add('c-item--editing');
    this.view.hidden = true;
    this.element.insertBefore(this.editor.element, this.view);
    this.editor.focus();
  }

  private stopEditing(saved: Entry | undefined): void {
    this.editor?.element.remove();
    this.editor = undefined;
    this.element.classList.remove('c-item--editing');
    this.view.hidden = false;
    if (saved !== undefined) {
      this.update(saved);
      this.deps.notify('Changes saved.', 'ok');
    }
    this.paint();
    this.editButton.focus();
  }

  private async delete(): Promise<void> {
    const sure = await confirmDialog({
      title: 'Delete this entry?',
      message: 'It disappears from every reader’s page at once. This cannot be undone.',
      confirmLabel: 'Delete entry',
    });
    if (sure) await this.run(() => removeEntry(this.deps.api, this.deps.blogId, this.entry.id), 'Entry deleted.');
  }

  private async run(action: () => Promise<ActionOutcome>, done: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.element.setAttribute('aria-busy', 'true');
    for (const b of [this.pinButton, this.keyButton, this.deleteButton]) b.disabled = true;
    try {
      const outcome = await action();
      if (outcome.ok) {
        if (outcome.entry !== undefined) this.update(outcome.entry);
        this.deps.notify(done, 'ok');
      } else {
        this.deps.notify(outcome.message, 'error');
        if (outcome.unauthenticated) this.deps.unauthenticated();
      }
    } finally {
      this.busy = false;
      this.element.removeAttribute('aria-busy');
      for (const b of [this.pinButton, this.keyButton, this.deleteButton]) b.disabled = false;
    }
  }
}
