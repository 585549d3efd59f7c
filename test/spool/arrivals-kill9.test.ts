// kill -9 at every step of a new message's way into the spool, then a restart on the same data
// folder: after the .eml is written but before the journal has its record, in the middle of the
// journal's write, after the commit but before the 250, and at three points of a compaction
// (folding the journal into the sidecars). Every message that got its 250 is listed with its
// envelope and its whole body; none that did not is listed half-written; every .eml left has its
// sidecar, and what was never acknowledged is removed, not quarantined. The journal's line is
// the message's record before its parse, so what a crash left unfolded is parsed again at start:
// subject, body and tags come back from the .eml.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';

afterEach(cleanupCliProcesses);

const endMarker = (subject: string): string => `END OF ${subject}`;

interface Sent {
  subject: string;
  to: string;
}

describe.each([
  ['arrivals-before-commit', '9'],
  ['arrivals-append', '9'],
  ['arrivals-appended', '9'],
  ['arrivals-compaction-start', '2'],
  ['arrivals-compaction-midway', '2'],
  ['arrivals-compaction-before-unlink', '2'],
])('kill -9 at %s', (point, hit) => {
  it('lists every acknowledged message whole with its envelope, and nothing half-written', async () => {
    const dataDir = await makeTempDir();
    const first = await startServe({
      dataDir,
      env: {
        RELAYDESK_TEST_CRASH_AT: point,
        RELAYDESK_TEST_CRASH_HIT: hit,
        // a compaction every few messages, so the kill lands inside one
        RELAYDESK_TEST_ARRIVALS_COMPACT_AT: '6000',
      },
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: first.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const acked = new Map<string, Sent>();
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
    for (let n = 0; n < 60 && first.child.exitCode === null && !first.child.signalCode; n += 3) {
      await Promise.allSettled([send(n), send(n + 1), send(n + 2)]);
    }
    transport.close();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acked.size).toBeGreaterThan(0);

    const second = await startServe({ dataDir });
    const page = await second.api<MessagesPage>('/api/v1/messages?limit=1000');
    const listed = new Set(page.messages.map((m) => m.ID));
    for (const [id, sent] of acked) {
      expect(listed.has(id), `acknowledged ${sent.subject}`).toBe(true);
      const detail = await second.api<MessageDetail>(`/api/v1/message/${id}`);
      expect(detail.Subject).toBe(sent.subject);
      expect(detail.Text.trimEnd().endsWith(endMarker(sent.subject))).toBe(true);
      expect(detail.Envelope.rcptTo).toEqual([sent.to]);
      expect(detail.Envelope.mailFrom).toBe(sent.to.replace('rcpt', 'sender'));
      // a record made again from its intake and its .eml has its tags too
      expect(detail.Tags).toEqual([`batch${Number(sent.subject.split(' ')[1]) % 3}`]);
    }
    // anything else listed (its 250 was lost with the process) is whole too
    for (const id of listed) {
      if (acked.has(id)) continue;
      const detail = await second.api<MessageDetail>(`/api/v1/message/${id}`);
      expect(detail.Text.trimEnd().endsWith(endMarker(detail.Subject))).toBe(true);
    }
    const files = await readdir(join(dataDir, 'spool'));
    const emls = files.filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4));
    expect(files.filter((f) => f.endsWith('.json')).length).toBe(emls.length);
    for (const id of emls) expect(files).toContain(`${id}.json`);
    expect(emls.length).toBe(page.total);
    // never acknowledged is not kept: removed with a log line, not put in quarantine
    expect(await readdir(join(dataDir, 'quarantine'))).toEqual([]);
    if (point === 'arrivals-before-commit') {
      expect(second.stdout).toMatch(/spool: removed \w+\.eml: never acknowledged/);
    }
    if (point === 'arrivals-appended') {
      // the journal's lines are the records before their parse: those not folded into sidecars
      // when the process died are parsed again from their .eml
      expect(second.stdout).toMatch(
        /arrivals journal: \d+ sidecar\(s\) written .*\(\d+ parsed again/,
      );
    }
    if (point === 'arrivals-append') {
      expect(second.stdout).toMatch(/arrivals journal: ignored a torn last record/);
    }
    await second.stop();
  });
});
