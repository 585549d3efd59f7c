// Virus scanning through a real clamd (Debian's clamav-daemon) started by this file with its own
// signature database: the EICAR string and the MD5 of a test attachment. Real SMTP sessions
// (nodemailer), a real upstream, real files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool } from '../helpers/system-tools.js';
import {
  closedPort,
  startUpstreamServer,
  type RunningUpstream,
} from '../helpers/upstream-server.js';

const clamdPath = requireTool(clamdTool);
/** The attachment whose hash is in the test database. */
const hashedAttachment = Buffer.from('Relaydesk test payload: quarterly-report macro dropper\n');

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
}

async function sendOrError(
  relay: TestRelaydesk,
  mail: Parameters<ReturnType<TestRelaydesk['transport']>['sendMail']>[0],
): Promise<{ id: string | null; error: SmtpError | null }> {
  try {
    const info = await relay.transport().sendMail({ from: 'app@sender.example', ...mail });
    return { id: /queued as (\S+)/.exec(info.response)?.[1] ?? null, error: null };
  } catch (err) {
    return { id: null, error: err as SmtpError };
  }
}

/** The `event=message` lines audit.log holds for the message `id`. */
async function messageAuditLines(relay: TestRelaydesk, id: string): Promise<string[]> {
  const text = await readFile(join(relay.dataDir, 'audit.log'), 'utf8');
  return text.split('\n').filter((l) => l.includes('event=message') && l.includes(`id=${id} `));
}

describe.skipIf(!clamdPath)('virus scanning with clamd', () => {
  let clamd: TestClamd;
  let upstream: RunningUpstream;
  let relay: TestRelaydesk;
  const log: string[] = [];

  beforeAll(async () => {
    clamd = await startClamd(clamdPath as string, hashedAttachment);
    upstream = await startUpstreamServer({ tls: 'none' });
    relay = await startTestRelaydesk({
      clamd: clamd.address,
      mode: 'rules',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      rules: [
        {
          match: { recipient: '*@quarantine.example' },
          action: { type: 'relay' },
          filter: { virusAction: 'quarantine' },
        },
        {
          match: { recipient: '*@tag.example' },
          action: { type: 'capture', mailbox: 'tagged' },
          filter: { virusAction: 'tag' },
        },
        {
          match: { recipient: '*@tag-relay.example' },
          action: { type: 'relay' },
          filter: { virusAction: 'tag' },
        },
        { match: { recipient: '*@relay.example' }, action: { type: 'relay' } },
      ],
    });
    relay.service.on('log', (line) => log.push(line));
  }, 90_000);

  afterAll(async () => {
    await relay?.dispose();
    await upstream?.close();
    await clamd?.stop();
  });

  it('rejects a message carrying EICAR at end of DATA with 554 5.7.0 naming the signature, and keeps nothing', async () => {
    const before = relay.service.total;
    const { error } = await sendOrError(relay, {
      to: 'bob@inbox.example',
      subject: 'eicar in the body',
      text: `see below\n${eicar}\n`,
    });
    expect(error?.responseCode).toBe(554);
    expect(error?.response).toMatch(/^554 5\.7\.0 .*Relaydesk\.Test\.EICAR\.UNOFFICIAL/);
    expect(relay.service.total).toBe(before);
    // nothing of it on disk either: no raw file, no sidecar, no temporary left behind
    const files = await readdir(join(relay.dataDir, 'spool'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.length).toBe(before * 2);
    expect(log.join('\n')).toMatch(
      /smtp-audit event=message result=rejected .*reply=554 reason="virus found: Relaydesk\.Test\.EICAR\.UNOFFICIAL"/,
    );
  });

  it('quarantines per routing rule: kept, flagged, in its own view, and never relayed', async () => {
    const { id, error } = await sendOrError(relay, {
      to: 'carol@quarantine.example',
      subject: 'hashed attachment',
      text: 'the report',
      attachments: [{ filename: 'report.doc', content: hashedAttachment }],
    });
    expect(error).toBeNull();
    const quarantine = await relay.api<MessagesPage>('/api/v1/quarantine');
    const listed = quarantine.messages.find((m) => m.ID === id);
    expect(listed?.Mailbox).toBe('quarantine');
    expect(listed?.Tags).toEqual(expect.arrayContaining(['quarantined', 'virus']));
    const filter = await relay.api<{ Filter: { action: string; signature: string } }>(
      `/api/v1/message/${id}/filter`,
    );
    expect(filter.Filter).toMatchObject({
      action: 'quarantined',
      signature: 'Relaydesk.Test.Attachment.UNOFFICIAL',
    });
    await relay.service.queueIdle();
    expect(upstream.messages).toHaveLength(0);
    const resend = await relay.fetch('/api/v1/queue/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id], To: ['carol@quarantine.example'] }),
    });
    expect(resend.status).toBe(400);
    expect((await resend.json()).error).toMatch(/quarantined mail is never relayed/);
    await relay.service.queueIdle();
    expect(upstream.messages).toHaveLength(0);
    // one message, one outcome in audit.log: it was `result=quarantined`, then `result=accepted`
    const lines = await messageAuditLines(relay, id as string);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /result=quarantined id=\S+ client=127\.0\.0\.1 from=<app@sender\.example> nrcpt=1 .*scan=infected reason="virus found: Relaydesk\.Test\.Attachment\.UNOFFICIAL"/,
    );
  });

  it('tags only, per routing rule: the message is kept where its rule says, flagged "virus"', async () => {
    const { id, error } = await sendOrError(relay, {
      to: 'dave@tag.example',
      subject: 'tag me',
      text: eicar,
    });
    expect(error).toBeNull();
    const message = relay.service.record(id as string);
    expect(message.mailbox).toBe('tagged');
    expect(message.tags).toContain('virus');
    expect(message.notes).toContain('virus found: Relaydesk.Test.EICAR.UNOFFICIAL');
    const lines = await messageAuditLines(relay, id as string);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/result=tagged .*scan=infected/);
  });

  it("a rule's looser filter for one recipient does not carry a virus to a recipient whose rule names none: the settings' reject wins for the message", async () => {
    const before = relay.service.total;
    const relayedBefore = upstream.messages.length;
    // dave's rule tags viruses; erin's rule names no filter, so the settings' reject is hers
    const { error } = await sendOrError(relay, {
      to: ['dave@tag.example', 'erin@relay.example'],
      subject: 'to a tagging rule and a plain relay rule',
      text: eicar,
    });
    expect(error?.responseCode).toBe(554);
    expect(error?.response).toMatch(/^554 5\.7\.0 .*Relaydesk\.Test\.EICAR\.UNOFFICIAL/);
    expect(relay.service.total).toBe(before);
    await relay.service.queueIdle();
    expect(upstream.messages.length).toBe(relayedBefore);
  });

  it('passes and relays a clean message, recorded as scanned clean', async () => {
    const { id, error } = await sendOrError(relay, {
      to: 'erin@relay.example',
      subject: 'clean',
      text: 'nothing to see',
      attachments: [{ filename: 'notes.txt', content: 'harmless text' }],
    });
    expect(error).toBeNull();
    expect(relay.service.record(id as string).filter).toMatchObject({
      action: 'accepted',
      scan: 'clean',
    });
    await expect.poll(() => upstream.messages.length, { timeout: 10_000 }).toBe(1);
  });

  it('marks the copy relayed under virus action "tag" as clamav-milter does; the stored copy stays as it came', async () => {
    // the recipient got the message with nothing saying it carried a virus (a sender's own
    // "Clean" even stood unchallenged)
    const before = upstream.messages.length;
    const { id, error } = await sendOrError(relay, {
      to: 'frank@tag-relay.example',
      subject: 'tag and relay',
      headers: { 'X-Virus-Status': 'Clean' },
      text: eicar,
    });
    expect(error).toBeNull();
    await expect.poll(() => upstream.messages.length, { timeout: 10_000 }).toBe(before + 1);
    const sent = (upstream.messages[before]?.raw ?? Buffer.alloc(0)).toString();
    const header = sent.slice(0, sent.indexOf('\r\n\r\n'));
    expect(header.match(/^X-Virus-Status:.*$/gim)).toEqual([
      'X-Virus-Status: Infected (Relaydesk.Test.EICAR.UNOFFICIAL)',
    ]);
    expect(header).toMatch(/^X-Virus-Scanned: clamd at \S+ \(Relaydesk\)$/m);
    const stored = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(stored).toMatch(/^X-Virus-Status: Clean$/m);
    expect(stored).not.toMatch(/Infected|X-Virus-Scanned/);
  });

  it('reaches clamd over its Unix socket too', async () => {
    const viaSocket = await startTestRelaydesk({ clamd: clamd.socket });
    try {
      const { error } = await sendOrError(viaSocket, { to: 'bob@example.com', text: eicar });
      expect(error?.response).toMatch(/^554 5\.7\.0 .*Relaydesk\.Test\.EICAR\.UNOFFICIAL/);
    } finally {
      await viaSocket.dispose();
    }
  });

  it('reports the scanner reachable in /api/v1/filter', async () => {
    const status = await relay.api<{ clamd: string; clamdReachable: boolean }>('/api/v1/filter');
    expect(status).toMatchObject({ clamd: clamd.address, clamdReachable: true });
  });
});

describe('clamd down', () => {
  it('defers with 451 4.7.0 by default, and stores nothing', async () => {
    const relay = await startTestRelaydesk({ clamd: `127.0.0.1:${await closedPort()}` });
    try {
      const { error } = await sendOrError(relay, { to: 'bob@example.com', text: 'hi' });
      expect(error?.responseCode).toBe(451);
      expect(error?.response).toMatch(/^451 4\.7\.0 Virus scanner unavailable/);
      expect(relay.service.total).toBe(0);
    } finally {
      await relay.dispose();
    }
  });

  it('with clamdUnavailable=accept, accepts and flags "not scanned" (never a silent pass)', async () => {
    const relay = await startTestRelaydesk({
      clamd: `127.0.0.1:${await closedPort()}`,
      clamdUnavailable: 'accept',
    });
    try {
      const { id, error } = await sendOrError(relay, { to: 'bob@example.com', text: 'hi' });
      expect(error).toBeNull();
      const record = relay.service.record(id as string);
      expect(record.tags).toContain('not-scanned');
      expect(record.filter).toMatchObject({ action: 'tagged', scan: 'not-scanned' });
      expect(record.notes.join('\n')).toMatch(
        /not scanned: clamd at 127\.0\.0\.1:\d+: ECONNREFUSED/,
      );
    } finally {
      await relay.dispose();
    }
  });
});
