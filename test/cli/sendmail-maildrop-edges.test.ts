// The maildrop's edges, where a cron job's or PHP mail()'s message was lost or wrong with nobody
// told: recipients a running relay refuses only for now, a relay that greets `-bs` with 421, a
// message refused for good when serve takes it in, and the time a picked-up message is listed at.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDetail, MessageSummary, MessagesPage } from '../../preload/api-contract.js';
import { writeDropFile } from '../../main/core/maildrop/drop-file.js';
import {
  cleanupCliProcesses,
  cliEnv,
  makeTempDir,
  relaydeskBin,
  relayFlags,
  runCli,
  sendmailRelayDown,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { sendWithSymfonyMailer, symfonyMailer } from '../helpers/php-mailers.js';
import { droppedFiles, pipedMessage } from '../helpers/maildrop-files.js';
import { startUpstreamServer } from '../helpers/upstream-server.js';

/** Every listed message with `subject`, with its envelope recipients, oldest first. */
/** The envelope recipients of a message's two copies (the relay's and the pickup's), once both are listed. */
async function twoCopiesRecipients(server: ServeProcess, subject: string): Promise<string[][]> {
  const copies = await waitFor('both copies listed', async () => {
    const found = await copiesOf(server, subject);
    return found.length === 2 ? found : null;
  });
  return copies.map((c) => c.rcptTo);
}

async function copiesOf(
  server: ServeProcess,
  subject: string,
): Promise<{ summary: MessageSummary; rcptTo: string[] }[]> {
  const page = await server.api<MessagesPage>('/api/v1/messages?limit=100');
  const found = page.messages.filter((m) => m.Subject === subject).reverse();
  return Promise.all(
    found.map(async (summary) => {
      const detail = await server.api<{ Envelope: { rcptTo: string[] } }>(
        `/api/v1/message/${summary.ID}`,
      );
      return { summary, rcptTo: detail.Envelope.rcptTo };
    }),
  );
}

/** A settings file for serve: `rules` mode, refusing *@blocked.test for good. */
async function rulesConfig(dir: string): Promise<string> {
  const file = join(dir, 'settings.json');
  await writeFile(
    file,
    JSON.stringify({
      mode: 'rules',
      rules: [
        {
          name: 'blocked',
          match: { recipient: '*@blocked.test' },
          action: { type: 'reject', code: 550, text: 'Not here' },
        },
      ],
    }),
  );
  return file;
}

/**
 * The tests with a relay running share one `relaydesk serve` (a start is ~2 s of CPU, more under
 * the suite's load): at most 2 recipients a message, so a third is answered 452 "try again later"
 * at RCPT, and *@blocked.test refused for good by the routing rules. Each test starts with
 * receiving on, no message listed and nothing in the drop folder.
 */
describe('with one relay running', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    const dir = await makeTempDir('relaydesk-maildrop-edges-');
    server = await startServe({
      args: ['--config', await rulesConfig(dir), '--max-recipients', '2'],
    });
  });
  afterAll(cleanupCliProcesses);
  beforeEach(async () => {
    await server.api('/api/v1/smtp/resume', { method: 'POST' });
    // a pickup lists its message before it removes the drop file
    await eventually(() => droppedFiles(server.dataDir)).toEqual([]);
    expect((await server.fetch('/api/v1/messages', { method: 'DELETE' })).status).toBe(200);
  });

  describe('sendmail: recipients the running relay refuses for now (RCPT 4xx)', () => {
    it('-t: those recipients get the message through the drop folder; exit 0, silent', async () => {
      const subject = 'to three, relay takes two';
      const result = await runCli(['sendmail', '-t'], {
        env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
        input: pipedMessage(subject, [
          'From: cron@example.test',
          'To: ann@example.test, bob@example.test',
          'Cc: carol@example.test',
        ]),
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // the relay took it for two at once; the pickup brings carol's copy in
      expect(await twoCopiesRecipients(server, subject)).toEqual([
        ['ann@example.test', 'bob@example.test'],
        ['carol@example.test'],
      ]);
      await eventually(() => droppedFiles(server.dataDir)).toEqual([]);
    });

    it('argv recipients: the 4xx one is kept, the 5xx one named with exit 67', async () => {
      const subject = 'one refused for good, one for now';
      const result = await runCli(
        [
          'sendmail',
          '-v',
          'ann@example.test',
          'dave@blocked.test',
          'bob@example.test',
          'carol@example.test',
        ],
        {
          env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
          input: pipedMessage(subject, ['From: cron@example.test']),
        },
      );
      expect(result.code).toBe(67);
      expect(result.stderr).toMatch(
        /the relay at 127\.0\.0\.1:\d+ refused dave@blocked\.test: 550 .*Not here; the other recipients get the message\n/,
      );
      expect(result.stderr).toMatch(
        /answered "try again later" for carol@example\.test: 452 4\.5\.3 Too many recipients.*; kept for them in \S+maildrop\/\w+;/,
      );
      expect(await twoCopiesRecipients(server, subject)).toEqual([
        ['ann@example.test', 'bob@example.test'],
        ['carol@example.test'],
      ]);
    });
  });

  /** Runs `sendmail -bs` and talks SMTP to it line by line, as Symfony Mailer does. */
  function smtpSession(env: Record<string, string>): {
    reply: (code: string) => Promise<string>;
    say: (line: string) => void;
    end: () => Promise<number | null>;
  } {
    const child = spawn(process.execPath, [relaydeskBin, 'sendmail', '-bs', '-i'], {
      env: cliEnv(env),
    });
    let replies = '';
    child.stdout.on('data', (chunk: Buffer) => (replies += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return {
      reply: async (code) => {
        await eventually(() => replies).toMatch(new RegExp(`(^|\\n)\\d{3} [^\\n]*\\n$`));
        const got = replies;
        replies = '';
        expect(got).toMatch(new RegExp(`(^|\\n)${code} [^\\n]*\\n$`));
        return got;
      },
      say: (line) => child.stdin.write(`${line}\r\n`),
      end: () => {
        child.stdin.end();
        return exited;
      },
    };
  }

  describe('sendmail -bs with a running relay that greets 421', () => {
    it('receiving paused: answered locally, kept, and taken in on resume', async () => {
      await server.api('/api/v1/smtp/pause', { method: 'POST' });
      const session = smtpSession({
        RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`,
        RELAYDESK_DATA: server.dataDir,
      });
      expect(await session.reply('220')).toMatch(/the relay is not taking mail now; mail is kept/);
      session.say('EHLO app.example.test');
      await session.reply('250');
      session.say('MAIL FROM:<app@example.test>');
      await session.reply('250');
      session.say('RCPT TO:<dev@example.test>');
      await session.reply('250');
      session.say('DATA');
      await session.reply('354');
      session.say('Subject: -bs while paused\r\n\r\nHello\r\n.');
      expect(await session.reply('250')).toMatch(/Kept as \w+ for the relay/);
      session.say('QUIT');
      await session.reply('221');
      expect(await session.end()).toBe(0);
      expect(await droppedFiles(server.dataDir)).toHaveLength(1);
      await server.api('/api/v1/smtp/resume', { method: 'POST' });
      const copies = await waitFor('the message listed', async () => {
        const found = await copiesOf(server, '-bs while paused');
        return found.length === 1 ? found : null;
      });
      expect(copies[0]?.rcptTo).toEqual(['dev@example.test']);
    });

    it.skipIf(!symfonyMailer)(
      'Symfony Mailer sends without an exception while paused',
      async () => {
        await server.api('/api/v1/smtp/pause', { method: 'POST' });
        const stdout = await sendWithSymfonyMailer(
          server.dataDir,
          { subject: 'Symfony while paused' },
          {
            ...cliEnv(),
            RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`,
            RELAYDESK_DATA: server.dataDir,
          },
        );
        expect(stdout).toBe('sent\n');
        await server.api('/api/v1/smtp/resume', { method: 'POST' });
        const copies = await waitFor('the Symfony message listed', async () => {
          const found = await copiesOf(server, 'Symfony while paused');
          return found.length === 1 ? found : null;
        });
        expect(copies[0]?.rcptTo.sort()).toEqual(['audit@example.test', 'dev@example.test']);
      },
    );
  });

  describe('a message taken in from the drop folder is listed at the time it came in', () => {
    it("newest in the list, counted by wait?since=; sendmail's time stays in its Received line", async () => {
      await server.api('/api/v1/smtp/pause', { method: 'POST' });
      const subject = 'left while receiving was paused';
      const result = await runCli(['sendmail', 'dev@example.test'], {
        env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
        input: pipedMessage(subject, ['From: cron@example.test']),
      });
      expect(result.code, result.stderr).toBe(0);
      const since = new Date().toISOString();
      // mail that comes in after sendmail ran and before the pickup (the Send API is not paused)
      const sent = await server.fetch('/api/v1/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          From: { Email: 'app@example.test' },
          To: [{ Email: 'dev@example.test' }],
          Subject: 'came in meanwhile',
          Text: 'x',
        }),
      });
      expect(sent.status).toBe(200);
      await server.api('/api/v1/smtp/resume', { method: 'POST' });
      await eventually(() => droppedFiles(server.dataDir)).toEqual([]);

      // a test that took the time after calling sendmail, then waits for its mail, gets it
      const waited = await server.fetch(
        `/api/v1/wait?query=${encodeURIComponent(`subject:"${subject}"`)}&since=${since}&timeout=3`,
      );
      expect(waited.status).toBe(200);
      const page = await server.api<MessagesPage>('/api/v1/messages');
      expect(page.messages.map((m) => m.Subject)).toEqual([subject, 'came in meanwhile']);
      const picked = page.messages[0] as MessageSummary;
      expect(Date.parse(picked.Created)).toBeGreaterThanOrEqual(Date.parse(since));
      // the Received stamp keeps when sendmail was called, as Postfix's pickup dates its stamp
      const raw = await (await server.fetch(`/api/v1/message/${picked.ID}/raw`)).text();
      const stamp =
        /^Received: by \S+ \(Relaydesk, from userid \d+\)\r\n\tid (\w+)[^;]*; (.+)\r\n/.exec(raw);
      expect(stamp?.[1]).toBe(picked.ID);
      expect(Date.parse(stamp?.[2] ?? '')).toBeLessThanOrEqual(Date.parse(since));
    });
  });
});

/** The non-delivery notices listed, newest first. */
async function notices(server: ServeProcess): Promise<MessageSummary[]> {
  const page = await server.api<MessagesPage>('/api/v1/messages?limit=100');
  return page.messages.filter((m) => m.From?.Address.startsWith('MAILER-DAEMON@'));
}

async function noticeAbout(server: ServeProcess, subject: string): Promise<MessageDetail> {
  const notice = await waitFor(`the notice about "${subject}" listed`, async () => {
    const found = await notices(server);
    return (
      found.find((m) => m.Subject === `Undelivered Mail Returned to Sender: ${subject}`) ?? null
    );
  });
  return server.api<MessageDetail>(`/api/v1/message/${notice.ID}`);
}

describe('a message sendmail left that serve refuses for good: a notice in the Inbox', () => {
  afterEach(cleanupCliProcesses);

  it('over the size limit: the notice names the message, the user, why and the kept file; it is never relayed', async () => {
    const upstream = await startUpstreamServer({ tls: 'none' });
    try {
      const dataDir = await makeTempDir('relaydesk-maildrop-edges-');
      const subject = 'Cron <www-data@localhost> backup.sh';
      const result = await sendmailRelayDown(
        dataDir,
        [
          'From: Cron Daemon <www-data@localhost>',
          'To: ops@example.test',
          `Subject: ${subject}`,
          'Message-ID: <backup-1@example.test>',
          '',
          'x'.repeat(3000),
          '',
        ].join('\n'),
        ['-f', 'www-data@localhost', 'ops@example.test'],
      );
      expect(result.code, result.stderr).toBe(0);
      const [name] = await droppedFiles(dataDir);
      const server = await startServe({
        dataDir,
        args: [...relayFlags(upstream.port), '--max-size', '2k'],
      });
      const notice = await noticeAbout(server, subject);
      // to the local sender, listed in the Inbox
      expect(notice.To.map((a) => a.Address)).toEqual(['www-data@localhost']);
      const kept = join(dataDir, 'maildrop', 'failed', name as string);
      expect(notice.Text).toContain(
        `local user ${userInfo().username} (uid ${process.getuid?.()})`,
      );
      expect(notice.Text).toMatch(
        /<ops@example\.test>: was refused: \d+ bytes is over the size limit of 2048 bytes/,
      );
      expect(notice.Text).toContain('From: Cron Daemon <www-data@localhost>');
      expect(notice.Text).toContain(`Subject: ${subject}`);
      expect(notice.Text).toContain('Message-ID: <backup-1@example.test>');
      expect(notice.Text).toContain(`The file is kept as ${kept}.`);
      expect(await readdir(join(dataDir, 'maildrop', 'failed'))).toEqual([name]);
      const raw = await (await server.fetch(`/api/v1/message/${notice.ID}/raw`)).text();
      expect(raw).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
      expect(raw).toMatch(/^Status: 5\.3\.4\r$/m);
      expect(server.stdout).toMatch(
        new RegExp(`maildrop: non-delivery notice ${notice.ID} listed in the Inbox for ${kept}`),
      );
      // mail sent after it is relayed; the notice, to a local address, never is
      const next = await runCli(['sendmail', 'ops2@example.test'], {
        env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: dataDir },
        input: pipedMessage('after the notice', ['From: app@example.test']),
      });
      expect(next.code, next.stderr).toBe(0);
      await eventually(() => upstream.messages.length, 20_000).toBe(1);
      expect(upstream.messages[0]?.rcptTo).toEqual(['ops2@example.test']);
    } finally {
      await upstream.close();
    }
  });

  it('recipients the routing rules refuse at pickup get a notice; the others get the message', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-edges-');
    const half = 'half refused at pickup';
    const all = 'all refused at pickup';
    for (const [subject, rcpts] of [
      [half, ['ann@example.test', 'dave@blocked.test']],
      [all, ['erin@blocked.test']],
    ] as const) {
      const result = await sendmailRelayDown(
        dataDir,
        pipedMessage(subject, ['From: app@example.test']),
        [...rcpts],
      );
      expect(result.code, result.stderr).toBe(0);
    }
    const server = await startServe({ dataDir, args: ['--config', await rulesConfig(dataDir)] });
    const [taken] = await waitFor('the half taken in', async () => {
      const found = await copiesOf(server, half);
      return found.length === 1 ? found : null;
    });
    expect(taken?.rcptTo).toEqual(['ann@example.test']);
    const halfNotice = await noticeAbout(server, half);
    expect(halfNotice.Text).toContain(
      `was taken in for its other recipients (as message ${taken?.summary.ID})`,
    );
    expect(halfNotice.Text).toMatch(
      /<dave@blocked\.test>: was refused: refused by the routing rules: 550 5\.7\.1 Not here/,
    );
    expect(halfNotice.Text).not.toContain('ann@example.test>:');
    const allNotice = await noticeAbout(server, all);
    expect(allNotice.Text).toMatch(
      /<erin@blocked\.test>: was refused: refused by the routing rules: 550/,
    );
    const failed = await readdir(join(dataDir, 'maildrop', 'failed'));
    expect(failed).toHaveLength(1);
    expect(allNotice.Text).toContain(
      `The file is kept as ${join(dataDir, 'maildrop', 'failed', failed[0] as string)}.`,
    );
  });

  it('a damaged drop file gets a notice with what can be told of it', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-edges-');
    const envelope = {
      mailFrom: 'www-data@localhost',
      rcptTo: ['ops@example.test'],
      queuedAt: new Date().toISOString(),
      user: 'www-data',
      uid: process.getuid?.() ?? null,
    };
    const body = Buffer.from(
      'Subject: cut short by a crash\r\nMessage-ID: <cut-1@example.test>\r\n\r\nbody\r\n',
    );
    const cut = await writeDropFile(dataDir, envelope, body);
    const whole = await readFile(cut);
    await writeFile(cut, whole.subarray(0, whole.length - 4));
    // not a drop file at all, under a name that looks like one
    const junk = join(dataDir, 'maildrop', '0mx000000000000a0b1c2d');
    await writeFile(junk, 'hello\n', { mode: 0o600 });

    const server = await startServe({ dataDir });
    const notice = await noticeAbout(server, 'cut short by a crash');
    expect(notice.To.map((a) => a.Address)).toEqual(['www-data@localhost']);
    expect(notice.Text).toContain('could not be taken in. Nothing in it will be delivered to:');
    expect(notice.Text).toMatch(
      /<ops@example\.test>: was refused: the file cannot be read: the message is \d+ bytes where its envelope says \d+/,
    );
    expect(notice.Text).toContain('Message-ID: <cut-1@example.test>');
    expect(notice.Text).toContain('Left by: local user www-data');
    expect(notice.Text).toContain(
      `The file is kept as ${join(dataDir, 'maildrop', 'failed', basename(cut))}.`,
    );
    const unread = await noticeAbout(server, 'a drop file that cannot be read');
    expect(unread.Text).toContain('Nothing could be read of the message.');
    expect(unread.Text).toContain(
      'Why: the file cannot be read: it does not start with "Relaydesk-Maildrop: 1"',
    );
    expect((await readdir(join(dataDir, 'maildrop', 'failed'))).sort()).toEqual(
      [basename(cut), basename(junk)].sort(),
    );
  });
});
