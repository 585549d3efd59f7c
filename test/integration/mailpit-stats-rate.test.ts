// Mailpit sends its `stats` event at most four times a second (BroadcastMailboxStats waits 250 ms
// after a change and sends the counts of that moment once), so a burst of arrivals does not send
// one `stats` per message to every client. Our GUI's shape (`?shape=relaydesk`) keeps every count:
// the GUI batches events itself and its counts stay exact.
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../helpers/eventually.js';
import { pooledTransport, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

interface Frame {
  Type: string;
  Data: { Total?: number; Unread?: number } | null;
  at: number;
}

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0 });
});
afterAll(async () => relay?.dispose());

async function listen(query: string): Promise<{ socket: WebSocket; frames: Frame[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events${query}`);
  const frames: Frame[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Omit<Frame, 'at'>;
    frames.push({ ...frame, at: Date.now() });
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames };
}

it('a burst of 150 messages over SMTP gives a few rate-limited stats on /api/events, the last with the final counts', async () => {
  const burst = 150;
  const mailpit = await listen('');
  const ours = await listen('?shape=relaydesk');
  const started = Date.now();
  const transport = pooledTransport({ host: '127.0.0.1', port: relay.smtp.port }, 4);
  try {
    await Promise.all(
      Array.from({ length: burst }, (_, n) =>
        transport.sendMail({
          from: 'app@sender.example',
          to: 'user@rcpt.example',
          subject: `burst ${n}`,
          text: 'x',
        }),
      ),
    );
  } finally {
    transport.close();
  }
  const stats = (frames: Frame[]): Frame[] => frames.filter((f) => f.Type === 'stats');
  const final = { Total: burst, Unread: burst };
  await eventually(() => stats(mailpit.frames).at(-1)?.Data).toMatchObject(final);
  await eventually(() => stats(ours.frames).at(-1)?.Data).toMatchObject(final);
  expect(mailpit.frames.filter((f) => f.Type === 'new')).toHaveLength(burst);

  // Mailpit's shape: one stats per 250 ms at most, counted from the burst's start
  const told = stats(mailpit.frames);
  const last = told.at(-1) as Frame;
  expect(told.length).toBeLessThanOrEqual(Math.floor((last.at - started) / 250) + 1);
  expect(told.length).toBeLessThan(burst / 4);
  // the counts only grow during an arrival burst, and the last stats is not followed by a new
  const totals = told.map((f) => f.Data?.Total ?? 0);
  expect(totals).toEqual([...totals].sort((a, b) => a - b));
  expect(mailpit.frames.lastIndexOf(last)).toBeGreaterThan(
    mailpit.frames.findLastIndex((f) => f.Type === 'new'),
  );

  // our GUI's shape: every count, at once
  expect(stats(ours.frames).length).toBeGreaterThanOrEqual(burst);
  mailpit.socket.close();
  ours.socket.close();
});
