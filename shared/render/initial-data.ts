import type { Entry } from '../schemas/entry.js';
import type { Position } from '../schemas/position.js';
import type { Snapshot } from '../schemas/snapshot.js';

/** The id of the `<script type="application/json">` block that hands the rendered state to the browser. */
export const INITIAL_DATA_ID = 'lb-initial';

/**
 * What the server-rendered page was rendered from, so the browser starts from exactly
 * that state and subscribes from `position`: nothing published in between is lost.
 */
export interface InitialPageData {
  blogId: string;
  snapshot: Snapshot;
  position: Position;
  /** Pinned and key-event entries older than the rendered page (shown in the pinned card and the key-events list). */
  extras: Entry[];
  /** The canonical URL of the page, for the structured data kept current in the browser. */
  pageUrl: string;
}

/**
 * Reads the initial data block back. A structural check, not a full schema parse: the block is
 * written by our server into the same response, and a zod parse would weigh more than the
 * rest of the reader's script (the budget is 60 KiB gzipped).
 *
 * @example
 * const data = parseInitialData(JSON.parse(document.getElementById(INITIAL_DATA_ID)!.textContent!));
 */
export function parseInitialData(value: unknown): InitialPageData | undefined {
  if (!isObject(value)) return undefined;
  const { blogId, snapshot, position, extras, pageUrl } = value;
  if (typeof blogId !== 'string' || typeof pageUrl !== 'string' || !Array.isArray(extras)) return undefined;
  if (!isObject(position) || typeof position.epoch !== 'string' || typeof position.seq !== 'number') return undefined;
  if (!isObject(snapshot) || !isObject(snapshot.blog) || !Array.isArray(snapshot.entries)) return undefined;
  if (snapshot.blog.id !== blogId) return undefined;
  if (snapshot.nextCursor !== null && typeof snapshot.nextCursor !== 'string') return undefined;
  if (![...snapshot.entries, ...extras].every(isEntryLike)) return undefined;
  return value as unknown as InitialPageData;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntryLike(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.html === 'string' &&
    typeof value.version === 'number' &&
    typeof value.createdAt === 'string'
  );
}
