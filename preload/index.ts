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
import {
  desktopChannels,
  type DesktopBridge,
  type DesktopEvent,
  type PaneWidths,
} from './desktop-contract.js';

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
