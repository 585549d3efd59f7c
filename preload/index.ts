// The preload: exposes the typed Relaydesk API to the renderer as `window.relaydesk`, and
// nothing else. One function per method of the method table, each bound to its own channel; no
// generic invoke(channel) is exposed, so a compromised page can call only these methods, and
// listeners never see Electron's event object.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RelaydeskEvent } from './api-contract.js';
import {
  eventChannel,
  ipcChannel,
  methodNames,
  type MethodName,
  type RelaydeskApi,
} from './api-methods.js';

function call(name: MethodName) {
  const channel = ipcChannel(name);
  return (...args: unknown[]): Promise<unknown> => ipcRenderer.invoke(channel, ...args);
}

const methods = Object.fromEntries(methodNames.map((name) => [name, call(name)]));

export const relaydeskApi = {
  ...methods,
  onEvent(listener: (event: RelaydeskEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: RelaydeskEvent): void => listener(payload);
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
  // The table's types describe each function; Object.fromEntries cannot carry them.
} as RelaydeskApi;

contextBridge.exposeInMainWorld('relaydesk', relaydeskApi);

/** What the renderer sees as `window.relaydesk`. */
export type ExposedApi = typeof relaydeskApi;
