import { BlogCreateInput, BlogId, LIMITS, type Blog } from '../../shared/index.js';
import { formatRelative, formatUtcDateTime, statusBadgeHtml } from '../../shared/render/index.js';
import { describeFailure, type ConsoleApi } from './api.js';
import { field, h, setFieldError, trustedFragment } from './dom.js';

export interface BlogListDeps {
  api: Pick<ConsoleApi, 'listBlogs' | 'createBlog'>;
  open(blogId: string): void;
  unauthenticated(): void;
}

/**
 * The start screen: every blog (live ones first) to open, and a form to start a new one.
 *
 * @example
 * main.replaceChildren(new BlogListView({ api, open: (id) => location.hash = `#/blogs/${id}`, unauthenticated }).element);
 */
export class BlogListView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly title: HTMLInputElement;

  constructor(private readonly deps: BlogListDeps) {
    this.list = h('div', { class: 'c-bloglist', 'data-testid': 'blog-list', 'aria-busy': 'true' }, [h('p', { class: 'c-empty', text: 'Loading blogs…' })]);
    this.title = h('input', { type: 'text', id: 'c-new-title', 'data-testid': 'blog-create-title', maxlength: LIMITS.titleMaxLength, autocomplete: 'off', placeholder: 'e.g. Storm Ciarán: live updates', required: true });
    const id = h('input', { type: 'text', id: 'c-new-id', 'data-testid': 'blog-create-id', maxlength: LIMITS.blogIdMaxLength, autocomplete: 'off', placeholder: 'from the title', pattern: '[a-z0-9-]+' });
    const message = h('p', { class: 'c-editor__message', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'c-btn c-btn--primary', 'data-testid': 'blog-create-submit', text: 'Start live blog' });
    const form = h('form', { class: 'c-panel c-newblog', novalidate: true, 'aria-labelledby': 'c-newblog-title' }, [
      h('h2', { class: 'c-panel__title', id: 'c-newblog-title', text: 'Start a live blog' }),
      field('Title', this.title),
      field('Address (optional)', id, 'Lowercase letters, digits and dashes: /blogs/your-address'),
      message,
      submit,
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const idText = id.value.trim();
      const input = { title: this.title.value.trim(), ...(idText !== '' ? { id: idText } : {}) };
      const checked = BlogCreateInput.safeParse(input);
      setFieldError(this.title, checked.success ? undefined : checked.error.issues.find((i) => i.path[0] === 'title')?.message);
      setFieldError(id, idText !== '' && !BlogId.safeParse(idText).success ? 'Use only a-z, 0-9 and "-".' : undefined);
      if (!checked.success) return;
      submit.disabled = true;
      void deps.api.createBlog(input).then((result) => {
        submit.disabled = false;
        if (result.ok) return deps.open(result.value.blog.id);
        message.textContent = describeFailure(result.failure);
        if (result.failure.kind === 'refused' && result.failure.code === 'unauthenticated') deps.unauthenticated();
      });
    });
    this.element = h('div', { class: 'c-home' }, [
      h('section', { class: 'c-panel c-home__blogs', 'aria-labelledby': 'c-blogs-title' }, [
        h('div', { class: 'c-panel__head' }, [h('h1', { class: 'c-panel__title', id: 'c-blogs-title', text: 'Live blogs' })]),
        this.list,
      ]),
      form,
    ]);
    void this.load();
  }

  focus(): void {
    this.list.querySelector<HTMLElement>('a')?.focus();
  }

  private async load(): Promise<void> {
    const result = await this.deps.api.listBlogs();
    this.list.setAttribute('aria-busy', 'false');
    if (!result.ok) {
      const retry = h('button', { type: 'button', class: 'c-btn c-btn--small', text: 'Try again' });
      retry.addEventListener('click', () => void this.load());
      this.list.replaceChildren(h('p', { class: 'c-empty', role: 'alert' }, [`${describeFailure(result.failure)} `, retry]));
      return;
    }
    const blogs = [...result.value.blogs].sort((a, b) => rank(a) - rank(b));
    if (blogs.length === 0) {
      this.list.replaceChildren(h('p', { class: 'c-empty', text: 'No live blogs yet. Start the first one.' }));
      return;
    }
    const now = Date.now();
    this.list.replaceChildren(
      h('ul', { class: 'c-bloglist__items' }, blogs.map((blog) => {
        const badge = h('span', { class: 'c-bloglist__status' });
        badge.append(trustedFragment(statusBadgeHtml(blog.status)));
        return h('li', { class: 'c-bloglist__item', 'data-testid': 'blog-item', 'data-blog-id': blog.id, 'data-status': blog.status }, [
          badge,
          h('a', { class: 'c-bloglist__title', href: `#/blogs/${encodeURIComponent(blog.id)}`, text: blog.title }),
          h('span', { class: 'c-bloglist__meta', title: formatUtcDateTime(blog.updatedAt), text: `/${blog.id} · updated ${formatRelative(blog.updatedAt, now)}` }),
        ]);
      })),
    );
  }
}

/** Live blogs first; the server already lists newest first within each. */
function rank(blog: Blog): number {
  return blog.status === 'live' ? 0 : 1;
}
