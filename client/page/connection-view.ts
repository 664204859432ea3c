import type { ConnectionState } from '../live/index.js';

const LABEL: Record<ConnectionState, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'catching-up': 'Catching up…',
  offline: 'Offline',
};

/**
 * The small connection indicator (`data-state` is a stable test hook) and the reader count.
 *
 * @example
 * const view = new ConnectionView(indicator, readers);
 * client.onConnection((state) => view.connection(state));
 */
export class ConnectionView {
  constructor(
    private readonly indicator: HTMLElement,
    private readonly readers: HTMLElement,
  ) {
    indicator.hidden = false;
  }

  connection(state: ConnectionState): void {
    this.indicator.dataset.state = state;
    const text = this.indicator.querySelector('.connection__text');
    if (text !== null) text.textContent = LABEL[state];
    this.indicator.title = state === 'live' ? 'Updates appear as they are published' : LABEL[state];
  }

  readerCount(count: number): void {
    const number = this.readers.querySelector('.readers__count');
    if (number !== null) number.textContent = count.toLocaleString('en');
    this.readers.setAttribute('aria-label', `${count.toLocaleString('en')} ${count === 1 ? 'person' : 'people'} reading now`);
    this.readers.hidden = false;
  }
}
