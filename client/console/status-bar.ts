import type { ConnectionState } from '../live/index.js';
import type { Reachability } from './connectivity.js';
import { h } from './dom.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  live: 'Live',
  'catching-up': 'Catching up…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * The bar on top of every screen: where the editor is, whether the stream is live, who is
 * signed in; and under it the offline banner, which no editor can miss.
 *
 * @example
 * const bar = new StatusBar(() => app.signOut());
 * bar.where('Storm Ciarán');
 * bar.connection('live');
 */
export class StatusBar {
  readonly element: HTMLElement;
  private readonly crumbs: HTMLElement;
  private readonly crumb: HTMLElement;
  private readonly crumbSep: HTMLElement;
  private readonly conn: HTMLElement;
  private readonly connText: HTMLElement;
  private readonly who: HTMLElement;
  private readonly signOut: HTMLButtonElement;
  private readonly banner: HTMLElement;
  private socket: ConnectionState | undefined;
  private reach: Reachability = 'online';

  constructor(signOut: () => void) {
    this.crumb = h('span', { class: 'c-crumbs__here', 'data-testid': 'crumb-blog' });
    this.crumbSep = h('span', { class: 'c-crumbs__sep', 'aria-hidden': 'true', text: '›' });
    this.connText = h('span', { class: 'c-conn__text' });
    this.conn = h('span', { class: 'c-conn', 'data-testid': 'connection', role: 'status', hidden: true }, [h('span', { class: 'c-conn__dot', 'aria-hidden': 'true' }), this.connText]);
    this.who = h('span', { class: 'c-who', 'data-testid': 'signed-in-as', hidden: true });
    this.signOut = h('button', { type: 'button', class: 'c-btn c-btn--small c-btn--quiet', 'data-testid': 'sign-out', hidden: true, text: 'Sign out' });
    this.signOut.addEventListener('click', signOut);
    this.crumbs = h('nav', { class: 'c-crumbs', 'aria-label': 'Where you are', hidden: true }, [h('a', { href: '#/', text: 'All blogs' }), this.crumbSep, this.crumb]);
    this.banner = h('div', { class: 'c-offline', 'data-testid': 'offline-banner', role: 'alert', hidden: true });
    this.element = h('div', { class: 'c-top' }, [
      h('header', { class: 'c-bar' }, [
        h('div', { class: 'c-bar__inner' }, [
          h('a', { class: 'c-brand', href: '#/' }, [h('span', { class: 'c-brand__mark', 'aria-hidden': 'true' }), 'liveblog', h('span', { class: 'c-brand__sub', text: 'console' })]),
          this.crumbs,
          h('div', { class: 'c-bar__status' }, [this.conn, this.who, this.signOut]),
        ]),
      ]),
      this.banner,
    ]);
    this.where(undefined);
  }

  /** The open blog's title, or undefined on the list of blogs. */
  where(title: string | undefined): void {
    this.crumb.textContent = title ?? '';
    this.crumb.hidden = title === undefined;
    this.crumbSep.hidden = title === undefined;
  }

  signedIn(name: string | undefined): void {
    this.who.replaceChildren(...(name !== undefined ? [h('span', { class: 'c-who__label', text: 'Signed in as ' }), h('strong', { text: name })] : []));
    this.who.hidden = name === undefined;
    this.signOut.hidden = name === undefined;
    this.crumbs.hidden = name === undefined;
  }

  /** The live stream's connection, or undefined when no blog is open. */
  connection(state: ConnectionState | undefined): void {
    this.socket = state;
    this.paint();
  }

  reachability(state: Reachability): void {
    this.reach = state;
    this.paint();
  }

  private paint(): void {
    const state: ConnectionState | undefined = this.reach === 'offline' ? 'offline' : this.socket;
    this.conn.hidden = state === undefined;
    if (state !== undefined) {
      this.conn.dataset.state = state;
      this.connText.textContent = CONNECTION_TEXT[state];
      this.conn.title = state === 'live' ? 'Entries from every editor appear as they are published' : CONNECTION_TEXT[state];
    }
    switch (this.reach) {
      case 'online':
        this.banner.hidden = true;
        this.banner.dataset.state = 'online';
        return;
      case 'offline':
        this.banner.hidden = false;
        this.banner.dataset.state = 'offline';
        this.banner.textContent = 'You are offline. Drafts stay on this device, and what you publish goes out as soon as the connection is back.';
        return;
      case 'unreachable':
        this.banner.hidden = false;
        this.banner.dataset.state = 'unreachable';
        this.banner.textContent = 'The server is not answering. Drafts stay on this device, and publishing is retried by itself.';
        return;
      default:
        this.reach satisfies never;
    }
  }
}
