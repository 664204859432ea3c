import type { LiveEnvironment } from './types.js';

export interface EnvironmentHandlers {
  /** The page became visible after having been hidden. */
  visible(): void;
  online(): void;
  offline(): void;
}

export interface EnvironmentWatch {
  /** What the browser last said about being online (true when it says nothing). */
  readonly online: boolean;
  dispose(): void;
}

/**
 * The environment of the running page: `globalThis.document` and `globalThis.window`
 * when they exist (a browser), else nothing (Node).
 *
 * @example
 * defaultEnvironment().document?.visibilityState; // 'visible' in a shown tab, undefined in Node
 */
export function defaultEnvironment(): LiveEnvironment {
  const scope = globalThis as { document?: LiveEnvironment['document']; window?: LiveEnvironment['window'] };
  return { document: scope.document, window: scope.window };
}

/**
 * Listens to page visibility and the online/offline signal.
 *
 * @example
 * const watch = watchEnvironment(defaultEnvironment(), { visible: check, online: reconnect, offline: update });
 * watch.online; // false while the browser is offline
 * watch.dispose();
 */
export function watchEnvironment(environment: LiveEnvironment, handlers: EnvironmentHandlers): EnvironmentWatch {
  const { document, window } = environment;
  let online = window?.navigator?.onLine ?? true;
  let hidden = document?.visibilityState === 'hidden';

  const onVisibility = (): void => {
    if (document === undefined) return;
    if (document.visibilityState === 'hidden') {
      hidden = true;
      return;
    }
    if (document.visibilityState !== 'visible' || !hidden) return;
    hidden = false;
    handlers.visible();
  };
  const onOnline = (): void => {
    online = true;
    handlers.online();
  };
  const onOffline = (): void => {
    online = false;
    handlers.offline();
  };

  document?.addEventListener('visibilitychange', onVisibility);
  window?.addEventListener('online', onOnline);
  window?.addEventListener('offline', onOffline);

  return {
    get online() {
      return online;
    },
    dispose() {
      document?.removeEventListener('visibilitychange', onVisibility);
      window?.removeEventListener('online', onOnline);
      window?.removeEventListener('offline', onOffline);
    },
  };
}
