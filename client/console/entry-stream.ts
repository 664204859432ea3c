import type { Entry } from '../../shared/index.js';
import type { BlogChange, LiveBlog } from '../live/index.js';
import { sortedEntries, type BlogState } from '../state/index.js';
import { h } from './dom.js';
import { EntryItem, type EntryItemDeps } from './entry-item.js';

/** How often "5 min ago" is brought up to date. */
const RELATIVE_TIME_MS = 30_000;
/** How long a new or edited entry is highlighted. */
const HIGHLIGHT_MS = 4_000;

/**
 * The blog's entries, live: the pinned ones on top (as readers see them), then every other
 * entry newest first, each with its actions. Kept in step with the live blog in one DOM update
 * per burst of changes; entries posted by anyone appear as they are published.
 *
 * @example
 * const stream = new EntryStream(live, { api, blogId, notify, unauthenticated });
 * column.append(stream.element);
 */
export class EntryStream {
  readonly element: HTMLElement;
  private readonly pinnedList: HTMLOListElement;
  private readonly pinnedGroup: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLElement;
  private readonly count: HTMLElement;
  private readonly older: HTMLButtonElement;
  private readonly items = new Map<string, EntryItem>();
  private readonly fresh = new Map<string, 'new' | 'changed'>();
  private scheduled = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly off: () => void;

  constructor(
    private readonly live: LiveBlog,
    private readonly deps: EntryItemDeps,
  ) {
    this.count = h('span', { class: 'c-panel__meta', 'data-testid': 'entry-count' });
    this.pinnedList = h('ol', { class: 'c-list', 'aria-label': 'Pinned entries' });
    this.pinnedGroup = h('div', { class: 'c-stream__group c-stream__group--pinned', hidden: true }, [h('h3', { class: 'c-stream__label', text: 'Pinned' }), this.pinnedList]);
    this.list = h('ol', { class: 'c-list', 'data-testid': 'entries', 'aria-label': 'Entries, newest first' });
    this.empty = h('p', { class: 'c-empty', text: 'No entries yet. What you publish appears here, and so does every entry your colleagues publish, as it happens.' });
    this.older = h('button', { type: 'button', class: 'c-btn c-btn--wide', 'data-testid': 'load-older', hidden: true, text: 'Load older entries' });
    this.older.addEventListener('click', () => void this.loadOlder());
    this.element = h('section', { class: 'c-panel c-stream', 'aria-labelledby': 'c-stream-title' }, [
      h('div', { class: 'c-panel__head' }, [h('h2', { class: 'c-panel__title', id: 'c-stream-title', text: 'Live stream' }), this.count]),
      this.pinnedGroup,
      h('div', { class: 'c-stream__group' }, [this.list]),
      this.empty,
      this.older,
    ]);
    this.off = live.onChange((change) => this.onChange(change));
    this.timer = setInterval(() => this.items.forEach((item) => item.refreshTimes(Date.now())), RELATIVE_TIME_MS);
    if (live.state !== undefined) this.render(live.state);
  }

  /** Highlights an entry once it is shown (the one this editor just published). */
  highlight(entryId: string): void {
    this.fresh.set(entryId, 'new');
    const item = this.items.get(entryId);
    if (item !== undefined) this.flash(item, 'new');
  }

  dispose(): void {
    this.off();
    clearInterval(this.timer);
  }

  private onChange(change: BlogChange): void {
    if (change.kind === 'event') {
      const { event } = change;
      if (event.type === 'entry.created') this.fresh.set(event.entry.id, 'new');
      if (event.type === 'entry.updated') this.fresh.set(event.entry.id, 'changed');
    }
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const state = this.live.state;
      if (state !== undefined) this.render(state);
    });
  }

  private render(state: BlogState): void {
    const entries = sortedEntries(state, 'newest');
    const seen = new Set<string>();
    const pinned: EntryItem[] = [];
    const rest: EntryItem[] = [];
    for (const entry of entries) {
      seen.add(entry.id);
      const item = this.itemFor(entry);
      (item.pinned ? pinned : rest).push(item);
    }
    for (const [id, item] of this.items) {
      if (seen.has(id)) continue;
      item.element.remove();
      this.items.delete(id);
    }
    place(this.pinnedList, pinned);
    place(this.list, rest);
    this.pinnedGroup.hidden = pinned.length === 0;
    this.empty.hidden = entries.length > 0;
    this.count.textContent = entries.length === 1 ? '1 entry' : `${entries.length} entries${state.olderCursor !== null ? ' loaded' : ''}`;
    this.older.hidden = state.olderCursor === null;
    for (const [id, kind] of this.fresh) {
      const item = this.items.get(id);
      if (item !== undefined) this.flash(item, kind);
    }
    this.fresh.clear();
  }

  private itemFor(entry: Entry): EntryItem {
    const held = this.items.get(entry.id);
    if (held !== undefined) {
      held.update(entry);
      return held;
    }
    const item = new EntryItem(entry, this.deps);
    this.items.set(entry.id, item);
    return item;
  }

  private flash(item: EntryItem, kind: 'new' | 'changed'): void {
    const article = item.element.querySelector<HTMLElement>('.entry');
    if (article === null) return;
    const className = kind === 'new' ? 'entry--new' : 'entry--changed';
    article.classList.remove(className);
    void article.offsetWidth;
    article.classList.add(className);
    setTimeout(() => article.classList.remove(className), HIGHLIGHT_MS);
  }

  private async loadOlder(): Promise<void> {
    this.older.disabled = true;
    this.older.textContent = 'Loading…';
    try {
      await this.live.loadOlder();
    } catch {
      this.deps.notify('Older entries could not be loaded. Try again.', 'error');
    } finally {
      this.older.disabled = false;
      this.older.textContent = 'Load older entries';
    }
  }
}

/** Puts `items` into `list` in order, moving only what is out of place (open edit forms keep their focus). */
function place(list: HTMLOListElement, items: readonly EntryItem[]): void {
  let cursor = list.firstElementChild;
  for (const item of items) {
    if (item.element === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      list.insertBefore(item.element, cursor);
    }
  }
  while (cursor !== null) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}
