import { BlogPatchInput, LIMITS, type Blog } from '../../shared/index.js';
import { describeFailure, type ConsoleApi } from './api.js';
import { confirmDialog } from './dialogs.js';
import { field, h, setFieldError } from './dom.js';

export interface BlogSettingsDeps {
  api: Pick<ConsoleApi, 'patchBlog'>;
  notify(message: string, tone: 'ok' | 'error'): void;
  unauthenticated(): void;
}

/**
 * The blog's settings in a dialog: title, key points (add, remove, move up and down), and its
 * status (ending it asks first; reopening does not). Saved with `PATCH /api/blogs/:id`; readers
 * and other consoles see the change live.
 *
 * @example
 * settingsButton.onclick = () => void openBlogSettings(blog, { api, notify, unauthenticated });
 */
export async function openBlogSettings(blog: Blog, deps: BlogSettingsDeps): Promise<void> {
  const title = h('input', { type: 'text', id: 'c-settings-title', 'data-testid': 'settings-title', maxlength: LIMITS.titleMaxLength, autocomplete: 'off' });
  title.value = blog.title;
  const points = h('ol', { class: 'c-points', 'data-testid': 'keypoints' });
  const add = h('button', { type: 'button', class: 'c-btn c-btn--small', 'data-testid': 'keypoint-add', text: '+ Add key point' });
  const message = h('p', { class: 'c-editor__message', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'c-btn c-btn--primary', 'data-testid': 'settings-save', text: 'Save' });
  const close = h('button', { type: 'button', class: 'c-btn', 'data-testid': 'settings-close', text: 'Close' });
  const ended = blog.status === 'ended';
  const status = h('button', {
    type: 'button',
    class: ended ? 'c-btn' : 'c-btn c-btn--danger-quiet',
    'data-testid': ended ? 'blog-reopen' : 'blog-end',
    text: ended ? 'Reopen live blog' : 'End live blog…',
  });

  const refresh = (): void => {
    const rows = [...points.children];
    rows.forEach((row, i) => {
      row.querySelector<HTMLButtonElement>('[data-testid="keypoint-up"]')!.disabled = i === 0;
      row.querySelector<HTMLButtonElement>('[data-testid="keypoint-down"]')!.disabled = i === rows.length - 1;
    });
    add.disabled = rows.length >= LIMITS.keyPointsMax;
  };
  const addRow = (text: string, focus: boolean): void => {
    const input = h('input', { type: 'text', class: 'c-points__input', 'data-testid': 'keypoint-input', maxlength: LIMITS.keyPointMaxLength, 'aria-label': 'Key point', autocomplete: 'off' });
    input.value = text;
    const up = h('button', { type: 'button', class: 'c-btn c-btn--icon', 'data-testid': 'keypoint-up', 'aria-label': 'Move up', title: 'Move up', text: '↑' });
    const down = h('button', { type: 'button', class: 'c-btn c-btn--icon', 'data-testid': 'keypoint-down', 'aria-label': 'Move down', title: 'Move down', text: '↓' });
    const remove = h('button', { type: 'button', class: 'c-btn c-btn--icon', 'data-testid': 'keypoint-remove', 'aria-label': 'Remove', title: 'Remove', text: '✕' });
    const row = h('li', { class: 'c-points__row' }, [input, up, down, remove]);
    up.addEventListener('click', () => {
      row.previousElementSibling?.before(row);
      refresh();
      (up.disabled ? down : up).focus();
    });
    down.addEventListener('click', () => {
      row.nextElementSibling?.after(row);
      refresh();
      (down.disabled ? up : down).focus();
    });
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      refresh();
      (next?.querySelector('input') ?? add).focus();
    });
    points.append(row);
    refresh();
    if (focus) input.focus();
  };
  blog.keyPoints.forEach((p) => addRow(p, false));
  add.addEventListener('click', () => addRow('', true));

  const form = h('form', { class: 'c-settings', novalidate: true }, [
    field('Title', title),
    h('div', { class: 'c-field' }, [
      h('span', { class: 'c-field__label', text: `Key points (up to ${LIMITS.keyPointsMax}, shown above the entries)` }),
      points,
      add,
    ]),
    message,
    h('div', { class: 'c-dialog__actions' }, [close, save]),
    h('div', { class: 'c-settings__status' }, [
      h('div', {}, [
        h('h3', { class: 'c-settings__label', text: 'Status' }),
        h('p', { class: 'c-settings__text', text: ended ? 'Ended: readers see the coverage has finished. Publishing is closed.' : 'Live: readers see updates as they are published.' }),
      ]),
      status,
    ]),
  ]);
  const dialog = h('dialog', { class: 'c-dialog', 'data-testid': 'settings-dialog', 'aria-labelledby': 'c-settings-heading' }, [
    h('h2', { class: 'c-dialog__title', id: 'c-settings-heading', text: 'Blog settings' }),
    form,
  ]);

  await new Promise<void>((resolve) => {
    const done = (): void => {
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve();
    };
    close.addEventListener('click', done);
    dialog.addEventListener('close', done);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const keyPoints = [...points.querySelectorAll('input')].map((i) => i.value.trim()).filter((p) => p !== '');
      const patch = { title: title.value.trim(), keyPoints };
      const checked = BlogPatchInput.safeParse(patch);
      setFieldError(title, checked.success ? undefined : checked.error.issues.find((i) => i.path[0] === 'title')?.message);
      if (!checked.success) {
        message.textContent = 'Check the title and key points.';
        return;
      }
      save.disabled = true;
      void deps.api.patchBlog(blog.id, patch).then((result) => {
        save.disabled = false;
        if (result.ok) {
          deps.notify('Settings saved.', 'ok');
          done();
          return;
        }
        message.textContent = describeFailure(result.failure);
        if (result.failure.kind === 'refused' && result.failure.code === 'unauthenticated') deps.unauthenticated();
      });
    });
    status.addEventListener('click', () => {
      void (async () => {
        if (!ended) {
          const sure = await confirmDialog({
            title: 'End this live blog?',
            message: 'Readers will see that the coverage has ended, and no more entries can be published until it is reopened.',
            confirmLabel: 'End live blog',
          });
          if (!sure) return;
        }
        const result = await deps.api.patchBlog(blog.id, { status: ended ? 'live' : 'ended' });
        if (result.ok) {
          deps.notify(ended ? 'The live blog is live again.' : 'The live blog has ended.', 'ok');
          done();
          return;
        }
        message.textContent = describeFailure(result.failure);
        if (result.failure.kind === 'refused' && result.failure.code === 'unauthenticated') deps.unauthenticated();
      })();
    });
    document.body.append(dialog);
    dialog.showModal();
    title.focus();
  });
}
