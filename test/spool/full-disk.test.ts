// A real full disk (a small tmpfs, which needs root to mount; elsewhere these tests are skipped
// with a line saying so), with the real `relaydesk serve`:
// - The disk fills between the upstream's answer and the writing of it: the upstream has the
//   mail, but the queue's journal cannot record that. The log said "delivery failed
//   unexpectedly" for mail the upstream had taken, and a user who believed it sent it again by
//   hand. Now it says the answer and what follows; after a kill -9 and a restart with room the
//   message is sent again (at least once, never lost).
// - The window's "new mail is refused" notice went only when a client next sent a message: now
//   it goes within seconds of there being room for one again.
// - A client that declares its message's SIZE is refused at MAIL FROM when it cannot fit, as
//   Postfix does, rather than after sending it all.
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenersView } from '../../preload/api-contract.js';
import { cleanupCliProcesses, startServe } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';
import { fillDisk, makeRoom, removeSmallDisk, smallDisk } from '../helpers/small-disk.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let disk: string | null = null;
let upstream: RunningUpstream;

beforeAll(async () => {
  disk = await smallDisk('the full-disk queue tests');
  upstream = await startUpstreamServer({ tls: 'none' });
});

afterAll(async () => {
  // the processes first: a folder in use cannot be unmounted
  await cleanupCliProcesses();
  await upstream?.close();
  await removeSmallDisk(disk);
});

describe('an upstream answer that cannot be stored', () => {
  it('is said with the answer, not as a failed delivery, and the mail goes again after a restart', async (context) => {
    if (!disk) return context.skip();
    const dataDir = join(disk, 'data');
    const args = ['--mode', 'relay', '--relay-host', `127.0.0.1:${upstream.port}`];
    args.push('--relay-security', 'none');
    const serve = await startServe({ dataDir, args });
    await serve.api('/api/v1/relay/pause', { method: 'POST' });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: serve.smtp.port });
    // twenty recipients: the outcome's record (an attempt with its transcript for each) needs
    // new pages of the journal file, which a full disk does not give (a small one could still go
    // into the last page's free end)
    const to = Array.from({ length: 20 }, (_, i) => `client${i}@example.org`);
    await transport.sendMail({
      from: 'office@example.test',
      to,
      subject: 'Invoice 7',
      text: 'Please find the invoice.',
    });
    transport.close();
    await fillDisk(disk);
    await serve.api('/api/v1/relay/resume', { method: 'POST' });
    await waitFor('the upstream to take the message', () => upstream.messages.length === 1);
    const said = await serve.waitFor(/: the outcome of the attempt \(.*\) could not be stored .*/);
    expect(said[0]).toMatch(
      /^: the outcome of the attempt \(client0@example\.org: 250 .*; client19@example\.org: 250 .*\) could not be stored \(ENOSPC: no space left on device, write\): after a restart it is tried again, so a recipient the upstream took may get it twice$/,
    );
    expect(serve.stdout + serve.stderr).not.toContain('delivery failed unexpectedly');

    serve.kill('SIGKILL');
    await serve.exited;
    makeRoom(disk);
    await startServe({ dataDir, args });
    await waitFor('the message to be sent again', () => upstream.messages.length === 2);
  }, 60_000);
});

describe('a full disk with room again', () => {
  it('lifts the refusal, and its notice, once a message fits, before any client sends', async (context) => {
    if (!disk) return context.skip();
    const dataDir = join(disk, 'capture');
    const serve = await startServe({ dataDir, args: ['--max-size', '1m'] });
    await fillDisk(disk);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: serve.smtp.port });
    const refused = await transport
      .sendMail({
        from: 'app@example.test',
        to: 'qa@example.test',
        subject: 'no room',
        text: 'x'.repeat(200_000),
      })
      .then(
        () => 250,
        (err: { responseCode?: number }) => err.responseCode,
      );
    transport.close();
    expect(refused).toBe(452);
    const listeners = () => serve.api<ListenersView>('/api/v1/listeners');
    expect((await listeners()).diskFull).toMatchObject({
      code: 'ENOSPC',
      reason: `the disk holding ${dataDir} is full (ENOSPC), so every new message gets 452 4.3.1 (try again later)`,
      fix: 'delete messages here or free space on that disk: mail is taken again by itself once a message fits',
    });
    makeRoom(disk);
    await waitFor('the notice to go', async () => (await listeners()).diskFull === null, {
      timeout: 15_000,
    });
    // (the log line may reach stdout a moment after the API says so)
    await serve.waitFor(/spool: there is room on the disk again \(\d+ MB free\); taking mail/);
  }, 60_000);
});

describe('a message too large for the room left', () => {
  it('is refused at MAIL FROM by its declared SIZE, before its data comes', async (context) => {
    if (!disk) return context.skip();
    const dataDir = join(disk, 'declared');
    const serve = await startServe({ dataDir, args: ['--max-size', '10m'] });
    await fillDisk(disk);
    const wire = await greetedSession(serve.smtp.port);
    try {
      // Postfix's rule: the declared size must fit half again over
      expect(await wire.command('MAIL FROM:<app@example.test> SIZE=2000000')).toBe(
        '452 4.3.1 Insufficient system storage; try again later',
      );
      // no size declared: nothing to judge by until the data comes
      expect(await wire.command('MAIL FROM:<app@example.test>')).toMatch(/^250 /);
      expect(await wire.command('RSET')).toMatch(/^250 /);
    } finally {
      wire.close();
    }
    expect(serve.stdout).toMatch(
      /spool: the disk holding \S+ has 0\.0 MB free, too little for a message of 1\.9 MB \(its SIZE\); new mail gets 452 4\.3\.1 until space is freed/,
    );
    // the audit line names the sender refused, though the session has none yet
    expect(serve.stdout).toMatch(
      /smtp-audit event=message result=rejected client=127\.0\.0\.1 from=<app@example\.test> nrcpt=0 reply=452 reason="disk full"/,
    );
    const listeners = await serve.api<ListenersView>('/api/v1/listeners');
    expect(listeners.diskFull?.code).toBe('ENOSPC');
    makeRoom(disk);
    const again = await greetedSession(serve.smtp.port);
    try {
      expect(await again.command('MAIL FROM:<app@example.test> SIZE=2000000')).toMatch(/^250 /);
    } finally {
      again.close();
    }
  }, 60_000);
});
