import { requireElement } from './dom.js';

/** The parts of the server-rendered live page the script works on. */
export interface PageElements {
  headerSlot: HTMLElement;
  keyEvents: HTMLElement;
  pinned: HTMLElement;
  toolbar: HTMLElement;
  sortSwitch: HTMLElement;
  newUpdates: HTMLButtonElement;
  stream: HTMLElement;
  pager: HTMLElement;
  empty: HTMLElement | null;
  announcer: HTMLElement;
  connection: HTMLElement;
  readers: HTMLElement;
  jsonLd: HTMLScriptElement | null;
  topBar: HTMLElement | null;
}

/**
 * Finds them; throws naming the first one missing.
 *
 * @example
 * const elements = findPageElements(document);
 */
export function findPageElements(doc: Document): PageElements {
  const stream = requireElement(doc, 'lb-stream', HTMLElement);
  const q = <T extends Element>(selector: string, type: { new (): T; prototype: T }): T => {
    const el = doc.querySelector(selector);
    if (!(el instanceof type)) throw new Error(`the page has no ${selector}`);
    return el;
  };
  return {
    headerSlot: q('.layout__header', HTMLElement),
    keyEvents: requireElement(doc, 'lb-key-events', HTMLElement),
    pinned: requireElement(doc, 'lb-pinned', HTMLElement),
    toolbar: q('.stream-toolbar', HTMLElement),
    sortSwitch: q('.sort-switch', HTMLElement),
    newUpdates: q('button.new-updates', HTMLButtonElement),
    stream,
    pager: requireElement(doc, 'lb-pager', HTMLElement),
    empty: doc.getElementById('lb-empty'),
    announcer: requireElement(doc, 'lb-announcer', HTMLElement),
    connection: q('.connection', HTMLElement),
    readers: q('.readers', HTMLElement),
    jsonLd: doc.querySelector<HTMLScriptElement>('#lb-jsonld'),
    topBar: doc.querySelector<HTMLElement>('.topbar'),
  };
}
