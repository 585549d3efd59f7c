// The IPC contract: one channel per API method, derived from RelaydeskApi so the two cannot
// drift. Main registers a handler per channel; the preload exposes one function per method.
import type { RelaydeskApi } from './api-contract.js';

export type InvokableMethod = Exclude<keyof RelaydeskApi, 'onEvent'>;

export const ipcChannels: { readonly [M in InvokableMethod]: `relaydesk:${string}` } = {
  listMessages: 'relaydesk:list-messages',
  searchMessages: 'relaydesk:search-messages',
  getMessage: 'relaydesk:get-message',
  getHeaders: 'relaydesk:get-headers',
  getRaw: 'relaydesk:get-raw',
  setRead: 'relaydesk:set-read',
  deleteMessages: 'relaydesk:delete-messages',
  info: 'relaydesk:info',
};

/** Main → renderer: every RelaydeskEvent, as on the WebSocket. */
export const eventChannel = 'relaydesk:event';

export type IpcArgs<M extends InvokableMethod> = Parameters<RelaydeskApi[M]>;
export type IpcResult<M extends InvokableMethod> = Awaited<ReturnType<RelaydeskApi[M]>>;
