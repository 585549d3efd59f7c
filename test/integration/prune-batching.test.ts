// At the retention cap, arrivals are pruned together: the list (the WebSocket's `delete` events,
// what the GUI redraws on) and the log hear of a burst's pruning a few times, not once per
// message, and nothing over the cap stays. The events say the messages were the oldest, so the
// GUI keeps its rows instead of asking for the page again.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let socket: WebSocket;
const deleted: string[][] = [];
const oldest: boolean[] = [];

beforeAll(async () => {
  relay = await startTestRelaydesk({ maxMessages: 3 });
  // our GUI's shape; Mailpit's (one `prune`, no IDs) is in mailpit-delete-events.test.ts
  socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events?shape=relaydesk`);
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as {
      Type: string;
      Data: { IDs?: string[]; Oldest?: boolean } | null;
    };
    if (event.Type !== 'delete' || !event.Data?.IDs) return;
    deleted.push(event.Data.IDs);
    oldest.push(event.Data.Oldest === true);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
});

afterAll(async () => {
  socket?.close();
  await relay?.dispose();
});

it('prunes the arrivals of a burst over the cap in a few passes, down to the newest', async () => {
  const transport = relay.transport();
  const ids: string[] = [];
  // one after the other: pruned after each arrival, this made a pass (an event) per message
  for (let i = 0; i < 24; i++) {
    const info = await transport.sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: `m${i}`,
      text: 'x',
    });
    ids.push(/queued as (\S+)/.exec(info.response)?.[1] as string);
  }
  await expect
    .poll(async () => (await relay.api<MessagesPage>('/api/v1/messages')).messages.length, {
      timeout: 5_000,
    })
    .toBe(3);
  const kept = (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID);
  expect(kept).toEqual(ids.slice(-3).reverse());
  await expect.poll(() => deleted.flat().length, { timeout: 5_000 }).toBe(21);
  expect(new Set(deleted.flat())).toEqual(new Set(ids.slice(0, -3)));
  // the 24 sends take more than one pass's wait on a slow machine, never one per message
  expect(deleted.length).toBeLessThanOrEqual(8);
  expect(oldest.every(Boolean)).toBe(true);
  const files = await readdir(join(relay.dataDir, 'spool'));
  expect(files.filter((f) => !kept.includes(f.split('.')[0] as string))).toEqual([]);
});
