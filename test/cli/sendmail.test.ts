// `relaydesk sendmail`: a message piped in is submitted to the running relay with the envelope
// sendmail(1) would use; exit codes are the sysexits ones cron and PHP check.
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  freePort,
  makeTempDir,
  relaydeskBin,
  runCli,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { droppedFiles } from '../helpers/maildrop-files.js';
import { madeTempFolder } from '../helpers/temp-folders.js';
import { php, sendWithSymfonyMailer, symfonyMailer } from '../helpers/php-mailers.js';
import { tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
if (php && !symfonyMailer) {
  console.log(`skipping the Symfony Mailer test: ${tools.php.install}`);
}

let server: ServeProcess;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServe();
  env = { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir };
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

  it('names the sender in the From it adds with -F, else $NAME, as Postfix sendmail does', async () => {
    const subject = 'sendmail -F with a comma';
    const named = await runCli(
      ['sendmail', '-t', '-F', 'Backup, Nightly', '-f', 'cron@example.test'],
      {
        env: { ...env, NAME: 'not this one' },
        input: message(subject, ['To: ops@example.test']),
      },
    );
    expect(named.code, named.stderr).toBe(0);
    // before: From: cron@example.test, the name given ignored
    const first = await captured(subject);
    expect(first.raw).toMatch(/^From: "Backup, Nightly" <cron@example\.test>\r$/m);
    expect(first.detail.From).toMatchObject({
      Name: 'Backup, Nightly',
      Address: 'cron@example.test',
    });

    const fromEnv = 'sendmail with NAME set';
    const result = await runCli(['sendmail', '-f', 'cron@example.test', 'ops@example.test'], {
      env: { ...env, NAME: 'Sauvegarde Nuitée' },
      input: message(fromEnv, []),
    });
    expect(result.code, result.stderr).toBe(0);
    const second = await captured(fromEnv);
    expect(second.raw).toMatch(/^From: =\?UTF-8\?Q\?[^?]+\?= <cron@example\.test>\r$/m);
    expect(second.detail.From).toMatchObject({ Name: 'Sauvegarde Nuitée' });

    // a message with its own From keeps it
    const own = 'sendmail -F with a From';
    const kept = await runCli(['sendmail', '-t', '-F', 'Ignored'], {
      env,
      input: message(own, ['From: App <app@example.test>', 'To: ops@example.test']),
    });
    expect(kept.code, kept.stderr).toBe(0);
    expect((await captured(own)).raw).not.toContain('Ignored');
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
    // silent, as sendmail(1) is: cron would mail any output of the job that ran it
    expect(result.stdout).toBe('');
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

  it('-t keeps a header in an 8-bit charset byte for byte, with a bare name qualified in it too', async () => {
    // an old PHP app writes `Subject: Grüße` in ISO-8859-1; Postfix passes it on unchanged,
    // where -t's Bcc removal and the qualifying of `To: root` turned it into U+FFFD
    const subject = Buffer.from('Gr\xfc\xdfe aus K\xf6ln', 'latin1');
    const input = Buffer.concat([
      Buffer.from('From: App <app@example.test>\nTo: root, ann@example.test\nSubject: '),
      subject,
      Buffer.from('\nBcc: hidden@example.test\n\nHallo\n'),
    ]);
    const result = await runCli(['sendmail', '-t', '-i'], { env, input });
    expect(result.code, result.stderr).toBe(0);
    const summary = await server.api<{ ID: string }>(
      `/api/v1/wait?query=${encodeURIComponent('subject:"aus"')}&timeout=5`,
    );
    const raw = Buffer.from(
      await (await server.fetch(`/api/v1/message/${summary.ID}/raw`)).arrayBuffer(),
    );
    expect(
      raw.includes(Buffer.concat([Buffer.from('\nSubject: '), subject, Buffer.from('\r\n')])),
    ).toBe(true);
    expect(raw.toString('latin1')).toMatch(/^To: root@\S+, ann@example\.test\r$/m);
    expect(raw.toString('latin1')).not.toContain('hidden');
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

  it('with no relay running it keeps the message for the relay and exits 0 (not 75)', async () => {
    const port = await freePort();
    const dataDir = await makeTempDir('relaydesk-sendmail-');
    const result = await runCli(['sendmail', 'user@example.test'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${port}`, RELAYDESK_DATA: dataDir },
      input: message('nobody listens', ['From: a@example.test']),
    });
    // sendmail-maildrop.test.ts follows the message into the relay
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
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

  it('-f "<>" sends with the null sender and adds no From: <> to the message', async () => {
    for (const [flag, subject] of [
      ['<>', 'null sender by -f'],
      ['<bounces@example.test>', 'bracketed -f'],
    ] as const) {
      const result = await runCli(['sendmail', '-f', flag, 'ops@example.test'], {
        env,
        input: message(subject, []),
      });
      expect(result.code, result.stderr).toBe(0);
      const { detail, raw } = await captured(subject);
      const sender = flag.slice(1, -1);
      expect(detail.Envelope.mailFrom).toBe(sender);
      if (sender === '') expect(raw).not.toMatch(/^From:/im);
      else expect(raw).toMatch(/^From: bounces@example\.test\r$/m);
    }
  });

  /** Debian's cron mails a job's output this way, to the bare user name. */
  const cronMail = (subject: string, mailnameFile: string) =>
    runCli(['sendmail', '-FCronDaemon', '-i', '-B8BITMIME', '-oem', 'root'], {
      env: { ...env, RELAYDESK_TEST_MAILNAME_FILE: mailnameFile },
      input: [
        'From: root (Cron Daemon)',
        'To: root',
        `Subject: ${subject}`,
        'Content-Type: text/plain; charset=UTF-8',
        '',
        'output of the nightly job',
        '',
      ].join('\n'),
    });

  it("cron's call (sendmail -FCronDaemon -i -B8BITMIME -oem root) reaches root at this host", async () => {
    const result = await cronMail('Cron <root@host> /usr/local/bin/nightly', '/nonexistent');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const { detail } = await captured('Cron <root@host> /usr/local/bin/nightly');
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
    expect(detail.Envelope.rcptTo).toEqual([`root@${host}`]);
    expect(detail.Envelope.mailFrom).toBe(`root@${host}`);
  });

  it("qualifies cron's bare root with the domain in /etc/mailname, as Debian's Postfix does", async () => {
    // a box named `vm` sent `root@vm`, which a smart host refuses; /etc/mailname names its domain
    const dir = await madeTempFolder('relaydesk-mailname-');
    const mailname = join(dir, 'mailname');
    await writeFile(mailname, 'relaybox.example.org\n');
    const result = await cronMail('Cron <root@relaybox> nightly', mailname);
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured('Cron <root@relaybox> nightly');
    expect(detail.Envelope.rcptTo).toEqual(['root@relaybox.example.org']);
    expect(detail.Envelope.mailFrom).toBe('root@relaybox.example.org');
    expect(raw).toMatch(/^Message-ID: <[^>]+@relaybox\.example\.org>\r$/im);
    // the header too, as Postfix writes a local submission's (append_at_myorigin): a reply to
    // `root` went nowhere; the comment stays
    expect(raw).toMatch(/^From: root@relaybox\.example\.org \(Cron Daemon\)\r$/m);
    expect(raw).toMatch(/^To: root@relaybox\.example\.org\r$/m);
  });

  it('-t: qualifies bare names in To, Cc, Reply-To and Sender, keeping names, comments and qualified addresses', async () => {
    const dir = await madeTempFolder('relaydesk-mailname-');
    const mailname = join(dir, 'mailname');
    await writeFile(mailname, 'relaybox.example.org\n');
    const subject = 'local header addresses';
    const result = await runCli(['sendmail', '-t'], {
      env: { ...env, RELAYDESK_TEST_MAILNAME_FILE: mailname },
      input: message(subject, [
        'From: "Backup, nightly" <backup>',
        'Sender: www-data (the web server)',
        'Reply-To: ops@example.test',
        'To: Ada <ada@example.test>, root,',
        '\tbob',
        'Cc: Root <root@localhost>',
        'Bcc: carol',
      ]),
    });
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured(subject);
    expect(detail.Envelope.rcptTo).toEqual([
      'ada@example.test',
      'root@relaybox.example.org',
      'bob@relaybox.example.org',
      'root@localhost',
      'carol@relaybox.example.org',
    ]);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).toContain('\r\nFrom: "Backup, nightly" <backup@relaybox.example.org>\r\n');
    expect(head).toContain('\r\nSender: www-data@relaybox.example.org (the web server)\r\n');
    expect(head).toContain('\r\nReply-To: ops@example.test\r\n');
    // the fold is kept
    expect(head).toContain(
      '\r\nTo: Ada <ada@example.test>, root@relaybox.example.org,\r\n\tbob@relaybox.example.org\r\n',
    );
    expect(head).toContain('\r\nCc: Root <root@localhost>\r\n');
    expect(head).not.toMatch(/^Bcc:/im);
    expect(detail.From?.Address).toBe('backup@relaybox.example.org');
  });

  it('-t: a bare name before a named address is a recipient of its own, as Postfix reads the list', async () => {
    const dir = await madeTempFolder('relaydesk-mailname-');
    const mailname = join(dir, 'mailname');
    await writeFile(mailname, 'relaybox.example.org\n');
    const subject = 'root and Ada';
    const result = await runCli(['sendmail', '-t'], {
      env: { ...env, RELAYDESK_TEST_MAILNAME_FILE: mailname },
      input: message(subject, ['To: root, Ada <ada@example.test>']),
    });
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured(subject);
    // nodemailer's parser alone read one recipient, Ada, named "root, Ada": root's copy was lost
    expect(detail.Envelope.rcptTo).toEqual(['root@relaybox.example.org', 'ada@example.test']);
    expect(raw).toContain('\r\nTo: root@relaybox.example.org, Ada <ada@example.test>\r\n');
  });

  it('leaves a bare To: root alone in mail received over SMTP (only local submissions)', async () => {
    const subject = 'bare root over SMTP';
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      envelope: { from: 'app@example.test', to: ['ops@example.test'] },
      raw: message(subject, ['From: root (Cron Daemon)', 'To: root']),
    });
    transport.close();
    const { raw } = await captured(subject);
    expect(raw).toMatch(/^From: root \(Cron Daemon\)\r$/m);
    expect(raw).toMatch(/^To: root\r$/m);
  });

  it('a line of a single "." ends the message unless -i or -oi, as sendmail(1) reads', async () => {
    const body = (subject: string): string =>
      ['To: ops@example.test', `Subject: ${subject}`, '', 'before', '.', 'after', ''].join('\n');
    const plain = await runCli(['sendmail', '-t'], { env, input: body('lone dot, no -i') });
    expect(plain.code, plain.stderr).toBe(0);
    expect((await captured('lone dot, no -i')).detail.Text.trim()).toBe('before');
    for (const flag of ['-i', '-oi']) {
      const subject = `lone dot with ${flag}`;
      const kept = await runCli(['sendmail', '-t', flag], { env, input: body(subject) });
      expect(kept.code, kept.stderr).toBe(0);
      expect((await captured(subject)).detail.Text.trim()).toBe('before\n.\nafter');
    }
  });

  it('drops the mbox "From " lines a message starts with, as Postfix\'s sendmail does', async () => {
    // a message saved from a mailbox and piped on: its From_ line went upstream as a header line
    const subject = 'piped from an mbox';
    const input = [
      'From app@example.test Sat Dec  5 08:00:00 2026',
      '>From app@example.test Sat Dec  5 07:00:00 2026',
      'From: App <app@example.test>',
      'To: ops@example.test',
      `Subject: ${subject}`,
      '',
      'From the body, kept',
      '',
    ].join('\n');
    const result = await runCli(['sendmail', '-t', '-i'], { env, input });
    expect(result.code, result.stderr).toBe(0);
    const { detail, raw } = await captured(subject);
    expect(raw).not.toMatch(/^>*From [^\r]*2026\r$/m);
    expect(raw).toMatch(/^From: App <app@example\.test>\r$/m);
    expect(raw).toContain('\r\nFrom the body, kept\r\n');
    expect(detail.Envelope.mailFrom).toBe('app@example.test');
  });

  it("reads options as Postfix's getopt does: grouped letters, and each option's value", async () => {
    // `-ti` was ignored whole (no recipients: exit 64), and the value of `-h 30` or `-p ESMTP`
    // became a recipient (`30@host`) the message was sent to
    const subject = 'getopt-style options';
    const input = ['To: ops@example.test', `Subject: ${subject}`, '', 'before', '.', 'after', ''];
    const result = await runCli(
      ['sendmail', '-h', '30', '-p', 'ESMTP', '-ti', '-oem', '-fbounce@example.test'],
      { env, input: input.join('\n') },
    );
    expect(result.code, result.stderr).toBe(0);
    const { detail } = await captured(subject);
    expect(detail.Envelope.rcptTo).toEqual(['ops@example.test']);
    expect(detail.Envelope.mailFrom).toBe('bounce@example.test');
    expect(detail.Text.trim()).toBe('before\n.\nafter');
  });

  it('refuses an unknown long option with a usage error and sends or keeps nothing', async () => {
    // `--http 127.0.0.1:8025` was skipped and its value mailed as `8025@host`: with no relay
    // listening, the message sat in the drop folder and sendmail exited 0
    const dataDir = await makeTempDir('relaydesk-sendmail-');
    const result = await runCli(['sendmail', '--http', '127.0.0.1:8025', 'ops@example.test'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${await freePort()}`, RELAYDESK_DATA: dataDir },
      input: message('sendmail unknown option', ['From: a@example.test']),
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe(
      "relaydesk sendmail: --http: unknown option; relaydesk sendmail takes sendmail(1)'s options, --smtp HOST:PORT and --data FOLDER; nothing was sent\n",
    );
    expect(await droppedFiles(dataDir)).toEqual([]);
  });

  it("-v prints the relay's reply; an argument that is no address is refused by name", async () => {
    const verbose = await runCli(['sendmail', '-v', 'ops@example.test'], {
      env,
      input: message('sendmail -v', ['From: a@example.test']),
    });
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toMatch(/^250 .*queued as \S+\n$/);

    const bad = await runCli(['sendmail', 'ops@example.test', 'Ops Team'], {
      env,
      input: message('sendmail bad argument', ['From: a@example.test']),
    });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe(
      'relaydesk sendmail: "Ops Team": not an email address; give addresses like user@example.com (or a local name such as root)\n',
    );
  });

  it('-bs speaks SMTP on stdin and stdout through to the relay (Symfony and Laravel use it)', async () => {
    const child = spawn(process.execPath, [relaydeskBin, 'sendmail', '-bs', '-i'], {
      env: { ...process.env, ...env },
    });
    let replies = '';
    child.stdout.on('data', (chunk: Buffer) => (replies += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // a client writes nothing before the greeting, as Symfony's SmtpTransport waits for 220
    const reply = async (code: string): Promise<void> => {
      await eventually(() => replies).toMatch(new RegExp(`(^|\\n)${code} [^\\n]*\\n$`));
      replies = '';
    };
    const say = (line: string): boolean => child.stdin.write(`${line}\r\n`);
    await reply('220');
    say('EHLO app.example.test');
    await reply('250');
    say('MAIL FROM:<app@example.test>');
    await reply('250');
    say('RCPT TO:<user@example.test>');
    await reply('250');
    say('DATA');
    await reply('354');
    say('Subject: sendmail -bs\r\n\r\n..a stuffed dot line\r\n.');
    await reply('250');
    say('QUIT');
    await reply('221');
    child.stdin.end();
    expect(await exited).toBe(0);
    const { detail } = await captured('sendmail -bs');
    expect(detail.Envelope.rcptTo).toEqual(['user@example.test']);
    expect(detail.Text.trim()).toBe('.a stuffed dot line');
  });

  it('-bs with no relay running and no drop folder to keep mail in greets with 421 and exits 75', async () => {
    const port = await freePort();
    const dir = await makeTempDir('relaydesk-sendmail-');
    await writeFile(join(dir, 'a-file'), 'x');
    const result = await runCli(['sendmail', '-bs'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${port}`, RELAYDESK_DATA: join(dir, 'a-file', 'data') },
      input: '',
    });
    expect(result.code).toBe(75);
    expect(result.stdout).toMatch(
      /^421 4\.3\.0 could not reach the relay at 127\.0\.0\.1:\d+: .*ECONNREFUSED.*; could not keep mail in the drop folder either \(.*ENOTDIR/,
    );
    expect(result.stderr).toMatch(/\(is `relaydesk serve` running\?\)\n$/);
  });
});

describe.skipIf(!php)("PHP's mail() and Symfony Mailer", () => {
  it("mail() with sendmail_path = relaydesk sendmail -t -i: PHP's output stays the script's", async () => {
    const script =
      'var_dump(mail("dev@example.test", "from PHP mail()", "line1\\n.\\nline3", "From: App <app@example.test>\\r\\nBcc: hidden@example.test"));';
    const { stdout } = await run(
      php as string,
      ['-d', `sendmail_path=${process.execPath} ${relaydeskBin} sendmail -t -i`, '-r', script],
      { env: { ...process.env, ...env }, timeout: 20_000 },
    );
    expect(stdout).toBe('bool(true)\n');
    const { detail, raw } = await captured('from PHP mail()');
    expect(detail.Envelope.rcptTo.sort()).toEqual(['dev@example.test', 'hidden@example.test']);
    expect(raw).not.toMatch(/^bcc:/im);
    expect(detail.Text.trim()).toBe('line1\n.\nline3');
  });

  it.skipIf(!symfonyMailer)("Symfony Mailer's sendmail transport with -bs", async () => {
    const dir = await makeTempDir('relaydesk-symfony-');
    const stdout = await sendWithSymfonyMailer(
      dir,
      { subject: 'from Symfony Mailer', html: '<p>Hello</p>' },
      { ...process.env, ...env },
    );
    expect(stdout).toBe('sent\n');
    const { detail, raw } = await captured('from Symfony Mailer');
    expect(detail.Envelope.rcptTo.sort()).toEqual(['audit@example.test', 'dev@example.test']);
    expect(raw).not.toMatch(/^bcc:/im);
  });
});
