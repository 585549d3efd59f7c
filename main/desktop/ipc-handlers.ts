// The IPC adapter: one handler per API method, each checking that the call comes from our own
// page and that its arguments have the right types, then calling RelayService. No logic here.
import type { WebContents } from 'electron';
import type { RelaydeskEvent } from '../../preload/api-contract.js';
import {
  eventChannel,
  ipcChannels,
  type InvokableMethod,
  type IpcArgs,
  type IpcResult,
} from '../../preload/ipc-contract.js';
import type { RelayService } from '../core/relay-service.js';

export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError';
}

type Handler<M extends InvokableMethod> = (...args: IpcArgs<M>) => Promise<IpcResult<M>>;
type Handlers = { [M in InvokableMethod]: Handler<M> };

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new IpcArgumentError(`${name}: ${JSON.stringify(value)} is not a whole number ≥ 0`);
  }
  return value;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length > 10_000)
    throw new IpcArgumentError(`${name}: expected text`);
  return value;
}

function ids(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new IpcArgumentError('ids: expected a list of message IDs');
  }
  return value as string[];
}

export function serviceHandlers(service: RelayService): Handlers {
  return {
    listMessages: async (start, limit) =>
      service.page(count(start, 'start', 0), Math.max(1, count(limit, 'limit', 50))),
    searchMessages: async (query, start, limit) =>
      service.page(
        count(start, 'start', 0),
        Math.max(1, count(limit, 'limit', 50)),
        text(query, 'query'),
      ),
    getMessage: async (id) => service.detail(text(id, 'id')),
    getHeaders: async (id) => service.headers(text(id, 'id')),
    getRaw: async (id) => (await service.raw(text(id, 'id'))).toString('utf8'),
    setRead: async (list, read) => {
      if (typeof read !== 'boolean') throw new IpcArgumentError('read: expected true or false');
      await service.setRead(ids(list), read);
    },
    deleteMessages: async (list) => {
      const chosen = ids(list);
      if (chosen.length === 0) await service.deleteAll();
      else await service.deleteMessages(chosen);
    },
    info: async () => service.info(),
  };
}

/** The part of Electron's ipcMain the handlers use (the stand-in in tests provides the same). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/**
 * Registers the handlers. `isOwnPage` says whether a sender frame is our renderer: a handler
 * refuses anything else (a navigated or injected frame), as GitHub Desktop's ipc-main does.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  service: RelayService,
  isOwnPage: (url: string) => boolean,
): () => void {
  const handlers = serviceHandlers(service);
  const methods = Object.keys(ipcChannels) as InvokableMethod[];
  for (const method of methods) {
    const handler = handlers[method] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(ipcChannels[method], async (event, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (!isOwnPage(url))
        throw new Error(`refused IPC ${method} from ${url || 'an unknown frame'}`);
      return handler(...args);
    });
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(ipcChannels[method]);
  };
}

/** Sends every service event to the window, as the WebSocket does for browsers. */
export function forwardEvents(
  service: RelayService,
  webContents: Pick<WebContents, 'send' | 'isDestroyed'>,
): () => void {
  const forward = (event: RelaydeskEvent): void => {
    if (!webContents.isDestroyed()) webContents.send(eventChannel, event);
  };
  service.on('event', forward);
  return () => service.off('event', forward);
}
