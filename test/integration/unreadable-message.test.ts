// A kept message whose .eml cannot be read (a folder in its place, or the file removed behind the
// relay's back): every way of reading it says so in the user's words, without the file's path
// (which the log keeps), and the relay, its list and the other messages go on. Before: each
// answered "internal error (id …)", which told the user nothing.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatLogLine, type LogRecord } from '../../main/core/logs/log-record.js';
import type { MessagesPage } from '../../preload/api-contract.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
const records: LogRecord[] = [];
const ids = new Map<string, string>();

beforeAll(async () => {
  // received, and stopped: the messages' .eml files are synced and their records in sidecars, as
  // for mail kept a while (one whose bytes the arrivals journal still holds is synced when the
  // journal is folded, which a folder in its place fails: not this case)
  const dataDir = await makeDataDir();
  const first = await startTestRelaydesk({}, dataDir);
  try {
    const transport = first.transport();
    for (const subject of ['jammed', 'vanished', 'fine']) {
      await transport.sendMail({
        from: 'a@x.example',
        to: 'b@y.example',
        subject,
        html: '<p>hello</p>',
        attachments: [{ filename: 'a.txt', content: 'x' }],
      });
    }
  } finally {
    await first.dispose();
  }
  relay = await startTestRelaydesk({}, dataDir);
  relay.service.on('record', (record: LogRecord) => records.push(record));
  const page = await relay.api<MessagesPage>('/api/v1/messages');
  for (const m of page.messages) ids.set(m.Subject, m.ID);
  const eml = (subject: string) => join(relay.dataDir, 'spool', `${ids.get(subject)}.eml`);
  // a folder where the .eml was: it cannot be read (root reads a file without permissions)
  await rm(eml('jammed'));
  await mkdir(eml('jammed'));
  await writeFile(join(eml('jammed'), 'held'), 'x');
  await rm(eml('vanished'));
});
afterAll(async () => relay?.dispose());

/** The paths a client reads a message by: Mailpit's (text errors), then Relaydesk's own. */
const mailpitPaths = (id: string) => [
  `/api/v1/message/${id}`,
  `/api/v1/message/${id}/raw`,
  `/api/v1/message/${id}/headers`,
  `/api/v1/message/${id}/part/2`,
];
const ownPaths = (id: string) => [
  `/api/v1/message/${id}/route`,
  `/api/v1/message/${id}/auth-check`,
  `/view/${id}.html`,
  `/view/${id}.txt`,
];

const unreadable =
  /^the message's file could not be read \(EISDIR\); it is still listed, and opens once its file can be read again \(id [0-9a-f]{12}\); the server's log has the details$/;
const missing =
  /^the message's file is missing \(ENOENT\): something outside Relaydesk removed it; it is still listed until you delete it \(id [0-9a-f]{12}\); the server's log has the details$/;

it.each([
  ['jammed', unreadable, 'EISDIR: illegal operation on a directory, read'],
  ['vanished', missing, 'ENOENT: no such file or directory, open'],
])(
  'says why a message whose file is %s cannot be read, without its path, on every path',
  async (subject, words, logged) => {
    const id = ids.get(subject) as string;
    for (const path of mailpitPaths(id)) {
      const res = await relay.fetch(path);
      // Mailpit's status for a failure of its own (httpError), and its text body, which its
      // clients put in their Error: a 404 would say that a message still listed does not exist
      expect(res.status, path).toBe(500);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/plain/);
      const body = await res.text();
      expect(body, path).toMatch(words);
      expect(body, path).not.toContain(relay.dataDir);
    }
    for (const path of ownPaths(id)) {
      const res = await relay.fetch(path);
      expect(res.status, path).toBe(500);
      const body = await res.text();
      expect((JSON.parse(body) as { error: string }).error, path).toMatch(words);
      expect(body, path).not.toContain(relay.dataDir);
    }
    // the log names the file, under the id the answer gave
    const lines = records.map((r) => formatLogLine(r)).join('\n');
    expect(lines).toContain(`${logged}`);
    expect(lines).toContain(`could not read message ${id}:`);
    expect(lines).toContain(join(relay.dataDir, 'spool', `${id}.eml`));
  },
);

it('keeps the list, the other messages and the delete working', async () => {
  const page = await relay.api<MessagesPage>('/api/v1/messages');
  expect(page.messages.map((m) => m.Subject).sort()).toEqual(['fine', 'jammed', 'vanished']);
  const fine = await relay.fetch(`/api/v1/message/${ids.get('fine')}`);
  expect(fine.status).toBe(200);
  expect(((await fine.json()) as { Subject: string }).Subject).toBe('fine');
  // what the missing file's answer told the user to do
  const removed = await relay.fetch('/api/v1/messages', {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: [ids.get('vanished')] }),
  });
  expect(removed.status).toBe(200);
  const after = await relay.api<MessagesPage>('/api/v1/messages');
  expect(after.messages.map((m) => m.Subject).sort()).toEqual(['fine', 'jammed']);
});

// a message kept with its MIME structure unread has no parts to take out: before, each part's
// path answered "internal error (id …)", as if the relay had failed
it('says why no part can be taken out of a message whose MIME structure cannot be read', async () => {
  const raw =
    'From: app@x.example\r\nTo: b@y.example\r\nSubject: padded\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n' +
    `--zz\r\nX-Pad: ${'pad '.repeat(300_000)}\r\nContent-Type: text/plain\r\n\r\nx\r\n--zz--\r\n`;
  await relay
    .transport()
    .sendMail({ envelope: { from: 'app@x.example', to: ['b@y.example'] }, raw });
  const page = await relay.api<MessagesPage>('/api/v1/search?query=subject:padded');
  const id = page.messages[0]?.ID as string;
  const words = `message ${id} has no part "1" to take out: its MIME structure could not be read (Max header size for a MIME node exceeded); /api/v1/message/${id}/raw has it whole`;
  // Mailpit's answers to a part it does not have: its 404 page, and the thumbnail's 400
  const part = await relay.fetch(`/api/v1/message/${id}/part/1`);
  expect(part.status).toBe(404);
  expect(await part.text()).toBe('404 page not found');
  const thumb = await relay.fetch(`/api/v1/message/${id}/part/1/thumb`);
  expect(thumb.status).toBe(400);
  expect(await thumb.text()).toBe('attachment not found');
  // the desktop window's bridge says why
  await expect(relay.service.partContent(id, '1')).rejects.toThrow(words);
});
