// `relaydesk sendmail` with the relay stopped keeps each message in the drop folder of the data
// folder (Postfix's maildrop), and the next `relaydesk serve` takes it in: through `sendmail -bs`
// (the SMTP dialogue answered by sendmail itself), the Symfony and PHP mailers, and through a
// kill -9 of serve half-way through the pickup. The relay-down cases while serve runs are in
// sendmail-maildrop.test.ts (split from it: one file of both took a minute).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { writeDropFile } from '../../main/core/maildrop/drop-file.js';
import {
  cleanupCliProcesses,
  cliEnv,
  freePort,
  makeTempDir,
  relaydeskBin,
  sendmailRelayDown,
  startServe,
} from '../helpers/cli-process.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { php, sendWithSymfonyMailer, symfonyMailer } from '../helpers/php-mailers.js';
import { detailOf, droppedFiles } from '../helpers/maildrop-files.js';

const run = promisify(execFile);

afterEach(cleanupCliProcesses);

describe('serve taking in the drop folder', () => {
  it('kill -9 of serve while it takes the drop folder in loses nothing and stores nothing twice', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const count = 80;
    for (let i = 0; i < count; i++) {
      await writeDropFile(
        dataDir,
        {
          mailFrom: 'a@example.test',
          rcptTo: ['b@example.test'],
          queuedAt: new Date().toISOString(),
          user: 'tester',
          uid: process.getuid?.() ?? null,
        },
        Buffer.from(`Subject: drop ${i}\r\n\r\nbody ${i}\r\n`),
      );
    }
    const first = await startServe({ dataDir });
    // killed once some files are taken in and some are not (if the machine is too quick for
    // that, killed after: the second start must then find nothing to do)
    await waitFor(
      'the pickup under way',
      async () => (await droppedFiles(dataDir)).length < count,
      {
        interval: 5,
        timeout: 20_000,
      },
    );
    first.kill('SIGKILL');
    await first.exited;
    const second = await startServe({ dataDir });
    await eventually(() => droppedFiles(dataDir), 30_000).toEqual([]);
    const page = await second.api<MessagesPage>('/api/v1/messages?limit=500');
    const subjects = page.messages.map((m) => m.Subject).sort();
    expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `drop ${i}`).sort());
  });
});

describe('sendmail -bs with the relay down', () => {
  it('answers the SMTP dialogue itself and keeps each message for the relay', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const port = await freePort();
    const child = spawn(process.execPath, [relaydeskBin, 'sendmail', '-bs', '-i'], {
      env: cliEnv({ RELAYDESK_SMTP: `127.0.0.1:${port}`, RELAYDESK_DATA: dataDir }),
    });
    let replies = '';
    child.stdout.on('data', (chunk: Buffer) => (replies += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const reply = async (code: string): Promise<string> => {
      await eventually(() => replies).toMatch(new RegExp(`(^|\\n)${code} [^\\n]*\\n$`));
      const got = replies;
      replies = '';
      return got;
    };
    const say = (line: string): boolean => child.stdin.write(`${line}\r\n`);
    expect(await reply('220')).toMatch(/the relay is not running; mail is kept for it/);
    say('EHLO app.example.test');
    await reply('250');
    // two messages in one session, as Symfony Mailer sends them
    for (const subject of ['kept by -bs one', 'kept by -bs two']) {
      say('MAIL FROM:<app@example.test>');
      await reply('250');
      say('RCPT TO:<user@example.test>');
      await reply('250');
      say('RCPT TO:<audit@example.test>');
      await reply('250');
      say('DATA');
      await reply('354');
      say(`Subject: ${subject}\r\n\r\n..a stuffed dot line\r\n.`);
      expect(await reply('250')).toMatch(/Kept as \w+ for the relay/);
    }
    say('QUIT');
    await reply('221');
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(await droppedFiles(dataDir)).toHaveLength(2);

    const server = await startServe({ dataDir });
    for (const subject of ['kept by -bs one', 'kept by -bs two']) {
      const detail = await waitFor(`"${subject}" listed`, () =>
        detailOf(server, subject).catch(() => null),
      );
      expect(detail.Envelope.rcptTo).toEqual(['user@example.test', 'audit@example.test']);
      expect(detail.Text.trim()).toBe('.a stuffed dot line');
    }
    await eventually(() => droppedFiles(dataDir)).toEqual([]);
  });

  it('a whole session piped in at once (`sendmail -bs < session`) is answered to its end and kept', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    // stdin ends right after QUIT, long before the commands are answered: the session used to
    // be cut off at MAIL FROM, the message lost with exit 0
    const session = [
      'EHLO app.example.test',
      'MAIL FROM:<app@example.test>',
      'RCPT TO:<user@example.test>',
      'DATA',
      'Subject: piped -bs session',
      '',
      'Hello',
      '.',
      'QUIT',
      '',
    ].join('\r\n');
    const result = await sendmailRelayDown(dataDir, session, ['-bs', '-i']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^250 Kept as \w+ for the relay/m);
    expect(result.stdout).toMatch(/^221 /m);
    expect(await droppedFiles(dataDir)).toHaveLength(1);
  });

  it.skipIf(!symfonyMailer)(
    "Symfony Mailer's sendmail transport (-bs) while serve is stopped",
    async () => {
      const dataDir = await makeTempDir('relaydesk-maildrop-');
      const port = await freePort();
      const stdout = await sendWithSymfonyMailer(
        dataDir,
        { subject: 'Symfony while stopped' },
        { ...process.env, RELAYDESK_SMTP: `127.0.0.1:${port}`, RELAYDESK_DATA: dataDir },
      );
      expect(stdout).toBe('sent\n');
      const server = await startServe({ dataDir });
      const detail = await waitFor('the Symfony message listed', () =>
        detailOf(server, 'Symfony while stopped').catch(() => null),
      );
      expect(detail.Envelope.rcptTo.sort()).toEqual(['audit@example.test', 'dev@example.test']);
    },
  );
});

describe.skipIf(!php)("PHP's mail() while the relay is stopped", () => {
  it('mail() returns true; the message is listed once serve runs', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const port = await freePort();
    const script =
      'var_dump(mail("dev@example.test", "PHP mail() while stopped", "Hello", "From: App <app@example.test>\\r\\nBcc: audit@example.test"));';
    const { stdout } = await run(
      php as string,
      ['-d', `sendmail_path=${process.execPath} ${relaydeskBin} sendmail -t -i`, '-r', script],
      {
        env: {
          ...process.env,
          RELAYDESK_SMTP: `127.0.0.1:${port}`,
          RELAYDESK_DATA: dataDir,
        },
        timeout: 20_000,
      },
    );
    expect(stdout).toBe('bool(true)\n');
    const server = await startServe({ dataDir });
    const detail = await waitFor('the PHP message listed', () =>
      detailOf(server, 'PHP mail() while stopped').catch(() => null),
    );
    expect(detail.Envelope.rcptTo.sort()).toEqual(['audit@example.test', 'dev@example.test']);
  });
});
