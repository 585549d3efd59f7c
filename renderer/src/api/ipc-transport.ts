import type { RelaydeskApi } from './contract';
import type { RendererApi } from './renderer-api';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    relaydesk?: RelaydeskApi;
  }
}

const methods = [
  'listMessages',
  'searchMessages',
  'getMessage',
  'getHeaders',
  'getRaw',
  'setRead',
  'deleteMessages',
  'info',
  'onEvent',
] as const satisfies readonly (keyof RelaydeskApi)[];

/** True when `value` has every method of the contract (a partial bridge is treated as none). */
export function isRelaydeskBridge(value: unknown): value is RelaydeskApi {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<string, unknown>>;
  return methods.every((name) => typeof candidate[name] === 'function');
}

/**
 * Wraps the preload's bridge. Each method is called on the bridge itself rather than copied:
 * contextBridge proxies are not plain objects, and this keeps the renderer's view of them typed.
 */
export function createIpcTransport(bridge: RelaydeskApi): RendererApi {
  return {
    transport: 'ipc',
    listMessages: (start, limit) => bridge.listMessages(start, limit),
    searchMessages: (query, start, limit) => bridge.searchMessages(query, start, limit),
    getMessage: (id) => bridge.getMessage(id),
    getHeaders: (id) => bridge.getHeaders(id),
    getRaw: (id) => bridge.getRaw(id),
    setRead: (ids, read) => bridge.setRead(ids, read),
    deleteMessages: (ids) => bridge.deleteMessages(ids),
    info: () => bridge.info(),
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC lives as long as the window does, so events never go missing
    onStreamState(listener) {
      listener('open');
      return () => {};
    },
  };
}
