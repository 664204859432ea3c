import type { LiveBlog } from '../live/index.js';

/**
 * "Load older": a real link to `?cursor=` (it works without JavaScript); with JavaScript the
 * page loads the next page in place through the live blog instead of navigating away.
 *
 * @example
 * const loader = new OlderLoader(pager, live);
 * loader.update(state.olderCursor, blogId, true);
 */
export class OlderLoader {
  private loading = false;

  constructor(
    private readonly pager: HTMLElement,
    private readonly live: LiveBlog,
  ) {
    pager.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest('a.load-older');
      if (link === null || link === undefined) return;
      event.preventDefault();
      void this.loadNext();
    });
  }

  /** Shows the link for `cursor`, or the end of the blog when there is nothing older (and something at all). */
  update(cursor: string | null, blogId: string, hasEntries: boolean): void {
    if (this.loading) return;
    if (cursor === null) {
      const end = hasEntries ? '<p class="pager__end">You have reached the start of this live blog.</p>' : '';
      if (this.pager.innerHTML !== end) this.pager.innerHTML = end;
      return;
    }
    let link = this.pager.querySelector<HTMLAnchorElement>('a.load-older');
    if (link === null) {
      this.pager.innerHTML = '<a class="load-older" data-testid="load-older" rel="next">Load older updates</a>';
      link = this.pager.querySelector<HTMLAnchorElement>('a.load-older');
    }
    link?.setAttribute('href', `/blogs/${encodeURIComponent(blogId)}?cursor=${encodeURIComponent(cursor)}`);
  }

  /** Loads one older page; resolves false when there was nothing to load or it failed. */
  async loadNext(): Promise<boolean> {
    if (this.loading) return false;
    const link = this.pager.querySelector<HTMLAnchorElement>('a.load-older');
    this.loading = true;
    link?.setAttribute('aria-busy', 'true');
    if (link !== null) link.textContent = 'Loading…';
    try {
      const result = await this.live.loadOlder();
      if (link !== null) link.textContent = 'Load older updates';
      return result === 'loaded';
    } catch {
      if (link !== null) link.textContent = 'Could not load older updates. Try again';
      return false;
    } finally {
      link?.removeAttribute('aria-busy');
      this.loading = false;
      const state = this.live.state;
      if (state !== undefined) this.update(state.olderCursor, state.blogId, state.order.length > 0);
    }
  }
}
