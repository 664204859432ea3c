import { clearLine, cursorTo, type Interface } from 'node:readline';
import type { CliIo } from './io.js';

/**
 * Output of the interactive console. At a terminal, a line arriving while the editor types
 * is printed above the prompt, and the prompt is drawn again with the text typed so far;
 * with piped streams lines are simply written.
 *
 * @example
 * const screen = new Screen(io, interactive ? rl : undefined);
 * screen.line('14:03:22  created  lx2k…  Roads closed');
 */
export class Screen {
  private open = true;

  constructor(
    private readonly io: CliIo,
    private readonly prompt: Interface | undefined,
  ) {}

  /** A stream line or a result: stdout. */
  line(text: string): void {
    this.write(this.io.stdout, text);
  }

  /** Help and notes: stdout at a terminal, stderr when stdout is a pipe (it carries only the stream). */
  note(text: string): void {
    if (this.prompt !== undefined) this.write(this.io.stdout, text);
    else this.write(this.io.stderr, `liveblog: ${text}`);
  }

  /** Something went wrong: stderr. */
  error(text: string): void {
    this.write(this.io.stderr, `liveblog: ${text}`);
  }

  /** Text as it is, on stderr (e.g. an unsent entry, so that it is not lost). */
  plain(text: string): void {
    this.write(this.io.stderr, text);
  }

  /** No prompt to redraw any more (the console is closing). */
  close(): void {
    // later lines (the last results) must not follow the abandoned prompt
    if (this.prompt !== undefined && this.open) {
      clearLine(this.io.stdout, 0);
      cursorTo(this.io.stdout, 0);
    }
    this.open = false;
  }

  private write(stream: NodeJS.WriteStream, text: string): void {
    const redraw = this.prompt !== undefined && this.open;
    if (redraw) {
      clearLine(this.io.stdout, 0);
      cursorTo(this.io.stdout, 0);
    }
    stream.write(`${text}\n`);
    if (redraw) this.prompt?.prompt(true);
  }
}
