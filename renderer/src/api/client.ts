import { batchEvents } from './event-batching';
import { createHttpTransport } from './http-transport';
import { createIpcTransport, isRelaydeskBridge } from './ipc-transport';
import type { RendererApi } from './renderer-api';

export type { RendererApi, EventStreamState } from './renderer-api';

/**
 * The one API client. Inside Electron the preload exposes `window.relaydesk` and IPC is used;
 * in a browser (headless mode) the API is on the server that served this page.
 */
export function createApiClient(win: Window = window): RendererApi {
  if (isRelaydeskBridge(win.relaydesk)) return batchEvents(createIpcTransport(win.relaydesk));
  if (win.location.protocol === 'file:') {
    throw new Error('The desktop bridge (window.relaydesk) is missing: the preload did not load.');
  }
  // Resolved against the page's folder, not the origin's root, so the UI also works when a
  // reverse proxy serves it under a path prefix.
  return batchEvents(createHttpTransport({ baseUrl: new URL('./', win.location.href) }));
}
