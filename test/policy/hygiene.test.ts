// Data hygiene over raw sockets: SMTP smuggling variants stay one message (stored with CRLF
// only), CR/LF in envelope fields, HELO or AUTH names cannot inject headers or log lines, and
// the loop guard refuses a message with more than 30 Received headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire } from '../helpers/smtp-wire.js';

let relay: TestRelaydesk;
const logs: string[] = [];
beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0, reverseDnsTimeoutMs: 0 });
  relay.service.on('log', (line) => logs.push(line));
});
afterAll(async () => relay?.dispose());

async function session(helo = 'client.example'): Promise<SmtpWire> {
  const wire = await SmtpWire.connect(relay.smtp.port);
  await wire.reply();
  expect(await wire.command(`EHLO ${helo}`)).toMatch(/^250/);
  return wire;
}

const raw = async (id: string): Promise<string> =>
  (await relay.fetch(`/api/v1/message/${id}/raw`)).text();

describe('SMTP smuggling', () => {
  // hannob/smtpsmug's variants, plus the two NUL ones
  const variants: [string, string][] = [
    ['\\n.\\n', '\n.\n'],
    ['\\r.\\r', '\r.\r'],
    ['\\r\\n.\\n', '\r\n.\n'],
    ['\\n.\\r\\n', '\n.\r\n'],
    ['\\r.\\n', '\r.\n'],
    ['\\n.\\r', '\n.\r'],
    ['\\r.\\r\\n', '\r.\r\n'],
    ['\\r\\n.\\r', '\r\n.\r'],
    ['\\r\\n\\0.\\r\\n', '\r\n\0.\r\n'],
    ['\\r\\n.\\0\\r\\n', '\r\n.\0\r\n'],
  ];
  it.each(variants)(
    '%s stays one message, stored with CRLF line ends only',
    async (name, variant) => {
      const before = (await relay.api<MessagesPage>('/api/v1/messages')).total;
      const wire = await session();
      await wire.command('MAIL FROM:<app@sender.example>');
      await wire.command('RCPT TO:<qa@team.example>');
      expect(await wire.command('DATA')).toMatch(/^354/);
      wire.write(
        `Subject: smuggle ${name}\r\n\r\nbody${variant}MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@ext.example>\r\nDATA\r\nSubject: SMUGGLED\r\n\r\nsmuggled\r\n.\r\n`,
      );
      const reply = await wire.reply();
      expect(reply).toMatch(/^250 2\.6\.0 Ok: queued as (\S+)$/);
      // nothing after the one real end of data is taken as commands
      expect(await wire.command('NOOP')).toMatch(/^250/);
      wire.close();
      const page = await relay.api<MessagesPage>('/api/v1/messages');
      expect(page.total).toBe(before + 1);
      expect(page.messages.some((m) => m.Subject === 'SMUGGLED')).toBe(false);
      const stored = await raw(/queued as (\S+)/.exec(reply)?.[1] as string);
      expect(stored).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
      expect(stored).toContain('Subject: SMUGGLED');
    },
  );
});

describe('injection', () => {
  it('refuses CR in envelope addresses and AUTH names, and logs nothing forged', async () => {
    const wire = await session();
    expect(await wire.command('MAIL FROM:<a\rX-Injected: yes@sender.example>')).toMatch(/^501/);
    const token = Buffer.from(
      '\0eve\r\nsmtp-audit event=auth result=accepted user=admin\0pw',
    ).toString('base64');
    expect(await wire.command(`AUTH PLAIN ${token}`)).toMatch(/^501/);
    expect(await wire.command(`AUTH LOGIN ${Buffer.from('eve\rX').toString('base64')}`)).toMatch(
      /^501/,
    );
    wire.close();
    for (const line of logs) expect(line).not.toMatch(/[\r\n]/);
    expect(logs.filter((l) => l.includes('user=admin'))).toEqual([]);
  });

  it('keeps a hostile HELO name and recipient out of the headers', async () => {
    const wire = await session('evil(x);X-Injected:<y>');
    await wire.command('MAIL FROM:<app@sender.example>');
    await wire.command('RCPT TO:<"a;(b)"@team.example>');
    await wire.command('DATA');
    const reply = await wire.command('Subject: helo\r\n\r\nx\r\n.');
    wire.close();
    const stored = await raw(/queued as (\S+)/.exec(reply)?.[1] as string);
    const received = stored.split('\r\n\r\n')[0]?.split(/\r\n(?![\t ])/)[0] as string;
    expect(received).toMatch(
      /^Received: from evilxx-injected:y \(unknown \[127\.0\.0\.1\]\)\r\n\tby /,
    );
    expect(stored).not.toMatch(/^X-Injected/m);
  });
});

describe('loop guard', () => {
  it('refuses more than 30 Received headers with 554 5.4.6', async () => {
    const wire = await session();
    await wire.command('MAIL FROM:<app@sender.example>');
    await wire.command('RCPT TO:<qa@team.example>');
    await wire.command('DATA');
    const hops = Array.from(
      { length: 31 },
      (_, i) => `Received: from hop${i}.example by x; Mon, 1 Jan 2024 00:00:00 +0000`,
    ).join('\r\n');
    expect(await wire.command(`${hops}\r\nSubject: loop\r\n\r\nx\r\n.`)).toMatch(
      /^554 5\.4\.6 Too many Received headers/,
    );
    wire.close();
    expect(logs).toContainEqual(
      expect.stringMatching(
        /event=message result=rejected .*reply=554 reason="more than 30 Received headers \(loop\)"/,
      ),
    );
  });
});
