// kill -9 at every step of a new message's way into the spool, then a restart on the same data
// folder: after the .eml is written but before the journal has its record, in the middle of the
// journal's write, after the commit but before the 250, and at three points of a compaction
// (folding the journal into the sidecars). Every message that got its 250 is listed with its
// envelope and its whole body; none that did not is listed half-written; every .eml left has its
// sidecar, and what was never acknowledged is removed, not quarantined. The journal's line is
// the message's record before its parse, so what a crash left unfolded is parsed again at start:
// subject, body and tags come back from the .eml.
//
// A small message's line carries its bytes, and its .eml is only in the page cache until the
// folding syncs it: a power loss may then take the .eml (or part of it) while the line stays.
// kill -9 cannot drop the page cache, so those tests remove or cut the .eml files themselves
// after the kill, as the power loss would, and a removal made before the kill must stay one.
import { mkdir, readdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  sendForQueueId,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

const endMarker = (subject: string): string => `END OF ${subject}`;

interface Sent {
  subject: string;
  to: string;
}

// The steps in one chain on one data folder: the start that checks what a kill left is the run
// killed at the next step, so each step costs one start instead of two (a start is ~3 s of CPU).
// What each step's check covers only grows: every message acknowledged since the first kill.
const steps: Array<[point: string, hit: string]> = [
  ['arrivals-before-commit', '9'],
  ['arrivals-append', '9'],
  ['arrivals-appended', '9'],
  ['arrivals-compaction-start', '2'],
  ['arrivals-compaction-midway', '2'],
  ['arrivals-compaction-before-unlink', '2'],
];

const crashAt = ([point, hit]: [string, string]): Record<string, string> => ({
  RELAYDESK_TEST_CRASH_AT: point,
  RELAYDESK_TEST_CRASH_HIT: hit,
  // a compaction every few messages, so the kill lands inside one
  RELAYDESK_TEST_ARRIVALS_COMPACT_AT: '6000',
});

/** Sends until the server kills itself at its crash point; notes each message that got its 250. */
async function sendUntilKilled(
  server: ServeProcess,
  from: number,
  acked: Map<string, Sent>,
): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const send = async (n: number): Promise<void> => {
    const subject = `arrival ${n}`;
    const to = `rcpt${n}@example.test`;
    const info = (await transport.sendMail({
      from: `sender${n}@example.test`,
      to,
      subject,
      headers: { 'X-Tags': `batch${n % 3}` },
      text: `${'line of the body\r\n'.repeat(40)}${endMarker(subject)}`,
    })) as { response: string };
    const id = /queued as ([0-9a-z]+)/.exec(info.response)?.[1];
    if (!id) throw new Error(`no ID in ${info.response}`);
    acked.set(id, { subject, to });
  };
  // three at a time on their own connections, so arrivals share journal commits
  let n = from;
  for (; n < from + 60 && server.child.exitCode === null && !server.child.signalCode; n += 3) {
    await Promise.allSettled([send(n), send(n + 1), send(n + 2)]);
  }
  transport.close();
  return n;
}

/** After a kill at `point`: every acknowledged message is listed whole, nothing half-written. */
async function expectAllWhole(
  server: ServeProcess,
  point: string,
  acked: Map<string, Sent>,
): Promise<void> {
  const page = await server.api<MessagesPage>('/api/v1/messages?limit=1000');
  const listed = new Set(page.messages.map((m) => m.ID));
  for (const [id, sent] of acked) {
    expect(listed.has(id), `after ${point}: acknowledged ${sent.subject}`).toBe(true);
    const detail = await server.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(detail.Subject, point).toBe(sent.subject);
    expect(detail.Text.trimEnd().endsWith(endMarker(sent.subject)), point).toBe(true);
    expect(detail.Envelope.rcptTo, point).toEqual([sent.to]);
    expect(detail.Envelope.mailFrom, point).toBe(sent.to.replace('rcpt', 'sender'));
    // a record made again from its intake and its .eml has its tags too
    expect(detail.Tags, point).toEqual([`batch${Number(sent.subject.split(' ')[1]) % 3}`]);
  }
  // anything else listed (its 250 was lost with the process) is whole too
  for (const id of listed) {
    if (acked.has(id)) continue;
    const detail = await server.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(detail.Text.trimEnd().endsWith(endMarker(detail.Subject)), point).toBe(true);
  }
  const files = await readdir(join(server.dataDir, 'spool'));
  const emls = files.filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4));
  expect(files.filter((f) => f.endsWith('.json')).length, point).toBe(emls.length);
  for (const id of emls) expect(files, point).toContain(`${id}.json`);
  expect(emls.length, point).toBe(page.total);
  // never acknowledged is not kept: removed with a log line, not put in quarantine
  expect(await readdir(join(server.dataDir, 'quarantine')), point).toEqual([]);
  if (point === 'arrivals-before-commit') {
    expect(server.stdout).toMatch(/spool: removed \w+\.eml: never acknowledged/);
  }
  if (point === 'arrivals-appended') {
    // the journal's lines are the records before their parse: those not folded into sidecars
    // when the process died are parsed again from their .eml
    expect(server.stdout).toMatch(
      /arrivals journal: \d+ sidecar\(s\) written .*\(\d+ parsed again/,
    );
  }
  if (point === 'arrivals-append') {
    expect(server.stdout).toMatch(/arrivals journal: ignored a torn last record/);
  }
}

describe('kill -9 at each step of an arrival, one after another on one data folder', () => {
  it(
    'lists every acknowledged message whole with its envelope, and nothing half-written',
    async () => {
      const dataDir = await makeTempDir();
      const acked = new Map<string, Sent>();
      let server = await startServe({ dataDir, env: crashAt(steps[0] as [string, string]) });
      let next = 0;
      for (const [i, step] of steps.entries()) {
        const [point] = step;
        const before = acked.size;
        next = await sendUntilKilled(server, next, acked);
        expect(await server.exited, `killed at ${point}`).toEqual({
          code: null,
          signal: 'SIGKILL',
        });
        expect(acked.size, `acknowledged before the kill at ${point}`).toBeGreaterThan(before);
        // the start after this kill is the run killed at the next step (the last: a plain one)
        const following = steps[i + 1];
        server = await startServe({ dataDir, env: following ? crashAt(following) : {} });
        await expectAllWhole(server, point, acked);
      }
      await server.stop();
    },
    // six kills and seven starts, where one kill took two starts within the default 30 s
    steps.length * 30_000,
  );
});

async function sendOne(port: number, n: number): Promise<{ id: string; subject: string }> {
  const subject = `carried ${n}`;
  const id = await sendForQueueId(port, {
    from: `sender${n}@example.test`,
    to: `rcpt${n}@example.test`,
    subject,
    text: `${'a line of the body\r\n'.repeat(30)}${endMarker(subject)}`,
  });
  if (!id) throw new Error(`no queue ID for ${subject}`);
  return { id, subject };
}

// no folding while the test runs: every message is in the journal only, its .eml unsynced
const noFolding = { RELAYDESK_TEST_ARRIVALS_COMPACT_AT: String(64 * 1024 * 1024) };

describe('a small message whose bytes are in its journal line', () => {
  // one kill for both cases (a start is ~3 s of CPU): the .eml files the power loss takes or cuts
  // and the messages deleted before the kill are different messages of the same journal
  it('is whole after a kill -9 even when its .eml is gone or cut short (a power loss) or a folder stands in its place, and stays deleted when it was deleted before', async () => {
    const dataDir = await makeTempDir();
    const first = await startServe({ dataDir, env: noFolding });
    const sent = [];
    for (let n = 0; n < 10; n++) sent.push(await sendOne(first.smtp.port, n));
    const journal = await readFile(join(dataDir, 'arrivals', 'journal.log'), 'utf8');
    for (const { id } of sent) expect(journal).toMatch(new RegExp(`"id":"${id}".*"raw":"`));
    // two others deleted while their lines are in the journal
    const deleted = [sent[6]?.id, sent[8]?.id];
    const removal = await first.fetch('/api/v1/messages', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: deleted }),
    });
    expect(removal.status).toBe(200);
    first.kill('SIGKILL');
    await first.exited;
    const spool = join(dataDir, 'spool');
    // what the page cache had not written yet: two files gone, two cut short, two whole
    for (const { id } of sent.slice(0, 2)) await unlink(join(spool, `${id}.eml`));
    for (const { id } of sent.slice(2, 4)) await truncate(join(spool, `${id}.eml`), 100);
    // and something outside Relaydesk put a folder where one belongs: the start stopped on it
    // (EISDIR) and the relay could not start at all
    const crowded = sent[4]?.id as string;
    await unlink(join(spool, `${crowded}.eml`));
    await mkdir(join(spool, `${crowded}.eml`));
    await writeFile(join(spool, `${crowded}.eml`, 'notes.txt'), 'not ours');

    const second = await startServe({ dataDir });
    const page = await second.api<MessagesPage>('/api/v1/messages?limit=100');
    const kept = sent.filter(({ id }) => !deleted.includes(id));
    expect(page.messages.map((m) => m.ID).sort()).toEqual(kept.map((m) => m.id).sort());
    for (const { id, subject } of kept) {
      const detail = await second.api<MessageDetail>(`/api/v1/message/${id}`);
      expect(detail.Subject).toBe(subject);
      expect(detail.Text.trimEnd().endsWith(endMarker(subject))).toBe(true);
    }
    expect(second.stdout).toMatch(/5 \.eml file\(s\) written again from their line/);
    // the folder is kept, in the quarantine, with what it held
    expect(second.stdout).toContain(
      `spool: moved ${crowded}.eml to quarantine: a folder was where the message's file belongs (EISDIR)`,
    );
    expect(await readdir(join(dataDir, 'quarantine'))).toEqual([`${crowded}.eml`]);
    expect(await readFile(join(dataDir, 'quarantine', `${crowded}.eml`, 'notes.txt'), 'utf8')).toBe(
      'not ours',
    );
    const files = await readdir(spool);
    for (const id of deleted) expect(files.filter((f) => f.startsWith(`${id}.`))).toEqual([]);
    await second.stop();
  });

  it('is written again from its line when the folding finds a folder in its place, and the folding and the stop go on', async () => {
    const dataDir = await makeTempDir();
    // a folding every few messages
    const server = await startServe({
      dataDir,
      env: { RELAYDESK_TEST_ARRIVALS_COMPACT_AT: '6000' },
    });
    const crowded = await sendOne(server.smtp.port, 0);
    const eml = join(dataDir, 'spool', `${crowded.id}.eml`);
    await unlink(eml);
    await mkdir(eml);
    // the foldings that come: each one failed on that folder (EISDIR), so the journal and the
    // records waiting for their sidecars grew, the stop failed, and so did the next start
    for (let n = 1; n < 12; n++) await sendOne(server.smtp.port, n);
    await eventually(() => server.stdout).toContain(
      `spool: moved ${crowded.id}.eml to quarantine: a folder was where the message's file belongs (EISDIR)`,
    );
    const detail = await server.api<MessageDetail>(`/api/v1/message/${crowded.id}`);
    expect(detail.Text.trimEnd().endsWith(endMarker(crowded.subject))).toBe(true);
    expect(server.stdout).not.toMatch(/folding into the sidecars failed/);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.stderr).not.toMatch(/error while stopping/);
    expect(await readdir(join(dataDir, 'arrivals'))).toEqual([]);
  });
});
