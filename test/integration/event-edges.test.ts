// The core tells its adapters about a new message with its own record; each edge shows it in
// Mailpit's shape. Over real SMTP, a real WebSocket and a real webhook receiver: the core's event
// carries the record, and the WebSocket, the desktop window's IPC and the webhook all get the same
// Mailpit summary, byte for byte, that the message list shows.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServiceEvent } from '../../main/core/relay-service.js';
import { forwardEvents } from '../../main/desktop/ipc-handlers.js';
import type { MessagesPage } from '../../preload/api-contract.js';
import { eventChannel } from '../../preload/api-methods.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let receiver: Server;
const hookBodies: string[] = [];
const coreEvents: ServiceEvent[] = [];
const socketTexts: string[] = [];
const windowEvents: unknown[] = [];
let socket: WebSocket;
let stopForwarding: () => void;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers['x-relaydesk-event'] === 'new')
        hookBodies.push(Buffer.concat(chunks).toString());
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  relay = await startTestRelaydesk({ webhookUrls: [`http://127.0.0.1:${port}/hook`] });
  relay.service.on('event', (event) => coreEvents.push(event));
  // the desktop window's side of the IPC: what webContents.send would hand to the renderer
  stopForwarding = forwardEvents(relay.service, {
    isDestroyed: () => false,
    // a batch of events each time (forwardEvents)
    send: (channel: string, events: unknown[]) => {
      if (channel === eventChannel) windowEvents.push(...events);
    },
  });
  socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`);
  socket.on('message', (data) => socketTexts.push(String(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
});

afterAll(async () => {
  socket?.close();
  stopForwarding?.();
  await relay?.dispose();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('a new message at the edges', () => {
  it('is the core record inside, and the same Mailpit summary on the WebSocket, IPC and webhook', async () => {
    const info = await relay.transport().sendMail({
      from: '"Ada Lovelace" <ada@sender.example>',
      to: 'jane+signup@rcpt.example',
      cc: 'team@rcpt.example',
      replyTo: 'replies@sender.example',
      subject: 'Edges agree',
      text: 'One summary for every edge.',
      attachments: [{ filename: 'notes.txt', content: 'attached' }],
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const isNew = (text: string): boolean => text.startsWith('{"Type":"new"');
    await expect.poll(() => hookBodies.length + socketTexts.filter(isNew).length).toBe(2);

    // inside: the core's own record, never Mailpit's shape
    const listed = coreEvents.filter((e) => e.Type === 'listed');
    expect(listed.map((e) => e.Data.id)).toEqual([id]);
    expect(listed[0]?.Data.envelope).toMatchObject({
      mailFrom: 'ada@sender.example',
      rcptTo: ['jane+signup@rcpt.example', 'team@rcpt.example'],
    });
    expect(coreEvents.map((e) => e.Type as string)).not.toContain('new');

    // outside: the list's entry, and the same bytes on the WebSocket and in the webhook
    const page = await relay.api<MessagesPage>('/api/v1/messages');
    const entry = page.messages.find((m) => m.ID === id);
    expect(entry).toMatchObject({
      Subject: 'Edges agree',
      From: { Name: 'Ada Lovelace', Address: 'ada@sender.example' },
      Cc: [{ Name: '', Address: 'team@rcpt.example' }],
      ReplyTo: [{ Name: '', Address: 'replies@sender.example' }],
      Tags: ['signup'],
      Attachments: 1,
      Read: false,
      Mailbox: 'inbox',
      Status: 'captured',
    });
    const [hookBody] = hookBodies;
    expect(JSON.parse(hookBody as string)).toEqual(entry);
    expect(Object.keys(JSON.parse(hookBody as string))).toEqual(Object.keys(entry ?? {}));
    expect(socketTexts.find(isNew)).toBe(`{"Type":"new","Data":${hookBody}}`);
    const windowNew = () => windowEvents.find((e) => (e as { Type: string }).Type === 'new');
    await expect.poll(() => JSON.stringify(windowNew())).toBe(socketTexts.find(isNew));
  });

  it("tells the list's counts as the core's figures inside and Mailpit's stats outside", async () => {
    const before = socketTexts.length;
    await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'counts@rcpt.example',
      subject: 'Counted',
      text: 'One more.',
    });
    const isStats = (text: string): boolean => text.startsWith('{"Type":"stats"');
    await expect.poll(() => socketTexts.slice(before).filter(isStats).length).toBeGreaterThan(0);
    const info = await relay.api<{ Messages: number; Unread: number; Version: string }>(
      '/api/v1/info',
    );
    expect(info).toMatchObject({ Messages: 2, Unread: 2 });

    // inside: the core's counts, in its own words
    const counted = coreEvents.filter((e) => e.Type === 'counted').at(-1);
    expect(counted).toEqual({ Type: 'counted', Data: { messages: 2, unread: 2 } });
    expect(coreEvents.map((e) => e.Type as string)).not.toContain('stats');

    // outside: Mailpit's stats event, the same bytes on the WebSocket and over IPC
    // (the first message's stats, 250 ms after it, can come after this one's arrival on a loaded
    // machine: the last one the socket sends has the final counts)
    const socketStats = `{"Type":"stats","Data":{"Total":2,"Unread":2,"Version":"${info.Version}"}}`;
    await expect.poll(() => socketTexts.filter(isStats).at(-1)).toBe(socketStats);
    const windowStats = () => windowEvents.filter((e) => (e as { Type: string }).Type === 'stats');
    await expect.poll(() => JSON.stringify(windowStats().at(-1))).toBe(socketStats);
  });
});
