// The GUI's event stream in batches (`/api/events?shape=relaydesk&batch=1`): a burst of mail is a
// frame every 25 ms holding the events of that spell in order, not four frames per message (new,
// stats, two log lines), each of which cost the relay a write and the browser a task in three of
// its processes. The unbatched shapes are unchanged (mailpit-stats-rate, prune-batching tests).
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessagesPage, RelaydeskEvent } from '../../preload/api-contract.js';
import {
  pooledTransport,
  sendBurstAndHear,
  startTestRelaydesk,
  type TestRelaydesk,
} from '../helpers/relaydesk.js';
import { expectBurstBatched } from '../helpers/event-batches.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0 });
});
afterAll(async () => relay?.dispose());

async function listen(): Promise<{
  socket: WebSocket;
  frames: unknown[];
  events: RelaydeskEvent[];
}> {
  const socket = new WebSocket(
    `ws://127.0.0.1:${relay.http.port}/api/events?shape=relaydesk&batch=1`,
  );
  const frames: unknown[] = [];
  const events: RelaydeskEvent[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as unknown;
    frames.push(frame);
    if (Array.isArray(frame)) events.push(...(frame as RelaydeskEvent[]));
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames, events };
}

it('sends a burst as a few frames, each an array of events in order, with the last counts of each', async () => {
  const burst = 120;
  const { socket, frames, events } = await listen();
  try {
    await sendBurstAndHear({ host: '127.0.0.1', port: relay.smtp.port }, burst, events);
    expect(frames.every((frame) => Array.isArray(frame))).toBe(true);
    const listed = (await relay.api<MessagesPage>(`/api/v1/messages?limit=${burst}`)).messages;
    expectBurstBatched({
      batches: frames as RelaydeskEvent[][],
      events,
      listedIds: listed.map((m) => m.ID),
      burst,
    });
  } finally {
    socket.close();
  }
});

it('sends the events that came before an answer ahead of it: a page never lists a message whose event is still held', async () => {
  const { socket, events } = await listen();
  const transport = pooledTransport({ host: '127.0.0.1', port: relay.smtp.port }, 4);
  const heard = (): Set<string> =>
    new Set(events.flatMap((e) => (e.Type === 'new' ? [e.Data.ID] : [])));
  const unheard: string[] = [];
  try {
    const before = new Set(
      (await relay.api<MessagesPage>('/api/v1/messages?limit=1000')).messages.map((m) => m.ID),
    );
    for (let n = 0; n < 20; n++) {
      await transport.sendMail({
        from: 'a@x.example',
        to: 'b@y.example',
        subject: `p${n}`,
        text: 'x',
      });
      // the GUI's read of the list's first page, right after an arrival
      const page = await relay.api<MessagesPage>('/api/v1/messages?limit=50');
      const known = heard();
      unheard.push(
        ...page.messages.map((m) => m.ID).filter((id) => !before.has(id) && !known.has(id)),
      );
    }
  } finally {
    transport.close();
    socket.close();
  }
  expect(unheard).toEqual([]);
});
