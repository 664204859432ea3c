import { ConsoleApi, describeFailure } from './api.js';
import { field, h } from './dom.js';
import type { Session } from './session.js';

export interface SignInDeps {
  /** The token was accepted. */
  signedIn(session: Session): void;
  /** Shown above the form, e.g. why the editor was signed out. */
  notice?: string;
  onReachability(reachable: boolean): void;
}

/**
 * The sign-in screen: one token field. The token is checked with an authenticated request
 * (`POST /api/preview` with an empty body) before the console opens; a refused token says so.
 *
 * @example
 * main.replaceChildren(new SignInView({ signedIn: (s) => app.start(s), onReachability }).element);
 */
export class SignInView {
  readonly element: HTMLElement;
  private readonly token: HTMLInputElement;

  constructor(deps: SignInDeps) {
    this.token = h('input', { type: 'password', id: 'c-token', 'data-testid': 'signin-token', autocomplete: 'current-password', spellcheck: 'false', required: true });
    const error = h('p', { class: 'c-signin__error', 'data-testid': 'signin-error', role: 'alert', hidden: deps.notice === undefined, text: deps.notice ?? '' });
    const submit = h('button', { type: 'submit', class: 'c-btn c-btn--primary c-btn--wide', 'data-testid': 'signin-submit', text: 'Sign in' });
    const form = h('form', { class: 'c-signin', novalidate: true, 'aria-labelledby': 'c-signin-title' }, [
      h('h1', { class: 'c-signin__title', id: 'c-signin-title', text: 'Sign in to the console' }),
      h('p', { class: 'c-signin__lead', text: 'Publish to your live blogs, see every entry as it goes out, and fix what needs fixing.' }),
      field('Editor token', this.token, 'Kept for this tab only; closing the tab signs you out.'),
      error,
      submit,
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = this.token.value.trim();
      if (token === '') {
        error.textContent = 'Paste your editor token.';
        error.hidden = false;
        this.token.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Checking…';
      void new ConsoleApi(token, { onReachability: deps.onReachability }).preview('').then((result) => {
        submit.disabled = false;
        submit.textContent = 'Sign in';
        if (result.ok) return deps.signedIn({ token, author: result.value.author });
        const failure = result.failure;
        error.hidden = false;
        error.textContent =
          failure.kind === 'refused' && failure.code === 'unauthenticated'
            ? 'Token refused. Check that it is complete, or ask an admin for a new one.'
            : describeFailure(failure);
        this.token.select();
      });
    });
    this.element = h('div', { class: 'c-signin__wrap' }, [form]);
  }

  focus(): void {
    this.token.focus();
  }
}
