// SMTP DATA goes to the message's .eml in the spool folder as it arrives (never whole in memory),
// and becomes a message only when it is synced and its record committed before the 250. Over real
// SMTP: a large message arrives byte for byte; a message over the size limit is dropped from disk
// as soon as it crosses the limit and still gets 552; kill -9 in the middle of DATA leaves nothing
// listed and, after the restart, no file of it.
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, type SmtpWire } from '../helpers/smtp-wire.js';

afterEach(cleanupCliProcesses);

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function spoolFiles(dataDir: string): Promise<string[]> {
  return readdir(join(dataDir, 'spool'));
}

/** Files of messages being received: an .eml without sidecar, or a temporary file. */
const temporaries = async (dataDir: string): Promise<string[]> => {
  const files = await spoolFiles(dataDir);
  return files.filter(
    (f) => f.endsWith('.tmp') || (f.endsWith('.eml') && !files.includes(`${f.slice(0, -4)}.json`)),
  );
};

/** A MIME message with one binary attachment; CRLF line ends, base64 never starts with a dot. */
function messageWith(attachment: Buffer, subject: string): Buffer {
  const base64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: app@example.test',
      'To: qa@example.test',
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The archive is attached.',
      '--b1',
      'Content-Type: application/octet-stream; name="archive.bin"',
      'Content-Disposition: attachment; filename="archive.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64.trimEnd(),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

async function openData(port: number): Promise<SmtpWire> {
  const wire = await greetedSession(port);
  expect(await wire.command('MAIL FROM:<app@example.test>')).toMatch(/^250 /);
  expect(await wire.command('RCPT TO:<qa@example.test>')).toMatch(/^250 /);
  expect(await wire.command('DATA')).toMatch(/^354 /);
  return wire;
}

describe('a large message over SMTP', () => {
  let relay: TestRelaydesk | undefined;
  afterEach(async () => {
    await relay?.dispose();
    relay = undefined;
  });

  it('is stored byte for byte after our Received stamp, and its attachment reads back whole', async () => {
    relay = await startTestRelaydesk({ maxSize: 30 * 1024 * 1024 });
    const attachment = randomBytes(9 * 1024 * 1024);
    const sent = messageWith(attachment, 'large');
    const wire = await openData(relay.smtp.port);
    // in pieces, as a client on a real link sends it
    for (let at = 0; at < sent.length; at += 1024 * 1024) {
      wire.write(sent.subarray(at, at + 1024 * 1024));
    }
    const reply = await wire.command('.', 60_000);
    wire.close();
    expect(reply).toMatch(/^250 2\.6\.0 Ok: queued as /);
    const id = /queued as (\S+)/.exec(reply)?.[1] as string;

    const raw = Buffer.from(await (await relay.fetch(`/api/v1/message/${id}/raw`)).arrayBuffer());
    expect(raw.subarray(0, 10).toString()).toBe('Received: ');
    expect(raw.length).toBeGreaterThan(sent.length);
    expect(sha256(raw.subarray(raw.length - sent.length))).toBe(sha256(sent));

    const page = await relay.api<MessagesPage>('/api/v1/messages');
    expect(page.messages[0]).toMatchObject({ ID: id, Subject: 'large', Attachments: 1 });
    expect(page.messages[0]?.Size).toBe(raw.length);
    // its PartID is its MIME position (after the text part), as Mailpit's
    const opened = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(opened.Attachments.map((a) => a.PartID)).toEqual(['2']);
    const part = await relay.fetch(`/api/v1/message/${id}/part/2`);
    expect(part.status).toBe(200);
    expect(sha256(Buffer.from(await part.arrayBuffer()))).toBe(sha256(attachment));
    expect((await spoolFiles(relay.dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('over the size limit: dropped from disk once past the limit, then 552 at the final dot', async () => {
    const limit = 1024 * 1024;
    relay = await startTestRelaydesk({ maxSize: limit });
    const wire = await openData(relay.smtp.port);
    // the data goes to its file in the spool folder once more than a write's worth (256 KiB)
    // has come, long before the end
    const line = `${'y'.repeat(78)}\r\n`;
    wire.write(`Subject: too big\r\n\r\n${line.repeat(Math.ceil(limit / 2 / line.length))}`);
    await vi.waitFor(async () => expect(await temporaries(relay!.dataDir)).toHaveLength(1), {
      timeout: 10_000,
    });
    wire.write(line.repeat(Math.ceil((2 * limit) / line.length)));
    // past the limit and before the final dot, nothing of it is left on disk
    await vi.waitFor(async () => expect(await temporaries(relay!.dataDir)).toEqual([]), {
      timeout: 10_000,
    });
    const reply = await wire.command('.', 30_000);
    expect(reply).toMatch(/^552 5\.3\.4 /);
    // the session goes on: the next message is taken
    expect(await wire.command('MAIL FROM:<app@example.test>')).toMatch(/^250 /);
    wire.close();
    expect((await relay.api<MessagesPage>('/api/v1/messages')).total).toBe(0);
    expect(await spoolFiles(relay.dataDir)).toEqual([]);
  });
});

describe('kill -9 in the middle of DATA', () => {
  it('lists no half message, and the restart removes its file', async () => {
    const dataDir = await makeTempDir();
    const server = await startServe({ dataDir, args: ['--max-size', '30m'] });
    const wire = await openData(server.smtp.port);
    const line = `${'z'.repeat(78)}\r\n`;
    wire.write(`Subject: cut short\r\n\r\n${line.repeat(40_000)}`);
    // the first megabytes are on disk when the process dies
    await vi.waitFor(async () => expect(await temporaries(dataDir)).toHaveLength(1), {
      timeout: 10_000,
    });
    server.kill('SIGKILL');
    await server.exited;
    wire.close();
    expect(await temporaries(dataDir)).toHaveLength(1);

    const again = await startServe({ dataDir, args: ['--max-size', '30m'] });
    const page = await again.api<MessagesPage>('/api/v1/messages');
    expect(page.total).toBe(0);
    expect(await spoolFiles(dataDir)).toEqual([]);
    // and it takes mail as before
    const next = await openData(again.smtp.port);
    expect(await next.command('Subject: after\r\n\r\nbody\r\n.')).toMatch(/^250 /);
    next.close();
  });
});
