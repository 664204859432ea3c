/** Attribute values for {@link h}: `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | null | undefined | false;

/**
 * Builds an element without parsing HTML: text is always text, so nothing an editor or another
 * editor typed can become markup. `text` sets the text content; other keys are attributes.
 *
 * @example
 * h('button', { type: 'button', class: 'c-btn', 'data-testid': 'publish', text: 'Publish' });
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Appends children, skipping the empty ones (so conditionals can be written inline).
 *
 * @example
 * append(list, [h('li', { text: 'one' }), show && h('li', { text: 'two' })]);
 */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * Replaces every child of `parent`.
 *
 * @example
 * replaceChildren(panel, [h('p', { text: 'Nothing yet' })]);
 */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.textContent = '';
  append(parent, children);
}

/**
 * Nodes from our own render functions (`shared/render`), whose only raw HTML is an entry's
 * server-sanitized `html`. A `<template>` parses without running anything.
 *
 * @example
 * box.replaceChildren(trustedFragment(entryHtml(entry, { now: Date.now() })));
 */
export function trustedFragment(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/**
 * A labelled form field: label, control, an optional hint, and an error line that
 * {@link setFieldError} fills (wired with `aria-describedby`).
 *
 * @example
 * const body = h('textarea', { id: 'c-body' });
 * form.append(field('Text (Markdown)', body, 'Ctrl+Enter publishes'));
 */
export function field(label: string, control: HTMLElement, hint?: string, extraClass = ''): HTMLElement {
  const id = control.id !== '' ? control.id : (control.id = uniqueId('c-field'));
  const hintEl = hint !== undefined ? h('p', { class: 'c-field__hint', id: `${id}-hint`, text: hint }) : null;
  const error = h('p', { class: 'c-field__error', id: `${id}-error`, hidden: true, role: 'alert' });
  control.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: `c-field ${extraClass}`.trim(), 'data-field': control.dataset.name }, [
    h('label', { class: 'c-field__label', for: id, text: label }),
    control,
    hintEl,
    error,
  ]);
}

/**
 * Shows (or clears, with `undefined`) the error line of a field built with {@link field}.
 *
 * @example
 * setFieldError(urlInput, 'must be an https:// URL');
 */
export function setFieldError(control: HTMLElement, message: string | undefined): void {
  const error = document.getElementById(`${control.id}-error`);
  if (error === null) return;
  error.textContent = message ?? '';
  error.hidden = message === undefined;
  if (message === undefined) control.removeAttribute('aria-invalid');
  else control.setAttribute('aria-invalid', 'true');
}

let counter = 0;

/**
 * A document-unique id with a readable prefix.
 *
 * @example
 * uniqueId('c-edit'); // 'c-edit-3'
 */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
