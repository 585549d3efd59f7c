// The method table drives both transports. Every method must have an IPC handler and an HTTP
// route, and both must give the renderer the same answer: the renderer is the same program in
// the desktop app (IPC) and in a browser (HTTP). Checked on a real relay with real mail, a real
// upstream that greylists one recipient, and the stand-in `electron` module for IPC.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  apiMethods,
  ipcChannel,
  methodNames,
  type RelaydeskApi,
} from '../../preload/api-methods.js';
import { createHttpServer } from '../../main/server/http-server.js';
import { connectBothTransports } from '../helpers/both-transports.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let upstream: RunningUpstream;
let relay: TestRelaydesk;
let ipc: RelaydeskApi;
let http: RelaydeskApi;
let unregister: () => void;

beforeAll(async () => {
  upstream = await startUpstreamServer({
    tls: 'none',
    failures: {
      rcpt: { 'grey@relay.example': { code: 451, text: '4.7.1 greylisted, try later' } },
    },
  });
  relay = await startTestRelaydesk({
    mode: 'rules',
    rules: [
      { name: 'relayed', match: { recipient: '*@relay.example' }, action: { type: 'relay' } },
      {
        match: { recipient: '*@project.example' },
        action: { type: 'capture', mailbox: 'project' },
      },
    ],
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
  });
  ({ ipc, http, unregister } = await connectBothTransports(
    standIn,
    relay.service,
    rendererIndex,
    relay.url,
  ));
});
afterAll(async () => {
  unregister?.();
  await relay?.dispose();
  await upstream?.close();
});

async function send(message: Parameters<ReturnType<TestRelaydesk['transport']>['sendMail']>[0]) {
  const info = await relay.transport().sendMail(message);
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('the method table', () => {
  it('has an HTTP route on the server for every method', async () => {
    const app: FastifyInstance = await createHttpServer(relay.service, {
      rendererDir: '/nonexistent',
    });
    await app.ready();
    try {
      const missing = methodNames.filter((name) => {
        const { verb, route } = apiMethods[name].http;
        return !app.hasRoute({ method: verb, url: route });
      });
      expect(missing).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('has an IPC handler for every method, on its own channel, and the preload one function each', () => {
    expect(standIn.handledChannels()).toEqual(methodNames.map(ipcChannel).sort());
    // and the events: onEvent, and the Logs view's subscription to their log lines
    expect(Object.keys(ipc).sort()).toEqual([...methodNames, 'onEvent', 'setLogFollowing'].sort());
    // beside the API, only the desktop bridge (preload/desktop-contract.ts)
    expect(Object.keys(standIn.exposed)).toEqual(['relaydesk', 'relaydeskDesktop']);
  });

  it('refuses arguments that do not fit, naming the argument, the value and what is allowed', async () => {
    for (const api of [ipc, http]) {
      await expect(api.listMessages(-1, 10)).rejects.toThrow(
        /listMessages: start: -1 is not valid: .*>=0/,
      );
      await expect(api.setRead([], true)).rejects.toThrow(/setRead: ids: \[\] is not valid/);
    }
    await expect((ipc.setRead as (...a: unknown[]) => Promise<void>)(['x'], 'yes')).rejects.toThrow(
      /setRead: read: "yes" is not valid: .*boolean/,
    );
    await expect((ipc.queue as (...a: unknown[]) => Promise<unknown>)('waiting')).rejects.toThrow(
      /queue: state: "waiting" is not valid: .*"deferred"/,
    );
    await expect(
      (ipc.testRouting as (...a: unknown[]) => Promise<unknown>)({ recipient: 7 }),
    ).rejects.toThrow(/testRouting: input\.recipient: 7 is not valid/);
  });
});

describe('both transports, on real mail', () => {
  let relayed: string;
  let captured: string;
  /** The answer over HTTP, after checking that IPC gives the same. */
  const same = async <T>(read: (api: RelaydeskApi) => Promise<T>): Promise<T> => {
    const overHttp = await read(http);
    expect(await read(ipc)).toEqual(overHttp);
    return overHttp;
  };

  beforeAll(async () => {
    relayed = await send({
      from: 'app@sender.example',
      to: ['ok@relay.example', 'grey@relay.example'],
      subject: 'relayed one',
      text: 'to the upstream',
    });
    captured = await send({
      from: 'app@sender.example',
      to: 'dev@project.example',
      subject: 'captured one',
      text: 'see the attachment',
      attachments: [{ filename: 'report.txt', content: 'quarterly numbers' }],
    });
  });

  it('answer the reading methods alike', async () => {
    await settled(relay, relayed, (d) =>
      d.recipients.every((r) => r.state === 'relayed' || r.state === 'deferred'),
    );
    const page = await same((api) => api.listMessages(0, 10));
    expect(page.messages.map((m) => m.Subject)).toEqual(['captured one', 'relayed one']);
    expect(
      (await same((api) => api.searchMessages('subject:captured', 0, 10))).messages_count,
    ).toBe(1);
    const detail = await same((api) => api.getMessage(captured));
    expect(detail.Attachments.map((a) => a.FileName)).toEqual(['report.txt']);
    expect((await same((api) => api.getHeaders(captured)))['Subject']).toEqual(['captured one']);
    expect(await same((api) => api.getRaw(captured))).toMatch(/^Received: from /);
    const part = await same((api) => api.getPart(captured, detail.Attachments[0]?.PartID ?? ''));
    expect(part.FileName).toBe('report.txt');
    expect(new TextDecoder().decode(part.Data)).toBe('quarterly numbers');
    expect(await same((api) => api.mailboxes())).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: 'project', Total: 1 })]),
    );
    expect((await http.info()).Messages).toBe((await ipc.info()).Messages);

    const delivery = await same((api) => api.delivery(relayed));
    expect(Object.fromEntries(delivery.recipients.map((r) => [r.address, r.state]))).toEqual({
      'ok@relay.example': 'relayed',
      'grey@relay.example': 'deferred',
    });
    const route = await same((api) => api.route(relayed));
    expect(route.hops).toHaveLength(1);
    const raw = await http.getRaw(relayed);
    expect((await same((api) => api.analyzeHeaders(raw))).hops).toHaveLength(1);
    const queue = await same((api) => api.queue('deferred'));
    expect(queue.messages.map((m) => m.ID)).toEqual([relayed]);
    expect(queue.upstream).toEqual({ configured: true, paused: null });
    expect((await same((api) => api.upstreamPresets())).map((p) => p.id)).toContain('sendgrid');
    const routing = await same((api) => api.testRouting({ recipient: 'x@relay.example' }));
    expect(routing.decision).toMatchObject({ ruleName: 'relayed', action: { type: 'relay' } });
    const relayLog = await same((api) => api.relayLog(10));
    expect(relayLog.lines.join('\n')).toMatch(/to=<grey@relay\.example>.*status=deferred/);
    expect(relayLog.entries[0]).toMatchObject({ kind: 'relay' });
    const audit = await same((api) => api.auditLog(100));
    expect(audit.lines.join('\n')).toMatch(/smtp-audit event=message result=accepted/);
    expect(await same((api) => api.listUsers())).toEqual([]);
    expect(await same((api) => api.authLockouts())).toEqual({ lockouts: [] });
    expect(await same((api) => api.releaseAuthLockouts('192.0.2.7', 'nobody'))).toEqual({
      released: [],
    });
    expect(await same((api) => api.releaseAuthLockouts())).toEqual({ released: [] });
    expect((await same((api) => api.spamCheck(captured))).Error).toMatch(/not available/);
    expect(await same((api) => api.linkCheck(captured, false))).toEqual({ Errors: 0, Links: [] });
    await expect(http.htmlCheck(captured)).rejects.toThrow(/no HTML part/);
    await expect(ipc.htmlCheck(captured)).rejects.toThrow(/no HTML part/);
    // a message gone before it was opened (deleted elsewhere, pruned at the cap): over HTTP the
    // Mailpit route answers Mailpit's bare "404 page not found"; the GUI still says what is missing
    await expect(ipc.getMessage('0gone0000000000000000')).rejects.toThrow(
      /message "0gone0000000000000000" not found/,
    );
    await expect(http.getMessage('0gone0000000000000000')).rejects.toThrow(
      /message "0gone0000000000000000" not found/,
    );
  });

  it('change the queue, the upstream, the users and the messages over HTTP', async () => {
    expect(await http.holdMessages([relayed])).toEqual({ IDs: [relayed] });
    expect((await ipc.queue('held')).messages.map((m) => m.ID)).toEqual([relayed]);
    await http.releaseMessages([relayed]);
    expect((await ipc.queue('held')).messages).toEqual([]);
    // released, it is tried again and greylisted again; held, it can be cancelled for good
    await settled(relay, relayed, (d) =>
      d.recipients.some((r) => r.address === 'grey@relay.example' && r.attempts.length === 2),
    );
    await http.holdMessages([relayed]);
    await http.cancelMessages([relayed]);
    const cancelled = await ipc.delivery(relayed);
    expect(cancelled.recipients.find((r) => r.address === 'grey@relay.example')?.state).toBe(
      'cancelled',
    );
    // resent elsewhere: the upstream gets it for the new address
    await http.resendMessages([relayed], ['other@relay.example']);
    await settled(relay, relayed, (d) =>
      d.recipients.some((r) => r.address === 'other@relay.example' && r.state === 'relayed'),
    );
    expect(upstream.messages.at(-1)?.rcptTo).toEqual(['other@relay.example']);
    expect((await http.retryMessages([])).IDs).toEqual([]);

    expect(await http.pauseUpstream('maintenance')).toMatchObject({
      paused: { reason: 'maintenance' },
    });
    expect((await ipc.queue()).upstream.paused?.reason).toBe('maintenance');
    expect(await http.resumeUpstream()).toEqual({ configured: true, paused: null });
    expect((await http.testUpstream()).ok).toBe(true);

    expect(await http.addUser('alice', 'correct horse')).toMatchObject({ name: 'alice' });
    expect(await http.changeUserPassword('alice', 'battery staple')).toMatchObject({
      name: 'alice',
    });
    expect((await ipc.listUsers()).map((u) => u.name)).toEqual(['alice']);
    await expect(http.addUser('alice', 'again and again')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/^name: user alice exists already; /),
    });
    await http.removeUser('alice');
    expect(await ipc.listUsers()).toEqual([]);

    await http.setRead([captured], false);
    expect((await ipc.listMessages(0, 10)).messages.find((m) => m.ID === captured)?.Read).toBe(
      false,
    );
    // Mailpit's Mark all read and Delete all of a search, through either transport
    const readOf = async (id: string) =>
      (await ipc.listMessages(0, 10)).messages.find((m) => m.ID === id)?.Read;
    await ipc.setRead([captured, relayed], false);
    await http.setReadMatching('subject:captured', true);
    expect([await readOf(captured), await readOf(relayed)]).toEqual([true, false]);
    await ipc.setReadMatching('', true);
    expect(await readOf(relayed)).toBe(true);
    await http.setReadMatching('', false);
    await ipc.setReadMatching('subject:relayed', true);
    expect([await readOf(captured), await readOf(relayed)]).toEqual([false, true]);
    await expect(http.deleteMatching('')).rejects.toThrow(/deleteMatching: query/);
    await http.deleteMatching('subject:captured');
    expect((await ipc.listMessages(0, 10)).messages.map((m) => m.ID)).toEqual([relayed]);
  });

  it('give a message to save as it was stored, byte for byte', async () => {
    // the download is the stored bytes: an 8-bit Latin-1 body is not turned into UTF-8 (the
    // desktop window's Download .eml took getRaw's text, which replaced its letters)
    const latin1 = await send({
      envelope: { from: 'app@sender.example', to: ['dev@project.example'] },
      raw: Buffer.concat([
        Buffer.from('From: app@sender.example\r\nTo: dev@project.example\r\nSubject: latin1\r\n'),
        Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\n'),
        Buffer.from('Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me\r\n', 'latin1'),
      ]),
    });
    const file = await same((api) => api.getRawFile(latin1));
    expect(file.FileName).toBe(`${latin1}.eml`);
    const stored = Buffer.from(file.Data);
    expect(stored.includes(Buffer.from('Caf\xe9 cr\xe8me', 'latin1'))).toBe(true);
    expect(stored.equals(await relay.service.raw(latin1))).toBe(true);
    // and the Source tab's text reads it with its charset (getRaw's UTF-8 read showed U+FFFD)
    const source = await same((api) => api.getSource(latin1));
    expect(source.text).toMatch(/\r\nCafé crème\r\n$/);
    expect(source.decodedAs).toEqual(['iso-8859-1']);
  });
});
