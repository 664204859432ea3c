import { h } from './dom.js';

/** How long a message stays; errors stay longer, they may need reading twice. */
const OK_MS = 3_500;
const ERROR_MS = 8_000;

/**
 * Short confirmations and errors in a corner, announced to screen readers.
 *
 * @example
 * const toasts = new Toasts();
 * document.body.append(toasts.element);
 * toasts.show('Published.', 'ok');
 */
export class Toasts {
  readonly element: HTMLElement = h('div', { class: 'c-toasts', 'aria-live': 'polite', 'aria-atomic': 'false' });

  show(message: string, tone: 'ok' | 'error'): void {
    const toast = h('div', { class: `c-toast c-toast--${tone}`, 'data-testid': 'toast', role: tone === 'error' ? 'alert' : 'status', text: message });
    this.element.append(toast);
    while (this.element.childElementCount > 3) this.element.firstElementChild?.remove();
    setTimeout(() => toast.remove(), tone === 'error' ? ERROR_MS : OK_MS);
  }
}
