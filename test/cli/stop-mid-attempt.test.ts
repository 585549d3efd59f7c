// A clean stop of `relaydesk serve` (an office PC shut down, an update) while a message is on
// its way to a smart host that has not answered yet: the attempt is cancelled, and at the next
// start the message goes at once rather than at its next retry time (1 minute, later an hour).
import { createServer, type Server, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { cleanupCliProcesses, startServe } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await cleanupCliProcesses();
  for (const one of opened) await one.close();
});

/** A smart host that greets and then says nothing more (busy), on a port of its own. */
async function silentUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('220 smarthost.test ESMTP\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('relaydesk serve stopped in the middle of an attempt', () => {
  it('sends the message at once after the restart', async () => {
    const silent = await silentUpstream();
    const args = ['--mode', 'relay', '--relay-host', `127.0.0.1:${silent.port}`];
    const first = await startServe({ args: [...args, '--relay-security', 'none'] });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: first.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: 'office@example.com',
      to: 'client@customer.example',
      subject: 'Invoice 2026-119',
      text: 'Attached.',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = (serve: typeof first) =>
      serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    await eventually(async () => (await delivery(first)).recipients[0]?.state).toBe('sending');

    expect((await first.stop('SIGTERM')).code).toBe(0);
    await silent.close();
    // the smart host is itself again, on the same port
    const upstream: RunningUpstream = await startUpstreamServer({ tls: 'none', port: silent.port });
    opened.push(upstream);

    const second = await startServe({
      dataDir: first.dataDir,
      args: [...args, '--relay-security', 'none'],
    });
    await eventually(async () => (await delivery(second)).status, 15_000).toBe('delivered');
    expect(upstream.messages.map((m) => m.rcptTo)).toEqual([['client@customer.example']]);
    // The cancelled attempt is recorded as deferred, then due at the next start, and says why.
    // A stop slower than its grace period (a loaded machine) exits before that outcome is
    // stored: the recipient is then still `sending` on disk, which a start sends again at once
    // as well (at-least-once), and the history has no deferral to explain.
    const history = (await delivery(second)).recipients[0]?.history ?? [];
    const deferral = history.findIndex((h) => h.state === 'deferred');
    if (deferral !== -1)
      expect(history.slice(deferral).map((h) => h.reason)).toContain(
        'Relaydesk stopped during the attempt; sent again at the next start',
      );
  });
});
