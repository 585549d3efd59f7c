// The desktop wiring with a stand-in `electron`: the preload's window.relaydesk talks over IPC
// to handlers that call a real RelayService (real SMTP, real spool).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RelaydeskApi, RelaydeskEvent } from '../../preload/api-contract.js';
import { methodNames } from '../../preload/api-methods.js';
import { forwardEvents, registerIpcHandlers } from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let relay: TestRelaydesk;
let api: RelaydeskApi;
let unregister: () => void;
let stopForwarding: () => void;

beforeAll(async () => {
  relay = await startTestRelaydesk();
  unregister = registerIpcHandlers(standIn.ipcMain, relay.service, (url) =>
    isOwnPage(url, rendererIndex),
  );
  stopForwarding = forwardEvents(relay.service, standIn.webContents);
  await import('../../preload/index.js');
  api = standIn.exposed.relaydesk as RelaydeskApi;
});
afterAll(async () => {
  stopForwarding?.();
  unregister?.();
  await relay?.dispose();
});

describe('window.relaydesk over IPC', () => {
  it('exposes exactly the API methods and its events, and no generic invoke', () => {
    expect(Object.keys(standIn.exposed)).toEqual(['relaydesk', 'relaydeskDesktop']);
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'onEvent', 'setLogFollowing'].sort());
  });

  it('lists, opens, searches and deletes real mail, with live events', async () => {
    const events: RelaydeskEvent[] = [];
    const unsubscribe = api.onEvent((event) => events.push(event));
    const info = await relay
      .transport()
      .sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'over ipc', text: 'hello ipc' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await expect.poll(() => events.some((e) => e.Type === 'new' && e.Data.ID === id)).toBe(true);

    const page = await api.listMessages(0, 10);
    expect(page.messages[0]).toMatchObject({ ID: id, Subject: 'over ipc', Read: false });
    const message = await api.getMessage(id);
    expect(message.Text.trim()).toBe('hello ipc');
    expect((await api.getHeaders(id))['Subject']).toEqual(['over ipc']);
    expect(await api.getRaw(id)).toMatch(/^Received: from /);
    expect((await api.searchMessages('subject:"over ipc"', 0, 10)).messages_count).toBe(1);
    expect((await api.info()).Messages).toBe(1);

    unsubscribe();
    const before = events.length;
    await api.deleteMessages([id]);
    expect((await api.listMessages(0, 10)).total).toBe(0);
    expect(events.length).toBe(before);
  });

  it('answers our page with a search and message in its address (the GUI keeps them there)', async () => {
    standIn.pageUrl = `${pathToFileURL(rendererIndex).href}?q=subject%3Ainvoice&message=X#queue`;
    try {
      expect((await api.listMessages(0, 10)).total).toBeGreaterThanOrEqual(0);
    } finally {
      standIn.pageUrl = pathToFileURL(rendererIndex).href;
    }
  });

  it('refuses calls from a frame that is not our page', async () => {
    standIn.pageUrl = 'https://evil.example/';
    try {
      await expect(api.listMessages(0, 10)).rejects.toThrow(
        /refused IPC listMessages from https:\/\/evil\.example\//,
      );
    } finally {
      standIn.pageUrl = pathToFileURL(rendererIndex).href;
    }
  });

  it('refuses arguments of the wrong type with a clear error', async () => {
    // the handler's own words, without Electron's "Error invoking remote method …: Error: "
    await expect(api.listMessages(-1, 10)).rejects.toThrow(/^listMessages: start: -1 is not valid/);
    await expect(
      (api.setRead as (ids: unknown, read: unknown) => Promise<void>)(['x'], 'yes'),
    ).rejects.toThrow(/read: "yes" is not valid/);
  });

  it('lists every tag of the mailbox with a page, as the HTTP route does', async () => {
    // the tag filter is built from the list's tags: a tag only on a later page must be there too
    const transport = relay.transport();
    const sent = await transport.sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: 'tagged, on page two',
      text: 'x',
    });
    await transport.sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: 'newest',
      text: 'y',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(sent.response)?.[1] as string;
    await expect.poll(async () => (await api.listMessages(0, 10)).total).toBe(2);
    await api.setTags([id], ['invoice', 'Customer A']);

    const http = (path: string) => relay.api<{ tags: string[] }>(path);
    const overIpc = await api.listMessages(0, 1);
    expect(overIpc.messages.map((m) => m.Subject)).toEqual(['newest']);
    expect(overIpc.tags).toEqual((await http('/api/v1/messages?limit=1')).tags);
    expect(overIpc.tags).toEqual(['Customer A', 'invoice']);
    const searched = await api.searchMessages('subject:newest', 0, 10);
    expect(searched.tags).toEqual((await http('/api/v1/search?query=subject:newest')).tags);
    await api.deleteMessages([]);
  });

  it('registers one handler per API method, and removes them all', () => {
    expect(standIn.handlerCount()).toBe(methodNames.length);
    unregister();
    expect(standIn.handlerCount()).toBe(0);
    unregister = registerIpcHandlers(standIn.ipcMain, relay.service, (url) =>
      isOwnPage(url, rendererIndex),
    );
  });
});
