// Deletions as Mailpit tells them on /api/events (internal/storage/messages.go, search.go,
// cron.go, pop3/server.go): a `delete` with `{ID}` for each message deleted by ID, `truncate`
// after a delete-all, `prune` when the retention cap or POP3 removed mail; each followed by
// `stats`. Mailpit's web UI removes a row per `delete` and reloads on `prune`; a client that
// follows Mailpit's events sees the same here. Our GUI asks for `?shape=relaydesk` and gets one
// event per deletion (prune-batching.test.ts).
import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { eventually } from '../helpers/eventually.js';

interface Frame {
  Type: string;
  Data: unknown;
}

async function listen(
  relay: TestRelaydesk,
  query = '',
): Promise<{ socket: WebSocket; frames: Frame[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events${query}`);
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames };
}

async function send(relay: TestRelaydesk, subject: string): Promise<string> {
  const info = await relay
    .transport()
    .sendMail({ from: 'app@sender.example', to: 'user@rcpt.example', subject, text: subject });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const isDeletion = (f: Frame): boolean => ['delete', 'truncate', 'prune'].includes(f.Type);

/** What the deletion said (not the `new` and `stats` of the sends, which may come late). */
const deletionFrames = (frames: Frame[]): Frame[] => frames.filter(isDeletion);

/** Resolves once `count` deletion frames came and a `stats` after the last of them. */
async function deletionTold(frames: Frame[], count: number): Promise<Frame[]> {
  await eventually(() => {
    const last = frames.findLastIndex(isDeletion);
    return (
      deletionFrames(frames).length === count && frames.slice(last).some((f) => f.Type === 'stats')
    );
  }).toBe(true);
  return deletionFrames(frames);
}

describe('deleting on a Mailpit-shaped event stream', () => {
  let relay: TestRelaydesk;
  let socket: WebSocket | undefined;

  beforeAll(async () => {
    relay = await startTestRelaydesk();
  });
  afterEach(() => socket?.close());
  afterAll(async () => {
    await relay?.dispose();
  });

  const del = (path: string, body?: unknown): Promise<Response> =>
    relay.fetch(path, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('one message by ID: a delete event {ID}, then the counts', async () => {
    const id = await send(relay, 'one');
    const listening = await listen(relay);
    socket = listening.socket;
    expect((await del('/api/v1/messages', { IDs: [id] })).status).toBe(200);
    expect(await deletionTold(listening.frames, 1)).toEqual([{ Type: 'delete', Data: { ID: id } }]);
  });

  it('several by ID: one delete event per message, in the order asked', async () => {
    const ids = [await send(relay, 'a'), await send(relay, 'b'), await send(relay, 'c')];
    const listening = await listen(relay);
    socket = listening.socket;
    await del('/api/v1/messages', { IDs: [ids[2], ids[0], ids[1]] });
    expect(await deletionTold(listening.frames, 3)).toEqual(
      [ids[2], ids[0], ids[1]].map((ID) => ({ Type: 'delete', Data: { ID } })),
    );
  });

  it('the matches of a search: a delete event each', async () => {
    const gone = await send(relay, 'search me');
    const kept = await send(relay, 'keep me');
    const listening = await listen(relay);
    socket = listening.socket;
    await del('/api/v1/search?query=subject:search');
    expect(await deletionTold(listening.frames, 1)).toEqual([
      { Type: 'delete', Data: { ID: gone } },
    ]);
    await del('/api/v1/messages', { IDs: [kept] });
  });

  it('everything: one truncate event with no data, then stats of nothing', async () => {
    await send(relay, 'x');
    await send(relay, 'y');
    const listening = await listen(relay);
    socket = listening.socket;
    await del('/api/v1/messages');
    expect(await deletionTold(listening.frames, 1)).toEqual([{ Type: 'truncate', Data: null }]);
    expect(listening.frames.at(-1)).toMatchObject({ Type: 'stats', Data: { Total: 0 } });
  });

  it('MailHog’s delete-all under /mailhog: a truncate as well', async () => {
    await send(relay, 'z');
    const listening = await listen(relay);
    socket = listening.socket;
    await del('/mailhog/api/v1/messages');
    expect(await deletionTold(listening.frames, 1)).toEqual([{ Type: 'truncate', Data: null }]);
  });
});

describe('pruning and POP3 on a Mailpit-shaped event stream', () => {
  let relay: TestRelaydesk;
  let socket: WebSocket | undefined;

  beforeAll(async () => {
    relay = await startTestRelaydesk({ maxMessages: 2, pop3: '127.0.0.1:0' });
  });
  afterEach(() => socket?.close());
  afterAll(async () => {
    await relay?.dispose();
  });

  it('at the message cap: prune with no data, never a delete per message', async () => {
    const listening = await listen(relay);
    socket = listening.socket;
    const mine = await listen(relay, '?shape=relaydesk');
    const ids: string[] = [];
    for (const subject of ['p1', 'p2', 'p3', 'p4']) ids.push(await send(relay, subject));
    await eventually(() => listening.frames.some((f) => f.Type === 'prune')).toBe(true);
    expect(listening.frames.filter((f) => f.Type === 'delete')).toEqual([]);
    expect(listening.frames.find((f) => f.Type === 'prune')).toEqual({ Type: 'prune', Data: null });
    // our own GUI's stream still names the pruned messages, and says they were the oldest
    await eventually(() =>
      mine.frames.flatMap((f) => (f.Type === 'delete' ? (f.Data as { IDs: string[] }).IDs : [])),
    ).toEqual(ids.slice(0, 2));
    mine.socket.close();
  });

  it('deleted over POP3: a delete each, then prune, as Mailpit’s POP3 server', async () => {
    const listening = await listen(relay);
    socket = listening.socket;
    const [first, second] = await relay
      .api<{ messages: Array<{ ID: string }> }>('/api/v1/messages')
      .then((page) => page.messages.map((m) => m.ID).reverse());
    const pop = new Socket();
    const port = (relay.service.pop3Addresses().pop3 as { port: number }).port;
    const replies: string[] = [];
    pop.on('data', (chunk) => replies.push(...String(chunk).split('\r\n').filter(Boolean)));
    pop.connect(port, '127.0.0.1');
    pop.write('USER anyone\r\nPASS anything\r\nDELE 1\r\nDELE 2\r\nQUIT\r\n');
    await eventually(() => replies.at(-1)).toMatch(/^\+OK .*signing off \(2 deleted\)/);
    pop.destroy();
    expect(await deletionTold(listening.frames, 3)).toEqual([
      { Type: 'delete', Data: { ID: first } },
      { Type: 'delete', Data: { ID: second } },
      { Type: 'prune', Data: null },
    ]);
  });
});
