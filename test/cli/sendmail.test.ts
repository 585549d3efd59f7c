// `relaydesk sendmail`: a message piped in is submitted to the running relay with the envelope
// sendmail(1) would use; exit codes are the sysexits ones cron and PHP check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  freePort,
  runCli,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';

let server: ServeProcess;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServe();
  env = { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}` };
});

afterAll(cleanupCliProcesses);

/** The message with this subject, as the API shows it (waits for it to arrive). */
async function captured(subject: string): Promise<{ detail: MessageDetail; raw: string }> {
  const query = encodeURIComponent(`subject:"${subject}"`);
  const summary = await server.api<{ ID: string }>(`/api/v1/wait?query=${query}&timeout=5`);
  const detail = await server.api<MessageDetail>(`/api/v1/message/${summary.ID}`);
  const raw = await (await server.fetch(`/api/v1/message/${summary.ID}/raw`)).text();
  return { detail, raw };
}

function message(subject: string, headers: string[], eol = '\r\n'): string {
  return [...headers, `Subject: ${subject}`, '', 'Hello from sendmail.', ''].join(eol);
}

describe('relaydesk sendmail', () => {
  it('adds the From, Date and Message-ID a piped message lacks, as Postfix sendmail does', async () => {
    const subject = 'sendmail without From, Date or Message-ID';
    const result = await runCli(['sendmail', '-t', '-f', 'cron@example.test'], {
      env,
      input: message(subject, ['To: ops@example.test']),
    });
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured(subject);
    expect(detail.From?.Address).toBe('cron@example.test');
    expect(raw).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\r$/m);
    expect(raw).toMatch(/^Message-ID: <\d+\.[0-9a-f]{12}@[^>\s]+>\r$/m);
    expect(Math.abs(Date.parse(detail.Date ?? '') - Date.now())).toBeLessThan(60_000);

    // what the message has already is left alone
    const kept = 'sendmail keeps its own headers';
    const own = await runCli(['sendmail', '-t'], {
      env,
      input: message(kept, [
        'From: App <app@example.test>',
        'To: ops@example.test',
        'Date: Tue, 01 Dec 2026 10:00:00 +0200',
        'Message-ID: <own@example.test>',
      ]),
    });
    expect(own.code, own.stderr).toBe(0);
    const second = await captured(kept);
    expect(second.raw.match(/^(From|Date|Message-ID):/gim)).toHaveLength(3);
    expect(second.raw).toContain('Message-ID: <own@example.test>');
  });

  it('-t takes the recipients from To, Cc and Bcc and removes the Bcc header', async () => {
    const subject = 'sendmail -t with bcc';
    const result = await runCli(['sendmail', '-t'], {
      env,
      input: message(subject, [
        'From: App <app@example.test>',
        'To: Ann <ann@example.test>, bob@example.test',
        'Cc: carol@example.test',
        'Bcc: hidden@example.test,',
        '  hidden2@example.test',
      ]),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^250 .*queued as/);
    const { detail, raw } = await captured(subject);
    expect(detail.Envelope.mailFrom).toBe('app@example.test');
    expect(detail.Envelope.rcptTo.sort()).toEqual(
      [
        'ann@example.test',
        'bob@example.test',
        'carol@example.test',
        'hidden@example.test',
        'hidden2@example.test',
      ].sort(),
    );
    // envelope-only recipients are listed as Bcc, as Mailpit lists them, not from a header
    expect(detail.Bcc.map((a) => a.Address).sort()).toEqual([
      'hidden2@example.test',
      'hidden@example.test',
    ]);
    expect(raw).not.toMatch(/^bcc:/im);
    expect(raw).not.toContain('hidden');
    expect(detail.To.map((a) => a.Address)).toEqual(['ann@example.test', 'bob@example.test']);
  });

  it('explicit recipients and -f set the envelope; the headers are left alone', async () => {
    const subject = 'sendmail with arguments';
    const result = await runCli(
      [
        'sendmail',
        '-f',
        'bounces@example.test',
        'one@example.test',
        'two@example.test,three@example.test',
      ],
      { env, input: message(subject, ['From: app@example.test', 'To: someone-else@example.test']) },
    );
    expect(result.code, result.stderr).toBe(0);
    const { detail } = await captured(subject);
    expect(detail.Envelope.mailFrom).toBe('bounces@example.test');
    expect(detail.Envelope.rcptTo).toEqual([
      'one@example.test',
      'two@example.test',
      'three@example.test',
    ]);
    expect(detail.To.map((a) => a.Address)).toEqual(['someone-else@example.test']);
  });

  it("PHP's shape: sendmail -t -i -fFROM with LF line endings", async () => {
    const subject = 'from php mail()';
    const result = await runCli(['sendmail', '-t', '-i', '-fphp@example.test'], {
      env,
      input: message(
        subject,
        [
          'To: user@example.test',
          'From: site@example.test',
          'X-PHP-Originating-Script: 0:index.php',
        ],
        '\n',
      ),
    });
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured(subject);
    expect(detail.Envelope.mailFrom).toBe('php@example.test');
    expect(detail.Envelope.rcptTo).toEqual(['user@example.test']);
    expect(detail.Text.trim()).toBe('Hello from sendmail.');
    // stored with CRLF, like any message
    expect(raw).toContain('\r\nSubject: from php mail()\r\n');
  });

  it('exits 75 (try again later) with one line when no relay is running', async () => {
    const port = await freePort();
    const result = await runCli(['sendmail', 'user@example.test'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${port}` },
      input: message('nobody listens', ['From: a@example.test']),
    });
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(
      new RegExp(
        `^relaydesk sendmail: could not submit to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\(is \`relaydesk serve\` running\\?\\)\\n$`,
      ),
    );
    expect(result.stdout).toBe('');
  });

  it('exits 64 (usage) with one line when there is no recipient', async () => {
    for (const args of [['sendmail'], ['sendmail', '-t']]) {
      const result = await runCli(args, {
        env,
        input: message('no recipients', ['From: a@example.test']),
      });
      expect(result.code).toBe(64);
      expect(result.stderr).toBe(
        'relaydesk sendmail: no recipients: give addresses as arguments, or -t to read To/Cc/Bcc\n',
      );
    }
  });

  it('exits 64 with one line for a bad RELAYDESK_SMTP', async () => {
    const result = await runCli(['sendmail', 'user@example.test'], {
      env: { RELAYDESK_SMTP: 'nonsense' },
      input: message('bad address', ['From: a@example.test']),
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(
      /^relaydesk sendmail: RELAYDESK_SMTP: "nonsense" is not valid; use HOST:PORT[^\n]*\n$/,
    );
  });
});
