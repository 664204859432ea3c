import type { BlogEvent, Entry } from '../../shared/index.js';
import type { EntryChange } from './state-diff.js';

/** What a stream line reports. */
export type StreamAction = 'created' | 'updated' | 'deleted' | 'blog';

const HEADLINE_MAX = 100;

/**
 * `HH:MM:SS` of a timestamp, in local time.
 *
 * @example
 * clock('2024-05-01T14:03:22.120Z'); // '16:03:22' in Europe/Berlin
 */
export function clock(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * `YYYY-MM-DD HH:MM` of a timestamp, in local time.
 *
 * @example
 * dateTime('2024-05-01T14:03:22.120Z'); // '2024-05-01 16:03' in Europe/Berlin
 */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  const date = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  return `${date} ${clock(iso).slice(0, 5)}`;
}

/**
 * The entry's subheading, else the first line of its text, else its media: what an editor recognizes it by.
 *
 * @example
 * headline({ ...entry, title: undefined, body: '## Roads closed\nThe A9…' }); // 'Roads closed'
 */
export function headline(entry: Entry): string {
  const text = entry.title ?? firstLine(entry.body) ?? entry.media?.caption ?? entry.media?.url ?? `(${entry.kind})`;
  return truncate(text, HEADLINE_MAX);
}

/**
 * The first line of Markdown text that has words, without its heading, quote or list marker.
 *
 * @example
 * firstLine('\n## Roads closed\nThe A9…'); // 'Roads closed'
 */
export function firstLine(markdown: string): string | undefined {
  return markdown
    .split('\n')
    .map((line) => line.replace(/^\s*(#{1,6}\s+|>\s*|[-*+]\s+)/, '').trim())
    .find((line) => line !== '');
}

/**
 * `HH:MM:SS  created  <id>  <text>`: one update, as `tail` and `console` print it.
 *
 * @example
 * streamLine('2024-05-01T14:03:22.120Z', 'created', 'lx2k9a0qf3k9d0s8a1b2c', 'Roads closed');
 */
export function streamLine(at: string, action: StreamAction, id: string, text: string): string {
  return `${clock(at)}  ${action.padEnd(7)}  ${id}  ${text}`;
}

/**
 * The stream line of one event; `previous` is the entry before an edit or delete.
 *
 * @example
 * eventLine(event, change.previous);
 */
export function eventLine(event: BlogEvent, previous: Entry | undefined): string {
  switch (event.type) {
    case 'entry.created':
      return streamLine(event.at, 'created', event.entry.id, headline(event.entry));
    case 'entry.updated':
      return streamLine(event.at, 'updated', event.entry.id, `${headline(event.entry)}${whatChanged(previous, event.entry)}`);
    case 'entry.deleted':
      return streamLine(event.at, 'deleted', event.entryId, previous === undefined ? '' : headline(previous));
    case 'blog.updated':
      return streamLine(event.at, 'blog', event.blog.id, `${truncate(event.blog.title, HEADLINE_MAX)} · ${event.blog.status}`);
    default:
      return event satisfies never;
  }
}

/**
 * The stream line of a change found after a reset (no event carries it, so no event time:
 * an entry's own times, and now for a delete).
 *
 * @example
 * for (const change of changes) say(io, changeLine(change));
 */
export function changeLine(change: EntryChange): string {
  const { action, entry } = change;
  switch (action) {
    case 'created':
      return streamLine(entry.createdAt, action, entry.id, headline(entry));
    case 'updated':
      return streamLine(entry.updatedAt, action, entry.id, headline(entry));
    case 'deleted':
      return streamLine(new Date().toISOString(), action, entry.id, headline(entry));
    default:
      return action satisfies never;
  }
}

/** A short note of the flags an edit changed, so a pin is not mistaken for a text edit. */
function whatChanged(before: Entry | undefined, after: Entry): string {
  if (before === undefined) return '';
  const notes: string[] = [];
  if (before.pinned !== after.pinned) notes.push(after.pinned ? 'pinned' : 'unpinned');
  if (before.keyEvent !== after.keyEvent) notes.push(after.keyEvent ? 'key event' : 'no longer a key event');
  if (after.correction !== undefined && after.correction !== before.correction) notes.push(`correction: ${truncate(after.correction, 60)}`);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}

/**
 * Rows under a header, columns padded to line up; the last column is not padded.
 *
 * @example
 * table(['id', 'status'], [['storm', 'live']]); // ['id     status', 'storm  live']
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * At most `max` characters, with `…` when cut.
 *
 * @example
 * truncate('Roads closed across the county', 12); // 'Roads close…'
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
