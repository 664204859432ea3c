import * as z from 'zod';
import { Author } from '../../shared/index.js';

/** Who is signed in in this tab. The token never leaves the tab: sessionStorage, not localStorage. */
export const Session = z.object({ token: z.string().min(1).max(1024), author: Author });
export type Session = z.infer<typeof Session>;

const KEY = 'liveblog.console.session.v1';

/**
 * The session kept for this tab (it survives a reload, not a closed tab), or undefined.
 *
 * @example
 * const session = readSession(window.sessionStorage);
 */
export function readSession(storage: Storage): Session | undefined {
  const raw = safeGet(storage, KEY);
  if (raw === null) return undefined;
  try {
    const parsed = Session.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the session for this tab.
 *
 * @example
 * saveSession(window.sessionStorage, { token, author: { name: 'Ana' } });
 */
export function saveSession(storage: Storage, session: Session): void {
  try {
    storage.setItem(KEY, JSON.stringify(session));
  } catch {
    // storage full or disabled: the console still works until the tab reloads
  }
}

/**
 * Forgets the session (sign out, or a token the server refused).
 *
 * @example
 * clearSession(window.sessionStorage);
 */
export function clearSession(storage: Storage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // nothing kept, nothing to forget
  }
}

function safeGet(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}
