import type { Blog } from '../../shared/index.js';
import { statusBadgeHtml } from '../../shared/render/index.js';
import { connect, type ConnectionState, type LiveBlog, type LiveClient } from '../live/index.js';
import type { ConsoleApi } from './api.js';
import { openBlogSettings } from './blog-settings.js';
import { Composer } from './composer.js';
import { h, trustedFragment } from './dom.js';
import { DraftStore } from './draft.js';
import { EntryStream } from './entry-stream.js';
import { PreviewPane } from './preview.js';

export interface WorkspaceDeps {
  api: ConsoleApi;
  blogId: string;
  author: string;
  drafts: DraftStore;
  online(): boolean;
  notify(message: string, tone: 'ok' | 'error'): void;
  unauthenticated(): void;
  /** The live connection's state changed (for the status bar). */
  connection(state: ConnectionState): void;
  /** The blog's title is known or changed (for the status bar and the tab). */
  titled(title: string): void;
}

/**
 * One open blog: its header (status, title, settings), the composer with its live preview, and
 * the live stream of entries. Follows the blog over Socket.IO with `client/live`, so entries
 * from other editors appear as they are published.
 *
 * @example
 * const workspace = new BlogWorkspace({ api, blogId, author, drafts, online, notify, unauthenticated, connection, titled });
 * main.replaceChildren(workspace.element);
 * // later
 * workspace.dispose();
 */
export class BlogWorkspace {
  readonly element: HTMLElement;
  private readonly client: LiveClient;
  private readonly live: LiveBlog;
  private readonly composer: Composer;
  private readonly preview: PreviewPane;
  private readonly stream: EntryStream;
  private readonly header: HTMLElement;
  private blog: Blog | undefined;
  private pointsOpen = false;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly deps: WorkspaceDeps) {
    const { api, blogId } = deps;
    this.client = connect();
    this.live = this.client.subscribe(blogId);
    this.preview = new PreviewPane(api, blogId, deps.author);
    this.composer = new Composer({
      api,
      blogId,
      author: deps.author,
      drafts: deps.drafts,
      online: deps.online,
      draftChanged: (draft) => this.preview.update(draft),
      published: (entry, replayed) => {
        this.stream.highlight(entry.id);
        deps.notify(replayed ? 'Already published: the entry had arrived before the connection dropped.' : 'Published.', 'ok');
      },
      unauthenticated: deps.unauthenticated,
    });
    this.stream = new EntryStream(this.live, { api, blogId, notify: deps.notify, unauthenticated: deps.unauthenticated });
    this.header = h('div', { class: 'c-blogbar', 'data-testid': 'blog-header' }, [h('p', { class: 'c-blogbar__loading', text: 'Opening the blog…' })]);
    const columns = h('div', { class: 'c-columns' }, [
      h('div', { class: 'c-col c-col--write' }, [this.composer.element, this.preview.element]),
      h('div', { class: 'c-col c-col--stream' }, [this.stream.element]),
    ]);
    this.element = h('div', { class: 'c-workspace', 'data-blog-id': blogId }, [this.header, columns]);

    deps.connection(this.client.connection);
    this.offs.push(this.client.onConnection((state) => deps.connection(state)));
    this.offs.push(
      this.live.onChange((change) => {
        if (change.state.blog !== this.blog) this.showBlog(change.state.blog);
      }),
    );
    this.offs.push(
      this.live.onError((error) => {
        columns.hidden = true;
        this.header.replaceChildren(
          h('div', { class: 'c-blogbar__missing', role: 'alert' }, [
            h('p', { text: error.code === 'blog_not_found' ? `There is no live blog “${blogId}”.` : `This blog cannot be followed: ${error.message}` }),
            h('a', { class: 'c-btn', href: '#/', text: 'Back to all blogs' }),
          ]),
        );
      }),
    );
    if (this.live.state !== undefined) this.showBlog(this.live.state.blog);
  }

  focus(): void {
    this.composer.focus();
  }

  online(): void {
    this.composer.online();
    this.preview.retry();
  }

  offline(): void {
    this.composer.offline();
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.composer.dispose();
    this.preview.dispose();
    this.stream.dispose();
    this.client.close();
  }

  private showBlog(blog: Blog): void {
    this.blog = blog;
    this.deps.titled(blog.title);
    this.composer.setStatus(blog.status);
    const settings = h('button', { type: 'button', class: 'c-btn', 'data-testid': 'settings-open', text: 'Settings' });
    settings.addEventListener('click', () => {
      const current = this.blog;
      if (current === undefined) return;
      void openBlogSettings(current, { api: this.deps.api, notify: this.deps.notify, unauthenticated: this.deps.unauthenticated });
    });
    const badge = h('span', { class: 'c-blogbar__status', 'data-testid': 'blog-status', 'data-status': blog.status });
    badge.append(trustedFragment(statusBadgeHtml(blog.status)));
    const points =
      blog.keyPoints.length > 0
        ? h('details', { class: 'c-blogbar__points', 'data-testid': 'blog-keypoints', open: this.pointsOpen }, [
            h('summary', { text: `Key points (${blog.keyPoints.length})` }),
            h('ol', {}, blog.keyPoints.map((p) => h('li', { text: p }))),
          ])
        : h('p', { class: 'c-blogbar__nopoints', text: 'No key points yet: add them in Settings.' });
    // the editor's choice to keep the key points open survives the header being redrawn
    if (points instanceof HTMLDetailsElement) points.addEventListener('toggle', () => (this.pointsOpen = points.open));
    this.header.replaceChildren(
      h('div', { class: 'c-blogbar__main' }, [
        badge,
        h('h1', { class: 'c-blogbar__title', 'data-testid': 'blog-title', text: blog.title }),
        h('div', { class: 'c-blogbar__tools' }, [
          h('a', { class: 'c-btn c-btn--quiet', href: `/blogs/${encodeURIComponent(blog.id)}`, target: '_blank', rel: 'noopener', text: 'Reader page ↗' }),
          settings,
        ]),
      ]),
      points,
    );
  }
}
