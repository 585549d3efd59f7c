// A suspension holds what the sender has waiting; a message that is on the wire at that moment
// is not waiting, and when its attempt was deferred it waited for its retry like any other and
// was sent then, with the sender still suspended (CI caught the race in suspension-restart). It
// is now held in the same change that records the deferral. Real parts: the relay, a real SMTP
// client, and an upstream that keeps the attempt open until the test lets it answer.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, SuspensionEntry } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * An SMTP upstream that greets only once `answer()` is called (the attempt stays open until
 * then), and defers every recipient with a 451, as a greylisting receiver does.
 */
async function stallingUpstream() {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let answering = false;
  let connections = 0;
  const converse = (socket: Socket) => {
    socket.write('220 upstream.test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO'))
          socket.write('250 upstream.test\r\n');
        else if (line.startsWith('MAIL')) socket.write('250 2.1.0 Ok\r\n');
        else if (line.startsWith('RCPT')) socket.write('451 4.7.1 Try again later\r\n');
        else if (line.startsWith('QUIT')) socket.end('221 2.0.0 Bye\r\n');
        else socket.write('503 5.5.1 Bad sequence\r\n');
      }
    });
    socket.on('error', () => {});
  };
  const server: Server = createServer((socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    if (answering) converse(socket);
    else waiting.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('upstream has no port');
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    answer() {
      answering = true;
      for (const socket of waiting.splice(0)) converse(socket);
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a sender suspended while its message is in an attempt', () => {
  it('holds the message once the attempt defers it, instead of retrying it; a release by hand stands', async () => {
    const upstream = await stallingUpstream();
    cleanups.push(() => upstream.close());
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));

    const transport = relay.transport();
    cleanups.push(async () => transport.close());
    const info = await transport.sendMail({
      from: 'app@example.test',
      to: 'boss@example.net',
      subject: 'weekly report',
      text: 'numbers',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = () => relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('sending');

    const suspension = await relay.api<SuspensionEntry & { Held: string[] }>(
      '/api/v1/suspensions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Kind: 'sender', Value: 'app@example.test', Reason: 'hacked' }),
      },
    );
    // on the wire, not waiting: the suspension's own sweep cannot hold it
    expect(suspension.Held).toEqual([]);

    upstream.answer();
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('held');
    const held = (await delivery()).recipients[0];
    expect(held?.history.at(-1)?.reason).toBe(
      `held: sender app@example.test suspended (${suspension.ID}): hacked`,
    );
    // the attempt's answer is kept in its record, before the hold
    expect(held?.attempts.at(-1)?.reply).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(log.join('\n')).toMatch(
      new RegExp(`event=suspend-hold id=${id} suspension=${suspension.ID} kind=sender`),
    );
    const queue = await relay.api<{ messages: Array<{ ID: string; status: string }> }>(
      '/api/v1/queue',
    );
    expect(queue.messages.find((m) => m.ID === id)?.status).toBe('held');

    // the admin read it and let it go, the sender still suspended: deferred again, it stays
    // released (waits for its retry), as mail released during a suspension does at a restart
    await relay.api('/api/v1/queue/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await eventually(async () => (await delivery()).recipients[0]?.attempts.length).toBe(2);
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('deferred');
    expect(upstream.connections).toBe(2);
  }, 60_000);
});
