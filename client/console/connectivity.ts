import { Listeners } from '../live/listeners.js';

/**
 * Whether the console can reach the server, as the editor needs to know it:
 * - `online`: the browser is online and the last request was answered;
 * - `offline`: the browser says it is offline;
 * - `unreachable`: the browser says online, but the last request got no answer.
 */
export type Reachability = 'online' | 'offline' | 'unreachable';

/**
 * Combines the browser's online signal with what requests actually experience (a captive
 * portal or a dead server look "online" to the browser).
 *
 * @example
 * const connectivity = new Connectivity(window);
 * connectivity.onChange((state) => banner.hidden = state === 'online');
 * api = new ConsoleApi(token, { onReachability: (ok) => connectivity.report(ok) });
 */
export class Connectivity {
  private browserOnline: boolean;
  private answered = true;
  private current: Reachability;
  private readonly listeners = new Listeners<Reachability>();
  private readonly onOnline = (): void => {
    this.browserOnline = true;
    // give requests a fresh chance: the next one tells whether the server answers
    this.answered = true;
    this.refresh();
  };
  private readonly onOffline = (): void => {
    this.browserOnline = false;
    this.refresh();
  };

  constructor(private readonly win: Window) {
    this.browserOnline = win.navigator.onLine;
    this.current = this.derive();
    win.addEventListener('online', this.onOnline);
    win.addEventListener('offline', this.onOffline);
  }

  get state(): Reachability {
    return this.current;
  }

  /** True when the browser says it is online (requests may still fail). */
  get browserSaysOnline(): boolean {
    return this.browserOnline;
  }

  onChange(listener: (state: Reachability) => void): () => void {
    return this.listeners.add(listener);
  }

  /** A request was answered (`true`) or got no answer at all (`false`). */
  report(answered: boolean): void {
    this.answered = answered;
    this.refresh();
  }

  dispose(): void {
    this.win.removeEventListener('online', this.onOnline);
    this.win.removeEventListener('offline', this.onOffline);
    this.listeners.clear();
  }

  private derive(): Reachability {
    if (!this.browserOnline) return 'offline';
    return this.answered ? 'online' : 'unreachable';
  }

  private refresh(): void {
    const next = this.derive();
    if (next === this.current) return;
    this.current = next;
    this.listeners.emit(next);
  }
}
