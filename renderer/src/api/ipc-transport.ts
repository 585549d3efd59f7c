import { methodNames } from '../../../preload/api-methods';
import type { RelaydeskApi } from './contract';
import type { RendererApi } from './renderer-api';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    relaydesk?: RelaydeskApi;
  }
}

/** True when `value` has every method of the contract (a partial bridge is treated as none). */
export function isRelaydeskBridge(value: unknown): value is RelaydeskApi {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<string, unknown>>;
  return [...methodNames, 'onEvent'].every((name) => typeof candidate[name] === 'function');
}

/**
 * Wraps the preload's bridge. Each method is called on the bridge itself rather than copied:
 * contextBridge proxies are not plain objects, and this keeps the renderer's view of them typed.
 */
export function createIpcTransport(bridge: RelaydeskApi): RendererApi {
  const methods = Object.fromEntries(
    methodNames.map((name) => [
      name,
      (...args: unknown[]) => (bridge[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as Omit<RelaydeskApi, 'onEvent'>;
  return {
    ...methods,
    transport: 'ipc',
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC lives as long as the window does, so events never go missing
    onStreamState(listener) {
      listener('open');
      return () => {};
    },
  };
}
