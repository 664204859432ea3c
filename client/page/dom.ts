/**
 * The element with `id`, of the expected type, or an error naming what the page is missing:
 * the server renders every element the script needs, so a miss is a template bug.
 *
 * @example
 * const stream = requireElement(document, 'lb-stream', HTMLElement);
 */
export function requireElement<T extends Element>(doc: Document, id: string, type: { new (): T; prototype: T }): T {
  const el = doc.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id}`);
  return el;
}

/**
 * One element from trusted markup (our own render functions, whose only raw HTML is the
 * entry's server-sanitized `html`). A `<template>` parses without running anything.
 *
 * @example
 * const article = elementFromHtml(document, entryHtml(entry, { now: Date.now() }));
 */
export function elementFromHtml(doc: Document, html: string): HTMLElement {
  const template = doc.createElement('template');
  template.innerHTML = html;
  const el = template.content.firstElementChild;
  if (!(el instanceof HTMLElement)) throw new Error('markup did not yield an element');
  return el;
}

/**
 * Adds `className` for as long as its CSS animation runs (with a timeout in case it never starts,
 * e.g. under `prefers-reduced-motion`).
 *
 * @example
 * flash(article, 'entry--new', 4000);
 */
export function flash(el: HTMLElement, className: string, maxMs: number): void {
  el.classList.remove(className);
  // restart the animation when the class was already there
  void el.offsetWidth;
  el.classList.add(className);
  const done = (): void => {
    el.classList.remove(className);
    el.removeEventListener('animationend', done);
  };
  el.addEventListener('animationend', done);
  setTimeout(done, maxMs);
}
