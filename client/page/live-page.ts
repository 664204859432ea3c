import type { Entry, EntryId } from '../../shared/index.js';
import { blogHeaderHtml, keyEventsHtml, lastUpdatedHtml, liveBlogJsonLd, scriptJson, type InitialPageData } from '../../shared/render/index.js';
import type { BlogChange, LiveBlog } from '../live/index.js';
import type { BlogState, SortDirection } from '../state/index.js';
import { Announcer } from './announcer.js';
import { elementFromHtml, flash } from './dom.js';
import { EntryElements } from './entry-elements.js';
import { OlderLoader } from './older-loader.js';
import type { PageElements } from './page-elements.js';
import { keepAnchored, scrolledPastStreamTop, type AnchorOptions } from './scroll-anchor.js';
import { UnseenUpdates } from './unseen-updates.js';
import { viewModel, type ViewModel } from './view-model.js';

/** How long a new or edited entry stays highlighted (the CSS animation is shorter). */
const HIGHLIGHT_MS = 4_000;
/** How many older pages a permalink or key-event link may load to find its entry. */
const MAX_PAGES_TO_FIND = 20;

/**
 * Keeps the server-rendered page in step with the live blog: entries, pinned card, key events,
 * header, "Load older", structured data, the "N new updates" button and announcements.
 * Changes are applied in one batch per microtask, so a catch-up of many events is one DOM update.
 *
 * @example
 * const page = new LivePage(document, elements, data, live, 'newest');
 * live.onChange((change) => page.onChange(change));
 */
export class LivePage {
  private state: BlogState;
  private readonly extras = new Map<EntryId, Entry>();
  private readonly entries: EntryElements;
  private readonly unseen: UnseenUpdates;
  private readonly announcer: Announcer;
  private readonly older: OlderLoader;
  private readonly anchor: AnchorOptions;
  /** Entries created by events since the last render: to highlight, count and announce. */
  private created: Entry[] = [];
  private scheduled = false;
  /** What the page shows now, to touch the DOM only when it changes. */
  private shown = { header: '', lastUpdated: '', keyEvents: '', jsonLd: '' };
  private readonly pageUrl: string;

  constructor(
    private readonly doc: Document,
    private readonly el: PageElements,
    data: InitialPageData,
    live: LiveBlog,
    private sort: SortDirection,
  ) {
    const state = live.state;
    if (state === undefined) throw new Error('the live blog has no state: subscribe it `from` the page');
    this.state = state;
    for (const extra of data.extras) this.extras.set(extra.id, extra);
    this.pageUrl = data.pageUrl;
    this.entries = new EntryElements(doc, doc.querySelectorAll<HTMLElement>('.entry[data-entry-id]'));
    this.unseen = new UnseenUpdates(doc, el.newUpdates, (count) => this.revealNewest(count));
    this.announcer = new Announcer(el.announcer);
    this.older = new OlderLoader(el.pager, live);
    this.anchor = {
      stream: el.stream,
      viewportTop: () => this.viewportTop(),
      candidates: () => this.anchorCandidates(),
    };
    // the server rendered the header from the same blog; the times are compared separately
    this.shown.header = blogHeaderHtml(state.blog);
    this.shown.lastUpdated = el.headerSlot.querySelector('[data-testid="last-updated"] time')?.getAttribute('datetime') ?? '';
    this.shown.keyEvents = el.keyEvents.innerHTML;
    this.shown.jsonLd = el.jsonLd?.textContent ?? '';

    doc.defaultView?.addEventListener('scroll', () => this.onViewChanged(), { passive: true });
    doc.addEventListener('visibilitychange', () => this.onViewChanged());
    el.keyEvents.addEventListener('click', (event) => void this.followKeyEvent(event));
    doc.defaultView?.addEventListener('hashchange', () => void this.followHash());
    // the server rendered newest first; a remembered "oldest first" re-renders at once
    this.placePager();
    this.render();
    void this.followHash();
  }

  /** A change of the live blog. */
  onChange(change: BlogChange): void {
    switch (change.kind) {
      case 'reset':
        if (change.state.position.epoch !== this.state.position.epoch) this.extras.clear();
        this.created = [];
        break;
      case 'event':
        if (change.event.type === 'entry.created' && change.previous === undefined) this.created.push(change.event.entry);
        break;
      case 'older':
        break;
      default:
        throw new Error(`unknown change: ${JSON.stringify(change satisfies never)}`);
    }
    this.state = change.state;
    this.schedule();
  }

  /** Newest or oldest first; the caller remembers the choice. */
  setSort(sort: SortDirection): void {
    if (sort === this.sort) return;
    this.sort = sort;
    this.placePager();
    this.render();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    const view = viewModel(this.state, this.extras, this.sort);
    const visible = this.doc.visibilityState !== 'hidden';
    const atTop = !scrolledPastStreamTop(this.el.stream, this.viewportTop());
    const created = this.created;
    this.created = [];

    const result = keepAnchored(this.anchor, () => {
      this.renderHeader(view);
      const placed = this.entries.reconcile([
        [this.el.pinned, view.pinned],
        [this.el.stream, view.stream],
      ]);
      this.el.pinned.hidden = view.pinned.length === 0;
      if (this.el.empty !== null) this.el.empty.hidden = view.known.length > 0;
      this.older.update(this.state.olderCursor, this.state.blogId, view.known.length > 0);
      return placed;
    });
    this.renderJsonLd(view);

    const shownIds = new Set([...view.stream, ...view.pinned].map((e) => e.id));
    const fresh = created.filter((e) => shownIds.has(e.id));
    if (fresh.length > 0) {
      // above the reader's view only when newest first and scrolled down
      const above = this.sort === 'newest' && !atTop;
      if (!above) for (const e of fresh) this.highlight(e.id, 'entry--new');
      if (above || !visible) this.unseen.add(fresh.length, { button: above });
      this.announcer.newEntries([...fresh].reverse());
    }
    const freshIds = new Set(fresh.map((e) => e.id));
    for (const el of result.changed) if (!freshIds.has(el.dataset.entryId ?? '')) flash(el, 'entry--changed', HIGHLIGHT_MS);
  }

  private renderHeader(view: ViewModel): void {
    // compared without the time, which moves with every entry: the header is rebuilt only when it changed
    const header = blogHeaderHtml(view.blog);
    if (header !== this.shown.header) {
      this.shown.header = header;
      this.shown.lastUpdated = view.lastUpdated;
      this.el.headerSlot.replaceChildren(elementFromHtml(this.doc, blogHeaderHtml(view.blog, { lastUpdated: view.lastUpdated })));
      this.unseen.setBaseTitle(view.blog.status === 'live' ? `Live: ${view.blog.title}` : view.blog.title);
    } else if (view.lastUpdated !== this.shown.lastUpdated) {
      this.shown.lastUpdated = view.lastUpdated;
      this.el.headerSlot.querySelector('[data-testid="last-updated"]')?.replaceWith(elementFromHtml(this.doc, lastUpdatedHtml(view.lastUpdated)));
    }
    const keyEvents = keyEventsHtml(view.keyEvents);
    if (keyEvents !== this.shown.keyEvents) {
      this.shown.keyEvents = keyEvents;
      this.el.keyEvents.innerHTML = keyEvents;
      this.el.keyEvents.hidden = keyEvents === '';
    }
  }

  private renderJsonLd(view: ViewModel): void {
    if (this.el.jsonLd === null) return;
    const json = scriptJson(liveBlogJsonLd(view.blog, view.known, this.pageUrl));
    if (json === this.shown.jsonLd) return;
    this.shown.jsonLd = json;
    this.el.jsonLd.textContent = json;
  }

  private highlight(id: EntryId, className: string): void {
    const el = this.entries.element(id);
    if (el !== undefined) flash(el, className, HIGHLIGHT_MS);
  }

  /** The "N new updates" button: back to the top of the stream, the new entries highlighted. */
  private revealNewest(count: number): void {
    this.el.toolbar.scrollIntoView({ block: 'start', behavior: 'auto' });
    const first = this.el.stream.querySelectorAll<HTMLElement>('.entry');
    for (let i = 0; i < Math.min(count, first.length); i += 1) {
      const el = first[i];
      if (el !== undefined) flash(el, 'entry--new', HIGHLIGHT_MS);
    }
    const target = first[0];
    if (target !== undefined) {
      // keyboard users continue from the newest entry, not from the button that vanished
      target.tabIndex = -1;
      target.focus({ preventScroll: true });
    }
  }

  /** Scrolled or shown again: whatever is unseen and now on screen counts as seen. */
  private onViewChanged(): void {
    if (this.unseen.count === 0) return;
    if (this.doc.visibilityState === 'hidden') return;
    if (this.sort === 'oldest' || !scrolledPastStreamTop(this.el.stream, this.viewportTop())) this.unseen.clear();
  }

  /** A key event older than the loaded pages: load pages until its entry is on the page. */
  private async followKeyEvent(event: MouseEvent): Promise<void> {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[data-entry-link]');
    const id = link?.dataset.entryLink;
    if (id === undefined || this.entries.element(id) !== undefined) return;
    event.preventDefault();
    await this.revealEntry(id);
  }

  /** A permalink (`#entry-<id>`) to an entry older than the loaded pages: load until it is there. */
  private async followHash(): Promise<void> {
    const id = /^#entry-([a-z0-9]{6,40})$/.exec(this.doc.location.hash)?.[1];
    if (id !== undefined && this.entries.element(id) === undefined) await this.revealEntry(id);
  }

  private async revealEntry(id: EntryId): Promise<void> {
    for (let pages = 0; pages < MAX_PAGES_TO_FIND && this.entries.element(id) === undefined; pages += 1) {
      if (!(await this.older.loadNext())) break;
      // the merge renders in a microtask
      await Promise.resolve();
    }
    const target = this.entries.element(id);
    if (target === undefined) return;
    target.scrollIntoView({ block: 'start' });
    history.replaceState(null, '', `#${target.id}`);
  }

  private placePager(): void {
    if (this.sort === 'oldest') this.el.stream.before(this.el.pager);
    else (this.el.empty ?? this.el.stream).after(this.el.pager);
  }

  private viewportTop(): number {
    return Math.max(0, this.el.topBar?.getBoundingClientRect().bottom ?? 0);
  }

  private *anchorCandidates(): Iterable<Element> {
    yield this.el.headerSlot;
    // beside the stream (desktop) the key events do not push it; above it (mobile) they do
    const aside = this.el.keyEvents;
    const besideStream = aside.getBoundingClientRect().left >= this.el.stream.getBoundingClientRect().right - 1;
    if (!besideStream && !aside.hidden) yield aside;
    yield* this.el.pinned.children;
    yield this.el.toolbar;
    if (this.sort === 'oldest') yield this.el.pager;
    yield this.el.stream;
    yield* this.el.stream.children;
    if (this.sort === 'newest') yield this.el.pager;
  }
}
