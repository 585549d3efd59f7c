// `relaydesk sendmail` never loses a message when the relay cannot take it: it is kept in the
// drop folder of the relay's data folder (Postfix's maildrop), and `relaydesk serve` takes it in
// (at start, and while it runs) through the same intake as SMTP mail. `sendmail -bs`, the PHP
// and Symfony mailers with the relay stopped, and kill -9 during the pickup are in
// sendmail-maildrop-stopped.test.ts (one file of both took a minute: split, two forks share it).
import { copyFile, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { encodeDropFile, writeDropFile } from '../../main/core/maildrop/drop-file.js';
import {
  cleanupCliProcesses,
  freePort,
  makeTempDir,
  relayFlags,
  runCli,
  sendmailRelayDown,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { detailOf, droppedFiles, pipedMessage } from '../helpers/maildrop-files.js';
import { startUpstreamServer } from '../helpers/upstream-server.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const prlimit = requireTool(tools.prlimit);

async function listed(server: ServeProcess): Promise<MessagesPage> {
  return server.api<MessagesPage>('/api/v1/messages');
}

describe('sendmail with the relay down (the maildrop)', () => {
  afterEach(cleanupCliProcesses);

  it('keeps the message in the drop folder (exit 0, silent); serve takes it in at start', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const subject = 'sent while the relay was stopped';
    const result = await sendmailRelayDown(
      dataDir,
      pipedMessage(subject, [
        'From: App <app@example.test>',
        'To: ann@example.test',
        'Cc: carol@example.test',
        'Bcc: hidden@example.test',
      ]),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const files = await droppedFiles(dataDir);
    expect(files).toHaveLength(1);
    // only the relay's user may read it or drop mail that the relay trusts as local
    expect((await stat(join(dataDir, 'maildrop'))).mode & 0o777).toBe(0o700);
    const file = join(dataDir, 'maildrop', files[0] as string);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toMatch(/^bcc:/im);

    const server = await startServe({ dataDir });
    await server.waitFor(/maildrop: took in 1 message\(s\) left by sendmail while the relay/);
    const detail = await detailOf(server, subject);
    expect(detail.Envelope.mailFrom).toBe('app@example.test');
    expect(detail.Envelope.rcptTo.sort()).toEqual([
      'ann@example.test',
      'carol@example.test',
      'hidden@example.test',
    ]);
    expect(detail.Bcc.map((a) => a.Address)).toEqual(['hidden@example.test']);
    // received when sendmail was called, stamped as Postfix's pickup stamps local mail
    expect(Date.parse(detail.Date ?? '')).toBeLessThanOrEqual(Date.now());
    const raw = await (await server.fetch(`/api/v1/message/${detail.ID}/raw`)).text();
    expect(raw).toMatch(/^Received: by \S+ \(Relaydesk, from userid \d+\)\r\n\tid \w+; /);
    expect(server.stdout).toMatch(/notes=left by sendmail of local user \S+ \(uid \d+\)/);
    expect(await droppedFiles(dataDir)).toEqual([]);
  });

  it('in relay mode, a message taken in from the drop folder is relayed to the upstream', async () => {
    const upstream = await startUpstreamServer({ tls: 'none' });
    try {
      const dataDir = await makeTempDir('relaydesk-maildrop-');
      const subject = 'relayed after the relay came back';
      const result = await sendmailRelayDown(
        dataDir,
        pipedMessage(subject, ['From: app@example.test', 'To: ops@example.test']),
      );
      expect(result.code, result.stderr).toBe(0);
      await startServe({
        dataDir,
        args: [...relayFlags(upstream.port)],
      });
      await eventually(() => upstream.messages.length, 20_000).toBe(1);
      const sent = upstream.messages[0];
      expect(sent?.mailFrom).toBe('app@example.test');
      expect(sent?.rcptTo).toEqual(['ops@example.test']);
      expect(sent?.raw.toString()).toContain(`Subject: ${subject}`);
    } finally {
      await upstream.close();
    }
  });

  it('-v says where the message was kept, on stderr', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const result = await sendmailRelayDown(
      dataDir,
      pipedMessage('verbose drop', ['From: a@example.test']),
      ['-v', 'ops@example.test'],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const [name] = await droppedFiles(dataDir);
    expect(result.stderr).toMatch(
      new RegExp(
        `^relaydesk sendmail: could not submit to 127\\.0\\.0\\.1:\\d+: .*ECONNREFUSED.*; kept in ${join(dataDir, 'maildrop', name as string).replace(/[/.]/g, '\\$&')}; .*\\n$`,
      ),
    );
  });

  it('exits 75 with one line when the drop folder cannot be written either', async () => {
    const dir = await makeTempDir('relaydesk-maildrop-');
    const notAFolder = join(dir, 'a-file');
    await writeFile(notAFolder, 'x');
    const result = await sendmailRelayDown(
      join(notAFolder, 'data'),
      pipedMessage('nowhere to keep it', ['From: a@example.test', 'To: b@example.test']),
    );
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(
      /^relaydesk sendmail: could not submit to 127\.0\.0\.1:\d+: .*ECONNREFUSED.*; could not keep it in the drop folder either \(.*ENOTDIR.*; give the relay's data folder with --data or RELAYDESK_DATA\)\n$/,
    );
  });

  it.skipIf(!prlimit)(
    'says a drop folder with no room is full, not that it is the wrong folder',
    async () => {
      const dataDir = await makeTempDir('relaydesk-maildrop-');
      // a drop file cannot grow past 100 bytes: as on a full disk
      const result = await sendmailRelayDown(
        dataDir,
        pipedMessage('no room to keep it', ['From: a@example.test', 'To: b@example.test']),
        ['-t'],
        { prlimit: prlimit as string, bytes: 100 },
      );
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(
        new RegExp(
          `^relaydesk sendmail: could not submit to 127\\.0\\.0\\.1:\\d+: .*ECONNREFUSED.*; could not keep it in the drop folder either \\(a file in ${dataDir.replace(/[/.]/g, '\\$&')} reached the largest size its disk or this process allows \\(EFBIG\\); free space on that disk\\)\\n$`,
        ),
      );
      expect(await droppedFiles(dataDir)).toEqual([]);
    },
  );

  it('--data names the data folder as serve --data does', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const port = await freePort();
    const result = await runCli(['sendmail', '--data', dataDir, '-t'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${port}` },
      input: pipedMessage('with --data', ['To: b@example.test']),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await droppedFiles(dataDir)).toHaveLength(1);
  });

  it('a damaged drop file is moved aside to maildrop/failed with a log line; the others come in', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const good = 'the good one';
    expect(
      (
        await sendmailRelayDown(
          dataDir,
          pipedMessage(good, ['From: a@example.test', 'To: b@example.test']),
        )
      ).code,
    ).toBe(0);
    const folder = join(dataDir, 'maildrop');
    const envelope = {
      mailFrom: 'a@example.test',
      rcptTo: ['b@example.test'],
      queuedAt: new Date().toISOString(),
      user: 'tester',
      uid: process.getuid?.() ?? null,
    };
    const body = Buffer.from('Subject: cut short\r\n\r\nbody\r\n');
    // cut short: the size in its envelope line is more than what follows
    const cut = await writeDropFile(dataDir, envelope, body);
    const whole = await readFile(cut);
    await writeFile(cut, whole.subarray(0, whole.length - 4));
    // an envelope whose recipient is no address
    const bad = await writeDropFile(
      dataDir,
      { ...envelope, rcptTo: ['b@example.test\r\nX: y'] },
      body,
    );
    // not a drop file at all, under a name that looks like one
    const junk = join(folder, '0mx000000000000a0b1c2d');
    await writeFile(junk, 'hello\n', { mode: 0o600 });
    // a link to a well-formed drop file elsewhere: the relay must not read through it
    const elsewhere = join(dataDir, 'elsewhere');
    await writeFile(elsewhere, encodeDropFile(envelope, body));
    const link = join(folder, '0mx000000000000a0b1c2e');
    await symlink(elsewhere, link);

    const server = await startServe({ dataDir });
    await waitFor(`"${good}" listed`, () => detailOf(server, good).catch(() => null));
    await eventually(() => droppedFiles(dataDir)).toEqual([]);
    const failed = (await readdir(join(folder, 'failed'))).sort();
    expect(failed).toEqual([cut, bad, junk, link].map((p) => p.slice(folder.length + 1)).sort());
    const name = (p: string): string => p.slice(folder.length + 1);
    expect(server.stdout).toMatch(
      new RegExp(
        `maildrop: moved ${name(cut)} to \\S+: the message is \\d+ bytes where its envelope says \\d+`,
      ),
    );
    expect(server.stdout).toMatch(
      new RegExp(
        `maildrop: moved ${name(bad)} to \\S+: envelope: rcptTo "b@example.test\\\\r\\\\nX: y" is not an address`,
      ),
    );
    expect(server.stdout).toMatch(
      new RegExp(
        `maildrop: moved ${name(junk)} to \\S+: it does not start with "Relaydesk-Maildrop: 1"`,
      ),
    );
    expect(server.stdout).toMatch(
      new RegExp(`maildrop: moved ${name(link)} to \\S+: it is not a regular file`),
    );
    // besides the good one, a non-delivery notice for each file moved aside
    const page = await listed(server);
    const notices = page.messages.filter((m) => m.From?.Address.startsWith('MAILER-DAEMON@'));
    expect(notices).toHaveLength(4);
    expect(page.total).toBe(5);
  });

  it('a drop file left behind after its message was stored (a crash between the two) is not taken twice', async () => {
    const dataDir = await makeTempDir('relaydesk-maildrop-');
    const subject = 'stored once';
    await sendmailRelayDown(
      dataDir,
      pipedMessage(subject, ['From: a@example.test', 'To: b@example.test']),
    );
    const [name] = await droppedFiles(dataDir);
    const aside = join(dataDir, 'copy-of-drop');
    await copyFile(join(dataDir, 'maildrop', name as string), aside);
    const server = await startServe({ dataDir });
    await eventually(() => droppedFiles(dataDir)).toEqual([]);
    const page = await listed(server);
    expect(page.total).toBe(1);
    // the state a kill -9 after storing and before the removal leaves: both, the file renamed
    // to the ID its message was stored under (the pickup renames it so before storing)
    const storedId = page.messages[0]?.ID as string;
    expect(storedId).not.toBe(name);
    await copyFile(aside, join(dataDir, 'maildrop', storedId));
    await eventually(() => droppedFiles(dataDir)).toEqual([]);
    expect((await listed(server)).total).toBe(1);
  });
});

/**
 * The tests with a relay running share one `relaydesk serve` (a start is ~2 s of CPU, more under
 * the suite's load), its refusals set through the chaos API: each test starts with no trigger
 * set, receiving on and nothing in the drop folder.
 */
describe('sendmail with a relay running', () => {
  let server: ServeProcess;
  const chaos = async (triggers: object): Promise<void> => {
    const res = await server.fetch('/api/v1/chaos', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(triggers),
    });
    expect(res.status, await res.text()).toBe(200);
  };
  beforeAll(async () => {
    server = await startServe({ args: ['--enable-chaos', 'true'] });
  });
  afterAll(cleanupCliProcesses);
  beforeEach(async () => {
    await chaos({});
    await server.api('/api/v1/smtp/resume', { method: 'POST' });
    await eventually(() => droppedFiles(server.dataDir)).toEqual([]);
  });

  it('a relay that answers 4xx: kept, and the running relay takes it in from the drop folder', async () => {
    await chaos({ Sender: { ErrorCode: 451, Probability: 100 } });
    const subject = 'refused for now by the relay';
    const result = await runCli(['sendmail', '-t'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
      input: pipedMessage(subject, ['From: app@example.test', 'To: dev@example.test']),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const detail = await waitFor(`"${subject}" listed`, () =>
      detailOf(server, subject).catch(() => null),
    );
    expect(detail.Envelope.rcptTo).toEqual(['dev@example.test']);
    await eventually(() => droppedFiles(server.dataDir)).toEqual([]);
  });

  it('a 5xx refusal stays a refusal: exit 69, nothing kept', async () => {
    await chaos({ Sender: { ErrorCode: 550, Probability: 100 } });
    const result = await runCli(['sendmail', 'dev@example.test'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
      input: pipedMessage('refused for good', ['From: app@example.test']),
    });
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/refused the message: 550 /);
    expect(await droppedFiles(server.dataDir)).toEqual([]);
  });

  it('receiving paused: the message waits in the drop folder and comes in on resume', async () => {
    await server.api('/api/v1/smtp/pause', { method: 'POST' });
    const subject = 'sent while receiving was paused';
    const result = await runCli(['sendmail', 'dev@example.test'], {
      env: { RELAYDESK_SMTP: `127.0.0.1:${server.smtp.port}`, RELAYDESK_DATA: server.dataDir },
      input: pipedMessage(subject, ['From: app@example.test']),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await droppedFiles(server.dataDir)).toHaveLength(1);
    // kept, not refused: it comes in once receiving resumes
    await server.api('/api/v1/smtp/resume', { method: 'POST' });
    await waitFor(`"${subject}" listed`, () => detailOf(server, subject).catch(() => null));
    await eventually(() => droppedFiles(server.dataDir)).toEqual([]);
  });
});
