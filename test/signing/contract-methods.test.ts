// The DKIM, auth-check and address-check methods of the method table answer alike over IPC
// (stand-in electron) and HTTP, as the GUI's Settings → Signing and Route badges use them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RelaydeskApi } from '../../preload/api-methods.js';
import { registerIpcHandlers } from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { createHttpTransport } from '../../renderer/src/api/http-transport.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let dns: TestDnsServer;
let relay: TestRelaydesk;
let ipc: RelaydeskApi;
let http: RelaydeskApi;
let unregister: () => void;

beforeAll(async () => {
  dns = await startDnsServer();
  dns.set('example.net', { MX: [{ exchange: 'mx.example.net', priority: 10 }] });
  relay = await startTestRelaydesk({ dnsServers: [dns.address] });
  unregister = registerIpcHandlers(standIn.ipcMain, relay.service, (url) =>
    isOwnPage(url, rendererIndex),
  );
  await import('../../preload/index.js');
  ipc = standIn.exposed.relaydesk as RelaydeskApi;
  http = createHttpTransport({ baseUrl: new URL(relay.url) });
});
afterAll(async () => {
  unregister?.();
  await relay?.dispose();
  await dns?.close();
});

describe('signing and checks through both transports', () => {
  it('manage keys, check DNS, check addresses and a message alike', async () => {
    const added = await ipc.addDkimKey({
      domain: 'shop.example',
      selector: 'gui',
      algorithm: 'ed25519',
    });
    expect(added).toMatchObject({ domain: 'shop.example', selector: 'gui', source: 'generated' });
    expect(await http.dkimKeys()).toEqual(await ipc.dkimKeys());
    dns.set(added.record.name, { TXT: [added.record.value] });
    expect((await http.checkDkimDns('shop.example', 'gui')).status).toBe('match');
    expect((await ipc.checkDkimDns('shop.example', 'gui')).status).toBe('match');
    expect((await http.setDkimKeyActive('shop.example', 'gui', false)).active).toBe(false);
    expect((await ipc.dkimKeys())[0]?.active).toBe(false);
    await ipc.removeDkimKey('shop.example', 'gui');
    expect(await http.dkimKeys()).toEqual([]);

    const checks = await http.checkAddresses(['anna@example.net', 'nobody']);
    expect(await ipc.checkAddresses(['anna@example.net', 'nobody'])).toEqual(checks);
    expect(checks.map((c) => c.verdict)).toEqual(['valid', 'invalid']);

    const info = await relay
      .transport()
      .sendMail({ from: 'a@example.net', to: 'b@example.net', subject: 's', text: 't' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const overIpc = await ipc.authCheck(id);
    const overHttp = await http.authCheck(id);
    expect({ ...overIpc, checkedAt: '' }).toEqual({ ...overHttp, checkedAt: '' });
    expect(overIpc.spf.clientIp).toBe('127.0.0.1');
  });

  it('refuse bad arguments by name', async () => {
    await expect(
      (ipc.addDkimKey as (...a: unknown[]) => Promise<unknown>)({
        domain: 'x.example',
        selector: 's',
        algorithm: 'dsa',
      }),
    ).rejects.toThrow(/addDkimKey: key\.algorithm: "dsa" is not valid/);
    await expect(ipc.addDkimKey({ domain: 'x.example', selector: 'bad selector' })).rejects.toThrow(
      /selector: "bad selector" is not a valid selector/,
    );
  });
});
