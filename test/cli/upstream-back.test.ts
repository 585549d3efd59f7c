// `relaydesk serve` relaying to a smart host that was busy for every message (451 to MAIL FROM)
// and then takes mail again: the next message that goes makes the deferred ones go at once (the
// retry schedule would wait a minute), through the pool; a kill -9 in the middle of that drain
// and a start on the same data folder lose nothing, and send again only what was on the wire.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  relayFlags,
  startServe,
} from '../helpers/cli-process.js';
import { letTimePass, waitFor } from '../helpers/eventually.js';
import { closedPort, startUpstreamServer } from '../helpers/upstream-server.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await cleanupCliProcesses();
  for (const one of opened) await one.close();
});

/** A smart host that refuses MAIL FROM with 451 while busy, and takes each message slowly. */
async function smartHost() {
  const subjects: string[] = [];
  const state = { busy: true };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onMailFrom(_address, _session, callback) {
      callback(
        state.busy ? Object.assign(new Error('4.3.0 Server busy'), { responseCode: 451 }) : null,
      );
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        subjects.push(/^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString())?.[1]?.trim() ?? '');
        // an upstream that answers slowly, so that the kill lands in the middle of the drain
        void letTimePass(150).then(() => callback(null, '2.0.0 Ok: queued'));
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const host = {
    port,
    subjects,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  opened.push(host);
  return host;
}

async function sendAll(port: number, subjects: string[]): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    for (const subject of subjects)
      await transport.sendMail({
        from: 'office@example.com',
        to: 'client@customer.example',
        subject,
        text: 'Attached.',
      });
  } finally {
    transport.close();
  }
}

describe('relaydesk serve when the smart host answers again', () => {
  it('sends the deferred mail at once, and a kill -9 in the middle loses nothing', async () => {
    const host = await smartHost();
    const dataDir = await makeTempDir();
    const args = relayFlags(host.port);
    const first = await startServe({ dataDir, args });
    const deferred = Array.from({ length: 12 }, (_, i) => `Invoice ${i + 1}`);
    await sendAll(first.smtp.port, deferred);
    await waitFor('12 messages deferred by the busy smart host', async () => {
      const queue = await first.api<QueueView>('/api/v1/queue');
      return (
        queue.messages.filter((m) => m.recipients[0]?.state === 'deferred').length === 12 && queue
      );
    });

    // the smart host takes mail again by itself; the next message goes and the rest follow
    host.state.busy = false;
    await sendAll(first.smtp.port, ['Later']);
    await first.waitFor(/answers again: 12 deferred messages due now/);
    await waitFor('the drain under way', () => host.subjects.length >= 4, { interval: 10 });
    first.kill('SIGKILL');
    await waitFor('the kill', () => !first.running);
    const beforeKill = host.subjects.length;
    expect(beforeKill).toBeLessThan(13);

    const second = await startServe({ dataDir, args });
    // well before any retry time (a minute after each deferral)
    await waitFor(
      'every message at the smart host',
      () => [...deferred, 'Later'].every((s) => host.subjects.includes(s)),
      { timeout: 30_000 },
    );
    await waitFor('an empty queue', async () => {
      const queue = await second.api<QueueView>('/api/v1/queue');
      return queue.messages.length === 0;
    });
    // at-least-once: only what was on the wire at the kill (at most two connections, each with
    // one message answered and one being stored) may have gone twice
    const twice = host.subjects.length - 13;
    expect(twice).toBeGreaterThanOrEqual(0);
    expect(twice).toBeLessThanOrEqual(4);
    for (const subject of [...deferred, 'Later'])
      expect(host.subjects.filter((s) => s === subject).length).toBeLessThanOrEqual(2);
    await second.stop();
  });
});

describe('relaydesk serve while the smart host does not answer', () => {
  it('keeps what arrived during the pause through a kill -9, and sends each message once when the host is back', async () => {
    const port = await closedPort();
    const dataDir = await makeTempDir();
    const args = relayFlags(port);
    const first = await startServe({ dataDir, args });
    await sendAll(first.smtp.port, ['Before the pause']);
    await waitFor('paused: nothing answered', async () => {
      const queue = await first.api<QueueView>('/api/v1/queue');
      return queue.upstream.paused?.unreachable === true && queue;
    });
    // new mail during the pause waits for the probe, a minute after the failed try
    const during = ['During 1', 'During 2', 'During 3'];
    await sendAll(first.smtp.port, during);
    const queue = await first.api<QueueView>('/api/v1/queue');
    expect(queue.messages.map((m) => m.recipients[0]?.state)).toEqual([
      'deferred',
      'pending',
      'pending',
      'pending',
    ]);
    expect(queue.upstream.paused?.nextProbeAt).toBeDefined();
    first.kill('SIGKILL');
    await waitFor('the kill', () => !first.running);

    const host = await startUpstreamServer({ tls: 'none', port });
    opened.push(host);
    const second = await startServe({ dataDir, args });
    const subjects = () =>
      host.messages.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim());
    await waitFor('every message at the smart host', () => subjects().length === 4, {
      timeout: 30_000,
    });
    await waitFor('an empty queue', async () => {
      const after = await second.api<QueueView>('/api/v1/queue');
      return after.messages.length === 0;
    });
    // nothing was on the wire at the kill: each message goes exactly once
    expect([...subjects()].sort()).toEqual(['Before the pause', ...during].sort());
    await second.stop();
  });
});

describe('relaydesk serve when the smart host stops answering', () => {
  it('shows the deferral and the pause in one step, and tries no mail that comes in before the deferral is stored', async () => {
    const port = await closedPort();
    // the queue's journal holds every write back, so the moment between a recipient's deferral
    // and its save (a disk write, usually milliseconds) lasts until the test is done with it
    const serve = await startServe({
      args: ['--mode', 'relay', '--relay-host', `127.0.0.1:${port}`, '--relay-security', 'none'],
      env: { RELAYDESK_TEST_JOURNAL_HOLD: '1' },
    });
    await sendAll(serve.smtp.port, ['First']);
    const first = await waitFor('the first message deferred', async () => {
      const queue = await serve.api<QueueView>('/api/v1/queue');
      return queue.messages[0]?.recipients[0]?.state === 'deferred' && queue;
    });
    // the same read that shows the deferral shows why nothing more is tried
    expect(first.upstream.paused?.unreachable).toBe(true);

    // mail that comes now waits for the probe, not a connection to the host known to be down
    await sendAll(serve.smtp.port, ['Second']);
    const queue = await serve.api<QueueView>('/api/v1/queue');
    expect(queue.messages.map((m) => [m.Subject, m.recipients[0]?.state])).toEqual([
      ['First', 'deferred'],
      ['Second', 'pending'],
    ]);
    expect(queue.messages[1]?.recipients[0]?.attempts).toBe(0);
    serve.kill('SIGKILL');
    await waitFor('the kill', () => !serve.running);
  });
});
