import { methodNames, type RelaydeskBridge } from '../../../preload/api-methods';
import type { RelaydeskApi } from './contract';
import { createLogFollowers } from './log-followers';
import type { RendererApi } from './renderer-api';

/**
 * The preload's bridge. setLogFollowing may be missing (a bridge made of the method table alone,
 * as the desktop e2e test's page has): then main's own default applies and nothing is asked.
 */
type Bridge = RelaydeskApi & Partial<Pick<RelaydeskBridge, 'setLogFollowing'>>;

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    relaydesk?: Bridge;
  }
}

/** True when `value` has every method of the contract (a partial bridge is treated as none). */
export function isRelaydeskBridge(value: unknown): value is Bridge {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<string, unknown>>;
  return [...methodNames, 'onEvent'].every((name) => typeof candidate[name] === 'function');
}

/**
 * Wraps the preload's bridge. Each method is called on the bridge itself rather than copied:
 * contextBridge proxies are not plain objects, and this keeps the renderer's view of them typed.
 */
export function createIpcTransport(bridge: Bridge): RendererApi {
  const methods = Object.fromEntries(
    methodNames.map((name) => [
      name,
      (...args: unknown[]) => (bridge[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as Omit<RelaydeskApi, 'onEvent'>;
  // main has added the window to its followers when setLogFollowing answers: lines logged from
  // then on come on the event channel
  const tell = async (follow: boolean): Promise<void> => {
    // a lost answer costs the Logs view its live lines (or the window a few spare ones), no more
    await bridge.setLogFollowing?.(follow).catch((err: unknown) => {
      console.warn('Relaydesk: the log subscription was not changed:', err);
    });
  };
  // main sends log lines only while a view (the Logs view) follows them; a page reloaded with
  // its Logs view open never said it stopped, so this page starts by saying it follows none
  void tell(false);
  const logFollowers = createLogFollowers(tell);
  return {
    ...methods,
    transport: 'ipc',
    onEvent: (listener) => bridge.onEvent(listener),
    followLogs: () => logFollowers.follow(),
    // IPC lives as long as the window does, so events never go missing
    onStreamState(listener) {
      listener('open');
      return () => {};
    },
  };
}
