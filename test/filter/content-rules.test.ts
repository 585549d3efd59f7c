// Content rules (Postfix's header_checks and body_checks) through real parts: a real SMTP client
// (swaks, whose transcript shows the reply the client got), a real upstream smtp-server that
// records what it was sent, the real spool, queue and audit log.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const run = promisify(execFile);
const swaks = requireTool(tools.swaks);

const contentRules = [
  // hide the office's internal hops from the outside world (the common IGNORE)
  { where: 'header', match: '^Received: from .*\\[192\\.168\\.', action: 'ignore' },
  {
    where: 'header',
    match: '^Subject: .*lottery',
    flags: 'i',
    action: 'reject',
    text: 'No lotteries here',
  },
  { where: 'header', match: '^Subject: newsletter draft', action: 'discard' },
  {
    where: 'header',
    match: '^Subject: invoice',
    flags: 'i',
    action: 'hold',
    text: 'invoices are checked by hand',
  },
  { where: 'header', match: '^X-Mailer: OldMailer', action: 'replace', text: 'X-Mailer: Office' },
  {
    where: 'header',
    match: '^Subject: .*urgent',
    flags: 'i',
    action: 'prepend',
    text: 'X-Office-Flag: urgent',
  },
  { where: 'body', match: '^password:', flags: 'i', action: 'warn', text: 'a password in a mail' },
  { where: 'body', match: 'CONFIDENTIAL', action: 'replace', text: '[redacted]' },
];

describe.skipIf(!swaks)('content rules', () => {
  let upstream: RunningUpstream;
  let relay: TestRelaydesk;

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      contentRules,
    });
  }, 30_000);

  afterAll(async () => {
    await relay?.dispose();
    await upstream?.close();
  });

  /** Sends with swaks; its transcript (the server's replies included) and its exit code. */
  async function send(headers: string[], body = 'hello'): Promise<{ out: string; code: number }> {
    const args = [
      ...['--server', `127.0.0.1:${relay.smtp.port}`],
      ...['--from', 'app@office.example', '--to', 'client@outside.example'],
      // --header replaces swaks's own field of that name (its Subject, its X-Mailer) or adds one
      ...headers.flatMap((h) => ['--header', h]),
      ...['--body', body],
    ];
    try {
      const { stdout } = await run(swaks as string, args);
      return { out: stdout, code: 0 };
    } catch (err) {
      const e = err as { stdout: string; code: number };
      return { out: e.stdout, code: e.code };
    }
  }

  const queuedId = (out: string): string => {
    const id = /<- +250 \S* ?Ok: queued as (\S+)/.exec(out)?.[1];
    expect(id, out).toBeTruthy();
    return id as string;
  };

  async function auditLines(): Promise<string[]> {
    const text = await readFile(join(relay.dataDir, 'audit.log'), 'utf8');
    return text.split('\n').filter((l) => l.includes('event=message'));
  }

  it('relays the copy without the internal Received line (ignore); the stored copy keeps it', async () => {
    const before = upstream.messages.length;
    const internal =
      'Received: from pc7.office.lan (pc7.office.lan [192.168.1.23]) by files.office.lan with ESMTP id 4711; Sun, 6 Dec 2026 10:00:00 +0000';
    const { out, code } = await send([internal, 'Subject: weekly figures'], 'the figures');
    expect(code, out).toBe(0);
    const id = queuedId(out);
    await eventually(() => upstream.messages.length).toBe(before + 1);
    const sent = upstream.messages.at(-1)?.raw.toString('latin1') ?? '';
    expect(sent).not.toContain('192.168.1.23');
    expect(sent).toContain('Subject: weekly figures');
    // our own stamp (from 127.0.0.1) is not an internal hop of the rule: it stays
    expect(sent).toMatch(/^Received: from .*\[127\.0\.0\.1\]/m);
    const stored = await relay.fetch(`/api/v1/message/${id}/raw`).then((r) => r.text());
    expect(stored).toContain('[192.168.1.23]');
    const record = relay.service.record(id);
    expect(record.notes.join('\n')).toMatch(
      /content rule 0 \(header .* ignore\) matched "Received: from pc7\.office\.lan \(pc7\.office\.lan \[192\.168\." in the Received header: removed from the copy sent on/,
    );
    const line = (await auditLines()).find((l) => l.includes(`id=${id} `));
    expect(line).toMatch(/result=tagged .*reason="content rule 0 /);
  });

  it("rejects with 550 5.7.1 and the rule's text, which the client sees; nothing is kept", async () => {
    const total = relay.service.total;
    const { out, code } = await send(['Subject: You won the LOTTERY']);
    expect(code, out).not.toBe(0);
    expect(out).toMatch(/<\*\* +550 5\.7\.1 No lotteries here/);
    expect(relay.service.total).toBe(total);
    const files = await readdir(join(relay.dataDir, 'spool'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await auditLines()).at(-1)).toMatch(
      /result=rejected .*reply=550 reason="content rule 1 \(header \/\^Subject: \.\*lottery\/i reject\) matched \\"Subject: You won the LOTTERY\\" in the Subject header"/,
    );
  });

  it('discards: the client gets 250, nothing is stored or relayed, one audit line says so', async () => {
    const total = relay.service.total;
    const relayed = upstream.messages.length;
    const { out, code } = await send(['Subject: newsletter draft 3']);
    expect(code, out).toBe(0);
    const id = queuedId(out);
    expect(relay.service.total).toBe(total);
    expect(await relay.fetch(`/api/v1/message/${id}`).then((r) => r.status)).toBe(404);
    const files = await readdir(join(relay.dataDir, 'spool'));
    expect(files.filter((f) => f.startsWith(id))).toEqual([]);
    await relay.service.queueIdle();
    expect(upstream.messages.length).toBe(relayed);
    const lines = (await auditLines()).filter((l) => l.includes(`id=${id} `));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/result=discarded .*reason="content rule 2 .*: discarded"/);
  });

  it('holds: stored, held in the queue with the rule as the reason, sent once released', async () => {
    const relayed = upstream.messages.length;
    const { out, code } = await send(['Subject: Invoice 2026-118']);
    expect(code, out).toBe(0);
    const id = queuedId(out);
    const queue = await relay.api<QueueView>('/api/v1/queue');
    const held = queue.messages.find((m) => m.ID === id);
    expect(held?.status).toBe('held');
    expect(held?.recipients[0]?.state).toBe('held');
    expect(held?.recipients[0]?.why).toBe(
      'held by content rule 3 (header /^Subject: invoice/i hold): invoices are checked by hand',
    );
    await relay.service.queueIdle();
    expect(upstream.messages.length).toBe(relayed);
    expect((await auditLines()).find((l) => l.includes(`id=${id} `))).toMatch(
      /result=held .*reason="content rule 3 /,
    );
    await relay.api('/api/v1/queue/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await eventually(() => upstream.messages.length).toBe(relayed + 1);
  });

  it('replaces and prepends headers and body lines in the copy sent on, and warns', async () => {
    const before = upstream.messages.length;
    const { out, code } = await send(
      ['Subject: urgent: the contract', 'X-Mailer: OldMailer 2.1'],
      'Password: hunter2\nThis is CONFIDENTIAL material\nbye',
    );
    expect(code, out).toBe(0);
    const id = queuedId(out);
    await eventually(() => upstream.messages.length).toBe(before + 1);
    const sent = upstream.messages.at(-1)?.raw.toString('latin1') ?? '';
    expect(sent).toMatch(/^X-Office-Flag: urgent\r\nSubject: urgent: the contract\r\n/m);
    expect(sent).toMatch(/^X-Mailer: Office\r\n/m);
    expect(sent).not.toContain('OldMailer');
    expect(sent).toContain('\r\n[redacted]\r\n');
    expect(sent).not.toContain('CONFIDENTIAL');
    const notes = relay.service.record(id).notes.join('\n');
    expect(notes).toContain(
      'content rule 6 (body /^password:/i warn) matched "Password:" in body line 1: a password in a mail',
    );
  });

  // "secrets never in logs": the reason names the rule, the place and the rule's own match, and
  // goes everywhere the reasons go (audit log, notes, the API and GUI, webhooks)
  it('a warn rule on "password:" names the rule, the line and "Password:", never the password after it', async () => {
    const secret = 'Tr0ub4dor-and-3-more-words';
    const { out, code } = await send(
      ['Subject: account for the new hire'],
      `Hello,\n\nlogin: alice\nPassword: ${secret}\nbye`,
    );
    expect(code, out).toBe(0);
    const id = queuedId(out);
    // the server's replies (swaks marks them "<-")
    expect(
      out
        .split('\n')
        .filter((l) => /^ *<-/.test(l))
        .join('\n'),
    ).not.toContain(secret);
    const line = (await auditLines()).find((l) => l.includes(`id=${id} `)) ?? '';
    expect(line).toContain(
      'reason="content rule 6 (body /^password:/i warn) matched \\"Password:\\" in body line 4: a password in a mail"',
    );
    expect(await readFile(join(relay.dataDir, 'audit.log'), 'utf8')).not.toContain(secret);
    expect(relay.service.record(id).notes.join('\n')).not.toContain(secret);
    const api = await relay.fetch(`/api/v1/message/${id}/filter`).then((r) => r.text());
    expect(api).toContain('matched \\"Password:\\" in body line 4');
    expect(api).not.toContain(secret);
  });

  // what the Settings screen's box sends while its JSON does not parse, and a save applying at once
  it('refuses broken JSON from the settings API by line and column; a good save applies to the next message', async () => {
    const save = (contentRules: unknown) =>
      relay.fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contentRules }),
      });
    const broken = await save('[\n {"where": "body", "match": "x", "action": "warn",}\n]');
    expect(broken.status).toBe(400);
    const { errors } = (await broken.json()) as { errors: Array<{ message: string }> };
    expect(errors[0]?.message).toBe(
      'contentRules: not valid JSON at line 2, column 50: found "," before "}"; remove the trailing comma; give [{"where": "header", "match": "^Subject: .*lottery", "flags": "i", "action": "reject", "text": "no lotteries here"}], or "off"',
    );
    const good = await save([
      { where: 'header', match: '^Subject: stop me', action: 'reject', text: 'Stopped' },
    ]);
    expect(good.status).toBe(200);
    const { out } = await send(['Subject: stop me now']);
    expect(out).toMatch(/<\*\* +550 5\.7\.1 Stopped/);
    // the rest of the file's rules were replaced by that save
    expect(await save(contentRules).then((r) => r.status)).toBe(200);
  });
});

// capture mode (a developer's Mailpit stand-in) runs the same rules: refused and dropped mail is
// refused and dropped there too; a hold has no queue to wait in, so it is noted on the message
describe('content rules in capture mode', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk({ contentRules });
  }, 30_000);
  afterAll(async () => relay?.dispose());

  async function sendOrError(subject: string): Promise<{ id: string | null; error: string }> {
    try {
      const info = await relay.transport().sendMail({
        from: 'app@office.example',
        to: 'dev@test.example',
        subject,
        text: 'hello',
      });
      return { id: /queued as (\S+)/.exec(info.response)?.[1] ?? null, error: '' };
    } catch (err) {
      return { id: null, error: (err as { response?: string }).response ?? String(err) };
    }
  }

  it('rejects and discards as in relay mode, and notes a hold on the captured message', async () => {
    expect((await sendOrError('lottery winner')).error).toBe('550 5.7.1 No lotteries here');
    const total = relay.service.total;
    const dropped = await sendOrError('newsletter draft 4');
    expect(dropped.error).toBe('');
    expect(relay.service.total).toBe(total);
    const held = await sendOrError('Invoice 7');
    const record = relay.service.record(held.id as string);
    expect(record.filter).toMatchObject({ action: 'held' });
    expect(record.delivery).toBeUndefined();
    expect(record.notes).toContain(
      'held by content rule 3 (header /^Subject: invoice/i hold): invoices are checked by hand; captured here, so nothing waits to be relayed',
    );
  });
});
