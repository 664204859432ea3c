import { h, type Child } from './dom.js';

export interface DialogButton<T> {
  label: string;
  value: T;
  testid: string;
  /** `primary` is the main action, `danger` a destructive one. */
  look?: 'primary' | 'danger' | 'plain';
  /** Focused when the dialog opens (the safe choice for destructive questions). */
  focus?: boolean;
}

/**
 * A modal `<dialog>`: focus is trapped by the browser, Escape answers `dismissed`, and the
 * dialog is removed once answered. Resolves with the chosen button's value.
 *
 * @example
 * const answer = await showDialog({ title: 'Delete?', body: [h('p', { text: '…' })], testid: 'confirm-dialog',
 *   buttons: [{ label: 'Cancel', value: false, testid: 'confirm-cancel' }, { label: 'Delete', value: true, testid: 'confirm-ok', look: 'danger' }],
 *   dismissed: false });
 */
export function showDialog<T>(spec: { title: string; body: readonly Child[]; buttons: readonly DialogButton<T>[]; dismissed: T; testid: string; wide?: boolean }): Promise<T> {
  return new Promise((resolve) => {
    const titleId = `c-dialog-title-${Math.random().toString(36).slice(2, 8)}`;
    const buttons = spec.buttons.map((b) =>
      h('button', { type: 'button', class: `c-btn c-btn--${b.look ?? 'plain'}`, 'data-testid': b.testid, autofocus: b.focus === true, text: b.label }),
    );
    const dialog = h('dialog', { class: `c-dialog${spec.wide === true ? ' c-dialog--wide' : ''}`, 'data-testid': spec.testid, 'aria-labelledby': titleId }, [
      h('h2', { class: 'c-dialog__title', id: titleId, text: spec.title }),
      h('div', { class: 'c-dialog__body' }, spec.body),
      h('div', { class: 'c-dialog__actions' }, buttons),
    ]);
    let answered = false;
    const answer = (value: T): void => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(value);
    };
    spec.buttons.forEach((b, i) => buttons[i]?.addEventListener('click', () => answer(b.value)));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      answer(spec.dismissed);
    });
    document.body.append(dialog);
    dialog.showModal();
    const focused = spec.buttons.findIndex((b) => b.focus === true);
    if (focused >= 0) buttons[focused]?.focus();
  });
}

/**
 * Asks before something that cannot be undone. Cancel has the focus, so Enter does not destroy.
 *
 * @example
 * if (await confirmDialog({ title: 'Delete this entry?', message: 'Readers will no longer see it.', confirmLabel: 'Delete' })) remove();
 */
export function confirmDialog(spec: { title: string; message: string; confirmLabel: string; danger?: boolean }): Promise<boolean> {
  return showDialog<boolean>({
    title: spec.title,
    body: [h('p', { text: spec.message })],
    testid: 'confirm-dialog',
    dismissed: false,
    buttons: [
      { label: 'Cancel', value: false, testid: 'confirm-cancel', focus: true },
      { label: spec.confirmLabel, value: true, testid: 'confirm-ok', look: spec.danger === false ? 'primary' : 'danger' },
    ],
  });
}
