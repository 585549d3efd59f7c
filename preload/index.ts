// The preload: exposes the typed Relaydesk API to the renderer as `window.relaydesk`, and
// nothing else. No generic invoke(channel) is exposed, so a compromised page can call only
// these methods; listeners never see Electron's event object.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RelaydeskApi, RelaydeskEvent } from './api-contract.js';
import {
  eventChannel,
  ipcChannels,
  type InvokableMethod,
  type IpcArgs,
  type IpcResult,
} from './ipc-contract.js';

function call<M extends InvokableMethod>(method: M) {
  return (...args: IpcArgs<M>): Promise<IpcResult<M>> =>
    ipcRenderer.invoke(ipcChannels[method], ...args) as Promise<IpcResult<M>>;
}

export const relaydeskApi: RelaydeskApi = {
  listMessages: call('listMessages'),
  searchMessages: call('searchMessages'),
  getMessage: call('getMessage'),
  getHeaders: call('getHeaders'),
  getRaw: call('getRaw'),
  setRead: call('setRead'),
  deleteMessages: call('deleteMessages'),
  info: call('info'),
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: RelaydeskEvent): void => listener(payload);
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('relaydesk', relaydeskApi);

/** What the renderer sees as `window.relaydesk`. */
export type ExposedApi = typeof relaydeskApi;
