import type { ConnectionState } from '../live/index.js';

/**
 * Turns connection changes into notes for a person: one when the connection is lost, one
 * when it is back and caught up; nothing for the first connect.
 *
 * @example
 * const noteConnection = connectionNotes(url, (line) => warn(io, line));
 * followBlog(url, page, { ...handlers, connection: noteConnection });
 */
export function connectionNotes(url: string, note: (line: string) => void): (state: ConnectionState) => void {
  let down = false;
  return (state) => {
    switch (state) {
      case 'reconnecting':
      case 'offline':
        if (!down) note(`lost the connection to ${url}; reconnecting (nothing will be missed)`);
        down = true;
        return;
      case 'live':
        if (down) note('connected again and caught up');
        down = false;
        return;
      case 'catching-up':
        return;
      default:
        return state satisfies never;
    }
  };
}
