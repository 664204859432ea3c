/**
 * Keeps what the reader is looking at in place while the page changes above it: the first block
 * visible under the top bar is measured before a change and the window scrolled by however far
 * it moved. Done by hand because `overflow-anchor` is not supported everywhere and picks its own
 * anchor; the stylesheet turns it off so the two never add up.
 */

/** A block the reader may be looking at, and where its top was. */
interface Mark {
  el: Element;
  top: number;
}

export interface AnchorOptions {
  /** Blocks in document order; the first visible one is the anchor, the next ones stand in if it goes away. */
  candidates(): Iterable<Element>;
  /** The stream container: it counts as the anchor only while its top edge is on screen. */
  stream: Element;
  /** How much of the viewport's top the sticky bar covers. */
  viewportTop(): number;
}

/**
 * Records the visible blocks, runs `change`, then scrolls so the first recorded block that is
 * still in the page is where it was. Returns what `change` returned.
 *
 * @example
 * keepAnchored(options, () => stream.prepend(article));
 */
export function keepAnchored<T>(options: AnchorOptions, change: () => T): T {
  const marks = visibleMarks(options);
  const result = change();
  for (const mark of marks) {
    if (!mark.el.isConnected) continue;
    const delta = mark.el.getBoundingClientRect().top - mark.top;
    if (Math.abs(delta) >= 0.5) window.scrollBy(0, delta);
    break;
  }
  return result;
}

/**
 * True when the reader has scrolled past the top of the stream: entries added there are above
 * what they read, so they are counted behind the "N new updates" button instead of shown.
 * A reader who has not reached the stream yet (or sees its top) is "at the top".
 *
 * @example
 * if (!scrolledPastStreamTop(stream, bar)) flash(article, 'entry--new', 4000);
 */
export function scrolledPastStreamTop(stream: Element, viewportTop: number): boolean {
  return stream.getBoundingClientRect().top < viewportTop - 2;
}

function visibleMarks(options: AnchorOptions): Mark[] {
  const top = options.viewportTop();
  const marks: Mark[] = [];
  for (const el of options.candidates()) {
    if (marks.length >= 4) break;
    const rect = el.getBoundingClientRect();
    if (rect.height === 0 && rect.width === 0) continue;
    if (el === options.stream) {
      // inside the stream the entries anchor; the container only while its top is on screen
      if (rect.top >= top - 1 && rect.top < window.innerHeight) marks.push({ el, top: rect.top });
      continue;
    }
    if (rect.bottom > top && rect.top < window.innerHeight) marks.push({ el, top: rect.top });
  }
  return marks;
}
