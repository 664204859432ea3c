import type { Entry } from '../../shared/index.js';
import { entryHtml, formatUtcTime } from '../../shared/render/index.js';
import { h, trustedFragment } from './dom.js';
import { showDialog } from './dialogs.js';

/** What the editor decided: drop their own edit, save it over the other one, or go back to the form. */
export type ConflictChoice = 'theirs' | 'mine' | 'back';

const LABELS: readonly [keyof Entry, string][] = [
  ['kind', 'kind'],
  ['title', 'subheading'],
  ['body', 'text'],
  ['attribution', 'attribution'],
  ['media', 'media'],
  ['correction', 'correction note'],
  ['pinned', 'pinned'],
  ['keyEvent', 'key event'],
];

/**
 * The fields `a` and `b` differ in, as words for the editor.
 *
 * @example
 * changedFields(base, theirs); // ['text', 'pinned']
 */
export function changedFields(a: Entry, b: Entry): string[] {
  return LABELS.filter(([key]) => JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null)).map(([, label]) => label);
}

function column(kind: 'theirs' | 'mine', heading: string, detail: string, entry: Entry): HTMLElement {
  const stream = h('div', { class: 'stream' });
  stream.append(trustedFragment(entryHtml(entry, { now: Date.now() })));
  stream.querySelectorAll('a.entry__time').forEach((a) => a.removeAttribute('href'));
  // two articles with the same id in one document would confuse anchors and assistive tech
  stream.querySelectorAll('[id]').forEach((el) => el.setAttribute('id', `${el.id}-${kind}`));
  stream.querySelectorAll('[aria-labelledby]').forEach((el) => el.setAttribute('aria-labelledby', `${el.getAttribute('aria-labelledby') ?? ''}-${kind}`));
  return h('section', { class: `c-conflict__side c-conflict__side--${kind}`, 'data-testid': `conflict-${kind}` }, [
    h('h3', { class: 'c-conflict__heading', text: heading }),
    h('p', { class: 'c-conflict__detail', text: detail }),
    stream,
  ]);
}

/**
 * The 409 made visible: the version saved meanwhile next to the editor's own, and the choice.
 * "Keep mine" saves the editor's text over theirs (the caller re-sends with their version).
 *
 * @example
 * const choice = await conflictDialog({ base, theirs: details.current, mine });
 */
export function conflictDialog(spec: { base: Entry; theirs: Entry; mine: Entry }): Promise<ConflictChoice> {
  const { base, theirs, mine } = spec;
  const theirChanges = changedFields(base, theirs);
  const summary =
    theirChanges.length > 0
      ? `Since you opened it (version ${base.version}), someone saved version ${theirs.version} and changed its ${theirChanges.join(', ')}.`
      : `Since you opened it (version ${base.version}), someone saved version ${theirs.version}.`;
  return showDialog<ConflictChoice>({
    title: 'This entry was changed while you were editing',
    testid: 'conflict-dialog',
    wide: true,
    dismissed: 'back',
    body: [
      h('p', { class: 'c-conflict__summary', text: summary }),
      h('div', { class: 'c-conflict' }, [
        column('theirs', `Theirs · version ${theirs.version}`, `Saved ${formatUtcTime(theirs.updatedAt)} UTC; this is what readers see now.`, theirs),
        column('mine', 'Yours', `Your edit of version ${base.version}, not saved.`, mine),
      ]),
    ],
    buttons: [
      { label: 'Back to my edit', value: 'back', testid: 'conflict-back' },
      { label: 'Take theirs', value: 'theirs', testid: 'conflict-take-theirs' },
      { label: 'Keep mine', value: 'mine', testid: 'conflict-keep-mine', look: 'primary', focus: true },
    ],
  });
}
