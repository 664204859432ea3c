/**
 * New entries the reader has not seen yet: counted on the "N new updates" button (when scrolled
 * down) and as "(N) " before the tab title (when scrolled down or in a background tab).
 *
 * @example
 * const unseen = new UnseenUpdates(document, button, () => revealNewest());
 * unseen.add(2, { button: true });
 */
export class UnseenUpdates {
  private pending = 0;
  private baseTitle: string;

  constructor(
    private readonly doc: Document,
    private readonly button: HTMLButtonElement,
    onReveal: (count: number) => void,
  ) {
    this.baseTitle = doc.title;
    button.addEventListener('click', () => {
      const count = this.pending;
      this.clear();
      onReveal(count);
    });
  }

  get count(): number {
    return this.pending;
  }

  /** Counts `n` more; `button` shows the button (the new entries are above the reader's view). */
  add(n: number, options: { button: boolean }): void {
    if (n <= 0) return;
    this.pending += n;
    const text = this.button.querySelector('.new-updates__text');
    if (text !== null) text.textContent = this.pending === 1 ? '1 new update' : `${this.pending} new updates`;
    if (options.button) this.button.hidden = false;
    this.writeTitle();
  }

  /** The reader has seen them (scrolled to the top, came back to the tab, or clicked). */
  clear(): void {
    if (this.pending === 0 && this.button.hidden) return;
    this.pending = 0;
    this.button.hidden = true;
    this.writeTitle();
  }

  /** The title without the count changed (the blog was renamed or ended). */
  setBaseTitle(title: string): void {
    this.baseTitle = title;
    this.writeTitle();
  }

  private writeTitle(): void {
    const title = this.pending > 0 ? `(${this.pending}) ${this.baseTitle}` : this.baseTitle;
    if (this.doc.title !== title) this.doc.title = title;
  }
}
