import type { Entry, EntryId } from '../../shared/index.js';
import { entryHtml } from '../../shared/render/index.js';
import { elementFromHtml } from './dom.js';

/** What one reconcile did, for highlights and announcements. */
export interface ReconcileResult {
  /** Entries that got an element for the first time. */
  added: HTMLElement[];
  /** Entries whose element was replaced by a newer version. */
  changed: HTMLElement[];
}

/**
 * The entry `<article>`s of the page, one per entry id, placed into their containers (the
 * pinned card, the stream) in the wanted order. An element is rebuilt only when its entry's
 * version changes; otherwise it is kept (or moved), so focus, playing videos and loaded
 * images survive unrelated updates.
 *
 * @example
 * const elements = new EntryElements(document, existingArticles);
 * elements.reconcile([[pinnedCard, pinned], [stream, entries]]);
 */
export class EntryElements {
  private readonly byId = new Map<EntryId, { el: HTMLElement; version: number }>();

  constructor(
    private readonly doc: Document,
    rendered: Iterable<HTMLElement>,
  ) {
    for (const el of rendered) {
      const id = el.dataset.entryId;
      const version = Number(el.dataset.version);
      if (id !== undefined && Number.isInteger(version)) this.byId.set(id, { el, version });
    }
  }

  /** The element of an entry, if it is on the page. */
  element(id: EntryId): HTMLElement | undefined {
    return this.byId.get(id)?.el;
  }

  /**
   * Makes each container hold exactly its entries, in order. An entry listed in two containers
   * is placed in the first only: an id appears once on the page.
   */
  reconcile(placements: ReadonlyArray<readonly [HTMLElement, readonly Entry[]]>): ReconcileResult {
    const result: ReconcileResult = { added: [], changed: [] };
    const wanted = new Set<EntryId>();
    /** Elements of older versions; they stay in place until the new ones are in, then go. */
    const replaced: HTMLElement[] = [];
    for (const [container, entries] of placements) {
      let ref = container.firstElementChild;
      for (const entry of entries) {
        if (wanted.has(entry.id)) continue;
        wanted.add(entry.id);
        const el = this.ensure(entry, result, replaced);
        if (el === ref) {
          ref = ref.nextElementSibling;
          continue;
        }
        container.insertBefore(el, ref);
      }
      // whatever follows the wanted ones is stale: older versions, deleted or moved entries
      while (ref !== null) {
        const next = ref.nextElementSibling;
        ref.remove();
        ref = next;
      }
    }
    for (const el of replaced) el.remove();
    for (const [id, held] of this.byId) {
      if (wanted.has(id)) continue;
      held.el.remove();
      this.byId.delete(id);
    }
    return result;
  }

  private ensure(entry: Entry, result: ReconcileResult, replaced: HTMLElement[]): HTMLElement {
    const held = this.byId.get(entry.id);
    if (held !== undefined && held.version === entry.version) return held.el;
    const el = elementFromHtml(this.doc, entryHtml(entry, { now: Date.now() }));
    if (held === undefined) {
      result.added.push(el);
    } else {
      replaced.push(held.el);
      result.changed.push(el);
    }
    this.byId.set(entry.id, { el, version: entry.version });
    return el;
  }
}
