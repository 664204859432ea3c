import type { BlogStatus, Entry } from '../../shared/index.js';
import { formatUtcTime } from '../../shared/render/index.js';
import type { ConsoleApi } from './api.js';
import { ContentForm, IS_MAC } from './content-form.js';
import { confirmDialog } from './dialogs.js';
import { h } from './dom.js';
import { DraftStore, isEmptyDraft, newDraft, type Draft } from './draft.js';
import { isBlank } from './entry-fields.js';
import { Publisher, type PublishState } from './publisher.js';

export interface ComposerDeps {
  api: Pick<ConsoleApi, 'createEntry'>;
  blogId: string;
  /** Who is signed in. */
  author: string;
  drafts: DraftStore;
  /** The browser's online signal. */
  online(): boolean;
  /** Every change of the draft (for the preview). */
  draftChanged(draft: Draft): void;
  published(entry: Entry, replayed: boolean): void;
  unauthenticated(): void;
}

/**
 * The composer: kind, subheading, Markdown body, flags, and the publish button. The draft is
 * saved to this device on every keystroke and carries its Idempotency-Key; publishing goes
 * through {@link Publisher}, so it is safe to click twice, to lose the network, or to reload.
 *
 * @example
 * const composer = new Composer({ api, blogId, drafts, online, draftChanged: (d) => preview.update(d), published, unauthenticated });
 * column.append(composer.element);
 */
export class Composer {
  readonly element: HTMLElement;
  private readonly form: ContentForm;
  private readonly keyEvent: HTMLInputElement;
  private readonly pinned: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly endedNote: HTMLElement;
  private readonly publisher: Publisher;
  private draft: Draft;
  private ended = false;
  private lastPublished: string | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: ComposerDeps) {
    this.draft = deps.drafts.load(deps.blogId) ?? newDraft();
    this.form = new ContentForm({ idPrefix: 'c-compose', testid: 'composer', bodyRows: 6, shortcut: 'publishes', onInput: () => this.edited() });
    this.keyEvent = h('input', { type: 'checkbox', 'data-testid': 'composer-key-event' });
    this.pinned = h('input', { type: 'checkbox', 'data-testid': 'composer-pinned' });
    const flags = h('div', { class: 'c-flags' }, [
      h('label', { class: 'c-check' }, [this.keyEvent, h('span', { text: 'Key event' })]),
      h('label', { class: 'c-check' }, [this.pinned, h('span', { text: 'Pin to top' })]),
    ]);
    flags.addEventListener('change', () => this.edited());
    this.button = h('button', { type: 'submit', class: 'c-btn c-btn--primary c-btn--publish', 'data-testid': 'publish' }, [
      h('span', { text: 'Publish' }),
      h('kbd', { class: 'c-kbd', text: IS_MAC ? '⌘↵' : 'Ctrl+↵' }),
    ]);
    this.status = h('div', { class: 'c-publish-status', 'data-testid': 'publish-status', role: 'status', 'aria-live': 'polite' });
    this.actions = h('div', { class: 'c-publish-status__actions' });
    this.endedNote = h('p', { class: 'c-note c-note--warn', hidden: true, text: 'This live blog has ended. Reopen it in Settings to publish.' });
    const discard = h('button', { type: 'button', class: 'c-btn c-btn--quiet', 'data-testid': 'composer-discard', text: 'Discard draft' });
    discard.addEventListener('click', () => void this.discard());

    const formEl = h('form', { class: 'c-panel c-composer', 'aria-labelledby': 'c-composer-title', novalidate: true }, [
      h('div', { class: 'c-panel__head' }, [h('h2', { class: 'c-panel__title', id: 'c-composer-title', text: 'New entry' }), this.form.kindControl]),
      this.form.element,
      this.endedNote,
      h('div', { class: 'c-publish-status__wrap' }, [this.status, this.actions]),
      h('div', { class: 'c-composer__foot' }, [flags, h('span', { class: 'c-composer__spacer' }), discard, this.button]),
    ]);
    formEl.addEventListener('submit', (event) => {
      event.preventDefault();
      this.publish();
    });
    formEl.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.publish();
      }
    });
    this.element = formEl;

    this.publisher = new Publisher({
      api: deps.api,
      blogId: deps.blogId,
      author: deps.author,
      draft: () => this.draft,
      keep: (draft) => this.keep(draft),
      published: (entry, replayed) => this.onPublished(entry, replayed),
      changed: (state) => this.render(state),
      unauthenticated: () => deps.unauthenticated(),
      online: () => deps.online(),
    });
    this.fill(this.draft);
    this.render(this.publisher.state);
    deps.draftChanged(this.draft);
    // a draft that was on its way when the page went away goes on its way again
    this.publisher.resume();
  }

  /** Ctrl/Cmd+Enter and the button. */
  publish(): void {
    if (this.ended) return;
    this.draft = this.readDraft();
    this.publisher.publish();
  }

  online(): void {
    this.publisher.wake();
  }

  offline(): void {
    this.publisher.offline();
  }

  setStatus(status: BlogStatus): void {
    this.ended = status === 'ended';
    this.endedNote.hidden = !this.ended;
    this.render(this.publisher.state);
  }

  focus(): void {
    this.form.focusBody();
  }

  dispose(): void {
    this.publisher.dispose();
    clearInterval(this.ticker);
  }

  private readDraft(): Draft {
    return { ...this.draft, ...this.form.read(), keyEvent: this.keyEvent.checked, pinned: this.pinned.checked };
  }

  private edited(): void {
    this.draft = this.readDraft();
    this.lastPublished = undefined;
    this.deps.drafts.save(this.deps.blogId, this.draft);
    this.publisher.dismiss();
    this.form.showProblems([]);
    this.render(this.publisher.state);
    this.deps.draftChanged(this.draft);
  }

  private keep(draft: Draft): void {
    this.draft = draft;
    this.deps.drafts.save(this.deps.blogId, draft);
  }

  private fill(draft: Draft): void {
    this.form.fill(draft);
    this.keyEvent.checked = draft.keyEvent;
    this.pinned.checked = draft.pinned;
  }

  private onPublished(entry: Entry, replayed: boolean): void {
    this.draft = newDraft();
    this.deps.drafts.clear(this.deps.blogId);
    this.fill(this.draft);
    this.lastPublished = `Published at ${formatUtcTime(entry.createdAt)} UTC${replayed ? ' (it had already arrived)' : ''}.`;
    this.render(this.publisher.state);
    this.deps.draftChanged(this.draft);
    this.deps.published(entry, replayed);
    this.form.focusBody();
  }

  private async discard(): Promise<void> {
    if (this.publisher.state.phase === 'sending') return;
    if (!isBlank(this.readDraft())) {
      const sure = await confirmDialog({ title: 'Discard this draft?', message: 'The text you wrote here will be lost.', confirmLabel: 'Discard' });
      if (!sure) return;
    }
    this.publisher.cancel();
    this.draft = newDraft();
    this.deps.drafts.clear(this.deps.blogId);
    this.fill(this.draft);
    this.lastPublished = undefined;
    this.render(this.publisher.state);
    this.deps.draftChanged(this.draft);
    this.form.focusBody();
  }

  private render(state: PublishState): void {
    const sending = state.phase === 'sending';
    this.form.setDisabled(sending);
    this.keyEvent.disabled = sending;
    this.pinned.disabled = sending;
    this.button.disabled = sending || this.ended;
    this.button.setAttribute('aria-busy', String(sending));
    this.element.dataset.phase = state.phase;
    this.actions.replaceChildren();
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.status.className = 'c-publish-status';
    switch (state.phase) {
      case 'idle':
        this.status.textContent = this.lastPublished ?? (isEmptyDraft(this.draft) ? '' : 'Draft saved on this device.');
        if (this.lastPublished !== undefined) this.status.classList.add('c-publish-status--ok');
        return;
      case 'sending':
        this.status.textContent = 'Publishing…';
        return;
      case 'waiting-online':
        this.status.textContent = 'You are offline. This entry is saved here and will be published as soon as the connection is back.';
        this.status.classList.add('c-publish-status--warn');
        this.actions.append(this.cancelButton());
        return;
      case 'retrying': {
        const tick = (): void => {
          const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
          this.status.textContent = `${state.message} Trying again in ${seconds} s.`;
        };
        tick();
        this.ticker = setInterval(tick, 1000);
        this.status.classList.add('c-publish-status--warn');
        const now = h('button', { type: 'button', class: 'c-btn c-btn--small', 'data-testid': 'publish-retry', text: 'Retry now' });
        now.addEventListener('click', () => this.publisher.wake());
        this.actions.append(now, this.cancelButton());
        return;
      }
      case 'refused':
        this.status.textContent = state.message;
        this.status.classList.add('c-publish-status--error');
        this.form.showProblems(state.problems);
        return;
      default:
        state satisfies never;
    }
  }

  private cancelButton(): HTMLButtonElement {
    const cancel = h('button', { type: 'button', class: 'c-btn c-btn--small c-btn--quiet', 'data-testid': 'publish-cancel', text: 'Don’t publish' });
    cancel.addEventListener('click', () => this.publisher.cancel());
    return cancel;
  }
}
