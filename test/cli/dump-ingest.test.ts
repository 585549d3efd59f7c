// `relaydesk ingest` and `relaydesk dump`, run as the real command against a running relay:
// .eml files, a Maildir and an mbox imported with their dates kept, never relayed; every
// message written back out as .eml with a JSON index.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { closedPort } from '../helpers/upstream-server.js';

let relay: TestRelaydesk;
let work: string;
let env: Record<string, string>;

const crlf = (lines: string[]): string => lines.join('\r\n');

beforeAll(async () => {
  // relay mode: imported mail must still only be captured, never sent on
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: await closedPort(), security: 'none' },
  });
  env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
  work = await mkdtemp(join(tmpdir(), 'relaydesk-ingest-'));
});
afterAll(async () => {
  await cleanupCliProcesses();
  await relay?.dispose();
  await rm(work, { recursive: true, force: true });
});

async function messages(): Promise<MessagesPage['messages']> {
  return (await relay.api<MessagesPage>('/api/v1/messages?limit=100')).messages;
}

describe('relaydesk ingest', () => {
  it('imports .eml files, a Maildir and an mbox, keeping their dates', async () => {
    await writeFile(
      join(work, 'invoice.eml'),
      crlf([
        'From: Billing <billing@shop.example>',
        'To: customer+invoices@rcpt.example',
        'Subject: Invoice 42',
        'Date: Tue, 02 Mar 2021 10:15:00 +0100',
        'X-Tags: finance',
        '',
        'Your invoice.',
        '',
      ]),
    );
    const maildir = join(work, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
    await writeFile(join(maildir, 'notes.txt'), 'not a message\n');
    const maildirMessage = (subject: string, date: string) =>
      [
        'From: a@old.example',
        'To: b@old.example',
        `Subject: ${subject}`,
        `Date: ${date}`,
        '',
        'body',
        '',
      ].join('\n');
    await writeFile(
      join(maildir, 'cur', '1614680000.M1P1.host:2,S'),
      maildirMessage('Seen one', 'Mon, 01 Mar 2021 08:00:00 +0000'),
    );
    await writeFile(
      join(maildir, 'new', '1614690000.M2P1.host'),
      maildirMessage('New one', 'Mon, 01 Mar 2021 09:00:00 +0000'),
    );
    await writeFile(
      join(maildir, 'tmp', '1614700000.M3P1.host'),
      maildirMessage('Half delivered', 'Mon, 01 Mar 2021 10:00:00 +0000'),
    );
    await writeFile(
      join(work, 'archive.mbox'),
      [
        'From alice@list.example Sat Jan  4 12:00:00 2020',
        'From: alice@list.example',
        'To: list@list.example',
        'Subject: First post',
        'Date: Fri, 03 Jan 2020 23:59:00 +0000',
        '',
        'Hello list.',
        '>From here on, a line that mbox had to escape.',
        '',
        'From bob@list.example Sun Jan  5 08:30:00 2020',
        'From: bob@list.example',
        'To: list@list.example',
        'Subject: Second post',
        '',
        'Reply.',
        '',
      ].join('\n'),
    );

    const result = await runCli(
      ['ingest', join(work, 'invoice.eml'), maildir, join(work, 'archive.mbox')],
      { env },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/imported 5 message\(s\), 1 other file\(s\) skipped/);

    const bySubject = new Map((await messages()).map((m) => [m.Subject, m]));
    expect([...bySubject.keys()].sort()).toEqual(
      ['First post', 'Invoice 42', 'New one', 'Second post', 'Seen one'].sort(),
    );
    expect(bySubject.get('Invoice 42')?.Created).toBe('2021-03-02T09:15:00.000Z');
    expect(bySubject.get('Invoice 42')?.Tags).toEqual(['finance', 'invoices']);
    expect(bySubject.get('Seen one')?.Created).toBe('2021-03-01T08:00:00.000Z');
    // the mbox From_ line is the received time, not the Date header
    expect(bySubject.get('First post')?.Created).toBe('2020-01-04T12:00:00.000Z');
    expect(bySubject.get('Second post')?.Created).toBe('2020-01-05T08:30:00.000Z');
    expect(bySubject.has('Half delivered')).toBe(false);

    const first = bySubject.get('First post') as { ID: string };
    const raw = await (await relay.fetch(`/api/v1/message/${first.ID}/raw`)).text();
    expect(raw).toContain('\r\nFrom here on, a line that mbox had to escape.\r\n');
    expect(raw).not.toMatch(/^From alice/);
    const detail = await relay.api<MessageDetail>(`/api/v1/message/${first.ID}`);
    expect(detail.Envelope.rcptTo).toEqual(['list@list.example']);
    // imported, not received: the GUI says so instead of naming a client that sent it
    expect(detail.Envelope.origin).toBe('ingest');
    // never relayed, even in relay mode
    const delivery = await relay.api<{ status: string }>(`/api/v1/message/${first.ID}/delivery`);
    expect(delivery.status).toBe('captured');
    // the list is in received order: the oldest import is last
    expect((await messages()).at(-1)?.Subject).toBe('First post');
  });

  it('says clearly what is wrong', async () => {
    const missing = await runCli(['ingest', join(work, 'nope.eml')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ingest: .*nope\.eml: no such file or folder; nothing imported/);
    // a missing path after good ones: nothing is imported, so running it again adds no duplicate
    const before = (await messages()).length;
    const typo = await runCli(['ingest', join(work, 'invoice.eml'), join(work, 'nope.eml')], {
      env,
    });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/nope\.eml: no such file or folder; nothing imported/);
    expect((await messages()).length).toBe(before);
    const badBox = await runCli(['ingest', join(work, 'invoice.eml'), '--mailbox', '../x'], {
      env,
    });
    expect(badBox.code).toBe(2);
    expect(badBox.stderr).toMatch(/--mailbox: "\.\.\/x" is not a mailbox name/);
    await writeFile(join(work, 'notes.txt'), 'just some notes\n');
    const notMail = await runCli(['ingest', join(work, 'notes.txt')], { env });
    expect(notMail.code).toBe(1);
    expect(notMail.stderr).toMatch(
      /notes\.txt: not a message \(it does not start with a header field\)/,
    );
    const down = await runCli([
      'ingest',
      join(work, 'invoice.eml'),
      '--http',
      `127.0.0.1:${await closedPort()}`,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /cannot reach the relay's API at http:\/\/127\.0\.0\.1:\d+\/ .*give --http URL/,
    );
  });
});

describe('relaydesk dump', () => {
  it('writes every message as .eml with a JSON index, and adds only new mail on a second run', async () => {
    const out = join(work, 'dump');
    const all = await messages();
    const result = await runCli(['dump', out], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`dumped ${all.length} message\\(s\\).*\\(${all.length} new`),
    );

    const files = (await readdir(out)).sort();
    expect(files).toEqual([...all.map((m) => `${m.ID}.eml`), 'index.json'].sort());
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as Array<{
      ID: string;
      File: string;
      Subject: string;
      Created: string;
    }>;
    expect(index.map((m) => m.ID)).toEqual(all.map((m) => m.ID).reverse());
    expect(index.find((m) => m.Subject === 'Invoice 42')).toMatchObject({
      Created: '2021-03-02T09:15:00.000Z',
    });
    for (const message of all) {
      const raw = Buffer.from(
        await (await relay.fetch(`/api/v1/message/${message.ID}/raw`)).arrayBuffer(),
      );
      expect((await readFile(join(out, `${message.ID}.eml`))).equals(raw)).toBe(true);
    }

    await relay
      .transport()
      .sendMail({ from: 'a@b.example', to: 'c@d.example', subject: 'Later', text: 'x' });
    const again = await runCli(['dump', out], { env });
    expect(again.stdout).toMatch(/\(1 new, \d+ already there\)/);
  });
});
