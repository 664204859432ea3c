import { LIMITS } from '../../shared/index.js';
import { tidyBody } from './body-input.js';

/** What the next post will carry besides its text; reset after each post. */
export interface NextPost {
  title: string | undefined;
  keyEvent: boolean;
  pinned: boolean;
}

/** One paragraph to publish, with the settings it was typed under. */
export interface Draft extends NextPost {
  body: string;
}

/** What the console must do after a line. */
export type SessionStep =
  | { kind: 'publish'; draft: Draft }
  | { kind: 'note'; text: string }
  | { kind: 'retry' }
  | { kind: 'quit' };

export const CONSOLE_HELP = [
  'Type the entry; a blank line publishes it, Ctrl+D publishes it and leaves. Commands:',
  '  /title T   subheading for the next post (/title alone removes it)',
  '  /key       toggle: the next post is a key event',
  '  /pin       toggle: pin the next post',
  '  /retry     send again what could not be sent (same Idempotency-Key: never twice)',
  '  /help      this help',
  '  /quit      leave (Ctrl+C drops the text being typed)',
  'Start a line with // to begin it with a single /.',
] as const;

const FRESH: NextPost = { title: undefined, keyEvent: false, pinned: false };

/**
 * The typing side of `liveblog console`: collects lines into a draft, reads `/commands`, and
 * says when to publish. Pure: the caller owns the terminal and the network.
 *
 * @example
 * const session = new ConsoleSession();
 * session.input('Roads are closed.'); // []
 * session.input('');                  // [{ kind: 'publish', draft: { body: 'Roads are closed.', … } }]
 */
export class ConsoleSession {
  private lines: string[] = [];
  private next: NextPost = { ...FRESH };
  private quitAsked = false;

  /** True while text is typed but not sent. */
  get drafting(): boolean {
    return this.lines.length > 0;
  }

  /** The prompt: what the next post will be, and whether this line continues a paragraph. */
  prompt(): string {
    const marks = [this.next.keyEvent ? 'key' : '', this.next.pinned ? 'pin' : '', this.next.title === undefined ? '' : `"${this.next.title}"`]
      .filter((m) => m !== '')
      .join(' ');
    return `${marks === '' ? '' : `[${marks}] `}${this.drafting ? '… ' : '> '}`;
  }

  input(line: string): SessionStep[] {
    if (line.trim() === '') return this.send();
    if (line.startsWith('//')) return this.add(line.slice(1));
    if (line.startsWith('/')) return this.command(line);
    return this.add(line);
  }

  /** End of input (Ctrl+D, or the end of piped text): publishes what is typed, then quits. */
  end(): SessionStep[] {
    return [...this.send(), { kind: 'quit' }];
  }

  /** Ctrl+C: drops the text being typed; a second one on an empty draft quits. */
  interrupt(): SessionStep[] {
    if (!this.drafting) return [{ kind: 'quit' }];
    this.lines = [];
    return [{ kind: 'note', text: 'dropped the text you were typing (Ctrl+C again or /quit leaves)' }];
  }

  private add(line: string): SessionStep[] {
    this.quitAsked = false;
    this.lines.push(line);
    return [];
  }

  private send(): SessionStep[] {
    const body = tidyBody(this.lines.join('\n'));
    this.lines = [];
    if (body === '') return [];
    const draft: Draft = { ...this.next, body };
    this.next = { ...FRESH };
    return [{ kind: 'publish', draft }];
  }

  private command(line: string): SessionStep[] {
    const match = /^\/(\S*)\s*(.*)$/.exec(line);
    const name = match?.[1] ?? '';
    const arg = (match?.[2] ?? '').trim();
    switch (name) {
      case 'title':
        return this.setTitle(arg);
      case 'key':
        this.next.keyEvent = !this.next.keyEvent;
        return [{ kind: 'note', text: this.next.keyEvent ? 'the next post is a key event' : 'the next post is not a key event' }];
      case 'pin':
        this.next.pinned = !this.next.pinned;
        return [{ kind: 'note', text: this.next.pinned ? 'the next post will be pinned' : 'the next post will not be pinned' }];
      case 'retry':
        return [{ kind: 'retry' }];
      case 'help':
        return CONSOLE_HELP.map((text) => ({ kind: 'note', text }));
      case 'quit':
        if (this.drafting && !this.quitAsked) {
          this.quitAsked = true;
          return [{ kind: 'note', text: 'the text you are typing is not sent yet: a blank line sends it, /quit again drops it' }];
        }
        return [{ kind: 'quit' }];
      default:
        return [{ kind: 'note', text: `unknown command /${name}; /help lists them (start with // for a literal /)` }];
    }
  }

  private setTitle(title: string): SessionStep[] {
    if (title === '') {
      this.next.title = undefined;
      return [{ kind: 'note', text: 'the next post has no subheading' }];
    }
    if (title.length > LIMITS.titleMaxLength) {
      return [{ kind: 'note', text: `a subheading has at most ${LIMITS.titleMaxLength} characters; this one has ${title.length}` }];
    }
    this.next.title = title;
    return [{ kind: 'note', text: `the next post has the subheading "${title}"` }];
  }
}
