// The preload: exposes the typed Relaydesk API to the renderer as `window.relaydesk`, and
// nothing else. One function per method of the method table, each bound to its own channel; no
// generic invoke(channel) is exposed, so a compromised page can call only these methods, and
// listeners never see Electron's event object.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RelaydeskEvent } from './api-contract.js';
import {
  eventChannel,
  ipcChannel,
  logFollowingChannel,
  methodNames,
  type MethodName,
  type RelaydeskBridge,
} from './api-methods.js';
import {
  desktopChannels,
  type DesktopBridge,
  type DesktopEvent,
  type PaneWidths,
} from './desktop-contract.js';

/**
 * Electron gives the page a handler's error as "Error invoking remote method 'relaydesk:x':
 * Error: …"; the page shows the handler's own words, as the web UI shows the server's.
 */
function handlerError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(message.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, ''));
}

function call(name: MethodName) {
  const channel = ipcChannel(name);
  return (...args: unknown[]): Promise<unknown> =>
    ipcRenderer.invoke(channel, ...args).catch((err: unknown) => {
      throw handlerError(err);
    });
}

const methods = Object.fromEntries(methodNames.map((name) => [name, call(name)]));

export const relaydeskApi = {
  ...methods,
  onEvent(listener: (event: RelaydeskEvent) => void): () => void {
    // main sends a batch of events as one message (ipc-handlers.ts forwardEvents): each is handed
    // over in order, in this one task, as the WebSocket's frames are (event-stream.ts)
    const forward = (
      _event: IpcRendererEvent,
      payload: RelaydeskEvent[] | RelaydeskEvent,
    ): void => {
      for (const event of Array.isArray(payload) ? payload : [payload]) listener(event);
    };
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
  setLogFollowing: async (follow: boolean): Promise<void> => {
    await ipcRenderer.invoke(logFollowingChannel, follow).catch((err: unknown) => {
      throw handlerError(err);
    });
  },
  // The table's types describe each function; Object.fromEntries cannot carry them.
} as RelaydeskBridge;

contextBridge.exposeInMainWorld('relaydesk', relaydeskApi);

/** Only inside the desktop app: views main asks for, and the pane widths to remember. */
export const desktopBridge: DesktopBridge = {
  onDesktopEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: DesktopEvent): void => listener(payload);
    ipcRenderer.on(desktopChannels.event, forward);
    return () => {
      ipcRenderer.removeListener(desktopChannels.event, forward);
    };
  },
  getPaneWidths: () => ipcRenderer.invoke(desktopChannels.getPaneWidths) as Promise<PaneWidths>,
  setPaneWidths: async (widths) => {
    await ipcRenderer.invoke(desktopChannels.setPaneWidths, widths);
  },
};

contextBridge.exposeInMainWorld('relaydeskDesktop', desktopBridge);

/** What the renderer sees as `window.relaydesk`. */
export type ExposedApi = typeof relaydeskApi;
/** What the renderer sees as `window.relaydeskDesktop` (absent in a browser). */
export type ExposedDesktopBridge = typeof desktopBridge;
