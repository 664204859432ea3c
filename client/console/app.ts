import { BlogId } from '../../shared/index.js';
import { ConsoleApi, describeWarning } from './api.js';
import { BlogListView } from './blog-list.js';
import { BlogWorkspace } from './blog-workspace.js';
import { Connectivity } from './connectivity.js';
import { DraftStore } from './draft.js';
import { h } from './dom.js';
import { clearSession, readSession, saveSession, type Session } from './session.js';
import { SignInView } from './sign-in.js';
import { StatusBar } from './status-bar.js';
import { Toasts } from './toasts.js';

/** Where the editor is: the hash keeps it across reloads and gives the back button meaning. */
export type Route = { screen: 'blogs' } | { screen: 'blog'; blogId: string };

/**
 * The route a location hash names: `#/blogs/<id>` is a blog, anything else the list.
 *
 * @example
 * routeOf('#/blogs/storm'); // { screen: 'blog', blogId: 'storm' }
 */
export function routeOf(hash: string): Route {
  const match = /^#\/blogs\/([^/?#]+)$/.exec(hash);
  if (match?.[1] === undefined) return { screen: 'blogs' };
  const id = BlogId.safeParse(safeDecode(match[1]));
  return id.success ? { screen: 'blog', blogId: id.data } : { screen: 'blogs' };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/**
 * The console: signs in, then shows the list of blogs or one blog, following the hash.
 * The session lives in sessionStorage (this tab only), drafts in localStorage (this device).
 *
 * @example
 * new ConsoleApp(document.getElementById('console-root')!, window).start();
 */
export class ConsoleApp {
  private readonly bar: StatusBar;
  private readonly main: HTMLElement;
  private readonly toasts = new Toasts();
  private readonly connectivity: Connectivity;
  private readonly drafts: DraftStore;
  private session: Session | undefined;
  private api: ConsoleApi | undefined;
  private workspace: BlogWorkspace | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly win: Window,
  ) {
    this.bar = new StatusBar(() => this.signOut());
    this.main = h('main', { class: 'c-main', id: 'c-main', tabindex: '-1' });
    this.connectivity = new Connectivity(win);
    this.drafts = new DraftStore(storageOf(() => win.localStorage));
  }

  start(): void {
    this.root.replaceChildren(this.bar.element, this.main, this.toasts.element);
    this.bar.reachability(this.connectivity.state);
    this.connectivity.onChange((state) => {
      this.bar.reachability(state);
      if (state === 'offline') this.workspace?.offline();
      if (state === 'online') this.workspace?.online();
    });
    this.win.addEventListener('hashchange', () => this.show());
    const session = readSession(this.sessionStorage());
    if (session !== undefined) this.signedIn(session, false);
    else this.showSignIn(undefined);
  }

  private sessionStorage(): Storage {
    return this.win.sessionStorage;
  }

  private signedIn(session: Session, fresh: boolean): void {
    this.session = session;
    this.api = new ConsoleApi(session.token, {
      onReachability: (ok) => this.connectivity.report(ok),
      onWarning: (warning) => this.toasts.show(describeWarning(warning), 'error'),
    });
    if (fresh) saveSession(this.sessionStorage(), session);
    this.bar.signedIn(session.author.name);
    this.show();
  }

  private signOut(notice?: string): void {
    this.leave();
    this.session = undefined;
    this.api = undefined;
    clearSession(this.sessionStorage());
    this.bar.signedIn(undefined);
    this.showSignIn(notice);
  }

  private showSignIn(notice: string | undefined): void {
    this.leave();
    this.bar.where(undefined);
    this.win.document.title = 'Sign in · liveblog console';
    const view = new SignInView({ notice, signedIn: (session) => this.signedIn(session, true), onReachability: (ok) => this.connectivity.report(ok) });
    this.main.replaceChildren(view.element);
    view.focus();
  }

  private show(): void {
    const api = this.api;
    const session = this.session;
    if (api === undefined || session === undefined) return;
    const route = routeOf(this.win.location.hash);
    this.leave();
    const unauthenticated = (): void => this.signOut('Your token was refused (it may have been revoked). Sign in again; your drafts are kept on this device.');
    switch (route.screen) {
      case 'blogs': {
        this.bar.where(undefined);
        this.win.document.title = 'Live blogs · liveblog console';
        const view = new BlogListView({ api, open: (id) => (this.win.location.hash = `#/blogs/${encodeURIComponent(id)}`), unauthenticated });
        this.main.replaceChildren(view.element);
        return;
      }
      case 'blog': {
        const workspace = new BlogWorkspace({
          api,
          blogId: route.blogId,
          author: session.author.name,
          drafts: this.drafts,
          online: () => this.connectivity.browserSaysOnline,
          notify: (message, tone) => this.toasts.show(message, tone),
          unauthenticated,
          connection: (state) => {
            this.bar.connection(state);
            // the socket got through: whatever failed before, the server answers again
            if (state === 'live') this.connectivity.report(true);
          },
          titled: (title) => {
            this.bar.where(title);
            this.win.document.title = `${title} · liveblog console`;
          },
        });
        this.workspace = workspace;
        this.main.replaceChildren(workspace.element);
        workspace.focus();
        return;
      }
      default:
        route satisfies never;
    }
  }

  private leave(): void {
    // a dialog of the screen being left (settings, a confirmation) must not float over the next one
    for (const dialog of this.win.document.querySelectorAll('dialog')) dialog.remove();
    this.workspace?.dispose();
    this.workspace = undefined;
    this.bar.connection(undefined);
  }
}

/** localStorage, or undefined where the browser refuses it (privacy modes): drafts then live only in the page. */
function storageOf(get: () => Storage): Storage | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
