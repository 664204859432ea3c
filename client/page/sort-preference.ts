import type { SortDirection } from '../state/index.js';

const KEY = 'liveblog:sort';

/**
 * The reader's newest/oldest choice, remembered across visits. Storage may be blocked
 * (privacy settings, sandboxed frames): then the choice lasts for the page only.
 *
 * @example
 * const sort = readSortPreference(window.localStorage);
 */
export function readSortPreference(storage: () => Storage): SortDirection {
  try {
    return storage().getItem(KEY) === 'oldest' ? 'oldest' : 'newest';
  } catch {
    return 'newest';
  }
}

/**
 * Remembers the choice; silently does nothing when storage is unavailable.
 *
 * @example
 * writeSortPreference(() => window.localStorage, 'oldest');
 */
export function writeSortPreference(storage: () => Storage, sort: SortDirection): void {
  try {
    storage().setItem(KEY, sort);
  } catch {
    // not remembered; the switch still works for this page
  }
}

/**
 * Wires the segmented newest/oldest switch: shows it (it is useless without JavaScript),
 * reflects the current choice in `aria-pressed`, and reports clicks.
 *
 * @example
 * const setPressed = wireSortSwitch(group, 'newest', (sort) => page.setSort(sort));
 */
export function wireSortSwitch(group: HTMLElement, initial: SortDirection, choose: (sort: SortDirection) => void): (sort: SortDirection) => void {
  const buttons = [...group.querySelectorAll<HTMLButtonElement>('button[data-sort]')];
  const reflect = (sort: SortDirection): void => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.sort === sort));
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const sort: SortDirection = button.dataset.sort === 'oldest' ? 'oldest' : 'newest';
      reflect(sort);
      choose(sort);
    });
  }
  reflect(initial);
  group.hidden = false;
  return reflect;
}
