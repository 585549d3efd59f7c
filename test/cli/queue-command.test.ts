// `relaydesk queue`, run as the real command against a real `relaydesk serve` in relay mode with
// a real upstream that delivers one recipient and defers (451) another: the mailq-style listing,
// --json in postqueue -j's fields, flush, hold/release/retry/delete by ID, and each failure
// (relay not running, password missing or wrong, unknown ID, an action that does not apply) in
// one line with a non-zero exit. The relays of the tests that need settings of their own (a UI
// password, an upstream down or refusing the login, a quarantine) run in this process: what is
// tested is the command's answer, from the same API, and a `serve` start costs ~2 s of CPU.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { mailqTime as listedTime } from '../../main/cli/mailq-listing.js';
import {
  cleanupCliProcesses,
  freePort,
  makeTempDir,
  relayFlags,
  runCli,
  sendForQueueId,
  startServe,
  type RunResult,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';
import { eventually } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/ports.js';
import {
  closedPort,
  startUpstreamServer,
  type RunningUpstream,
} from '../helpers/upstream-server.js';

let upstream: RunningUpstream;
let serve: ServeProcess;
let env: Record<string, string>;

const busy = { code: 451, text: '4.3.2 Busy, try later' };
const mailqTime = String.raw`\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d`;

beforeAll(async () => {
  upstream = await startUpstreamServer({
    tls: 'none',
    failures: { rcpt: { 'grey@rcpt.example': busy } },
  });
  serve = await startServe({ args: relayFlags(upstream.port) });
  env = { RELAYDESK_HTTP: `127.0.0.1:${serve.http.port}` };
});
afterAll(async () => {
  await cleanupCliProcesses();
  await upstream?.close();
});

const send = (port: number, to: string[], subject: string): Promise<string> =>
  sendForQueueId(port, { from: 'app@sender.example', to, subject });

const delivery = (id: string): Promise<MessageDelivery> =>
  serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);

const queue = (...args: string[]): Promise<RunResult> => runCli(['queue', ...args], { env });

/** A failure: exit code not 0, nothing on stdout, one line on stderr (returned without its prefix). */
function oneLineFailure(result: RunResult): string {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^relaydesk: [^\n]+\n$/);
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  return result.stderr.slice('relaydesk: '.length, -1);
}

describe('relaydesk queue', () => {
  it('says when the queue is empty, as mailq does', async () => {
    const result = await queue();
    expect(result).toMatchObject({ code: 0, stdout: 'Mail queue is empty\n', stderr: '' });
    expect((await queue('--json')).stdout).toBe('');
  });

  it('lists each message with its size, arrival, sender and each recipient with state and reply', async () => {
    const id = await send(serve.smtp.port, ['ok@rcpt.example', 'grey@rcpt.example'], 'listed');
    await eventually(async () => (await delivery(id)).recipients.map((r) => r.state)).toEqual([
      'relayed',
      'deferred',
    ]);
    const size = (await serve.api<{ Size: number }>(`/api/v1/message/${id}`)).Size;

    const result = await queue();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^-Queue ID-+ --Size-- ----Arrival Time---- -Sender\/Recipient-+$/);
    expect(lines[1]).toMatch(new RegExp(`^${id} +${size} ${mailqTime}  app@sender\\.example$`));
    expect(lines[2]).toMatch(/^ +ok@rcpt\.example {2}relayed, 1 attempt$/);
    expect(lines[3]).toMatch(/^ +\(250 /);
    expect(lines[4]).toMatch(
      new RegExp(`^ +grey@rcpt\\.example {2}deferred, 1 attempt, next ${mailqTime}$`),
    );
    // the reason of the deferral in parentheses, as mailq shows it
    expect(lines[5]).toMatch(/^ +\(451 4\.3\.2 Busy, try later\)$/);
    expect(result.stdout).toMatch(/\n-- 1 Kbytes in 1 Request\.\n$/);

    const json = await queue('--json');
    expect(json.code).toBe(0);
    const entries = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({
        queue_name: 'deferred',
        queue_id: id,
        message_size: size,
        sender: 'app@sender.example',
        recipients: [
          expect.objectContaining({ address: 'ok@rcpt.example', state: 'relayed' }),
          expect.objectContaining({
            address: 'grey@rcpt.example',
            state: 'deferred',
            delay_reason: '451 4.3.2 Busy, try later',
          }),
        ],
      }),
    ]);
  });

  it('holds, releases, retries and deletes by queue ID, and refuses what does not apply', async () => {
    const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'by hand');
    await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');

    expect(await queue('hold', id)).toMatchObject({ code: 0, stdout: `${id}: held\n` });
    expect((await queue()).stdout).toMatch(
      new RegExp(
        `^${id}! +\\d+ .*\\n +grey@rcpt\\.example {2}held, 1 attempt\\n +\\(held by hand; last reply: 451 4\\.3\\.2 Busy, try later\\)\\n`,
        'm',
      ),
    );
    // held mail has no next attempt (postqueue -j gives none for the hold queue): the retry
    // time its deferral had set was listed as when it goes
    const heldJson = (await queue('--json')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { queue_id: string; recipients: unknown[] })
      .find((m) => m.queue_id === id);
    expect(heldJson).toMatchObject({ queue_name: 'hold' });
    expect(heldJson?.recipients[0]).toMatchObject({ state: 'held', next_attempt_time: null });
    expect(oneLineFailure(await queue('hold', id))).toBe(
      `queue hold: message ${id} is already held; only queued or deferred messages can be held`,
    );

    expect(await queue('release', id)).toMatchObject({ code: 0, stdout: `${id}: released\n` });
    await eventually(async () => (await delivery(id)).recipients[0]?.attempts.length).toBe(2);
    expect(oneLineFailure(await queue('release', id))).toBe(
      `queue release: message ${id} is queued, not held; only held messages can be released`,
    );

    expect(await queue('retry', id)).toMatchObject({ code: 0, stdout: `${id}: to be tried now\n` });
    await eventually(async () => (await delivery(id)).recipients[0]?.attempts.length).toBe(3);

    const deleted = await queue('delete', id);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`^${id}: deleted from the queue`));
    expect((await delivery(id)).recipients[0]?.state).toBe('cancelled');
    expect((await queue()).stdout).not.toContain(id);
  });

  it('takes the IDs on standard input for "-", as postsuper -d - does, the listing\'s first column as it is', async () => {
    // a stolen login's spam, picked from the listing by a script: `-` was taken as an ID
    // ("message "-" not found") and nothing was cancelled
    const spam = [
      await send(serve.smtp.port, ['grey@rcpt.example'], 'spam 1'),
      await send(serve.smtp.port, ['grey@rcpt.example'], 'spam 2'),
    ];
    for (const id of spam)
      await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
    expect((await queue('hold', spam[0] as string)).code).toBe(0);
    // the held one is listed as `ID!`
    const piped = await runCli(['queue', 'delete', '-'], {
      env,
      input: `${spam[0]}!
${spam[1]}
`,
    });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(new RegExp(`^${spam[0]}: deleted from the queue`, 'm'));
    expect(piped.stdout).toMatch(new RegExp(`^${spam[1]}: deleted from the queue`, 'm'));
    for (const id of spam) expect((await delivery(id)).recipients[0]?.state).toBe('cancelled');

    const empty = await runCli(['queue', 'delete', '-'], { env, input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'relaydesk: queue delete -: no queue ID on standard input; pipe in the IDs, one or more a line (`relaydesk queue` lists them)\n',
    );
  });

  it('takes a queue ID copied from the listing with its mark (ID! held), as for the IDs on stdin', async () => {
    // the first column says `ID!` for held mail; pasted into release, it was `message "ID!" not
    // found` and the mail stayed held
    const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'copied with its mark');
    await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
    expect(await queue('hold', id)).toMatchObject({ code: 0 });
    const listed = (await queue()).stdout.split('\n').find((line) => line.startsWith(id));
    const column = listed?.split(' ')[0];
    expect(column).toBe(`${id}!`);

    expect(await queue('release', column as string)).toMatchObject({
      code: 0,
      stdout: `${id}: released\n`,
      stderr: '',
    });
    await eventually(async () => (await delivery(id)).recipients[0]?.attempts.length).toBe(2);
    expect(await queue('delete', `${id}*`)).toMatchObject({ code: 0, stderr: '' });
    expect((await delivery(id)).recipients[0]?.state).toBe('cancelled');
  });

  it('refuses to retry held mail and names the release, not Resend (which sends a copy)', async () => {
    const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'held, then retried');
    await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
    expect(await queue('hold', id)).toMatchObject({ code: 0 });
    expect(oneLineFailure(await queue('retry', id))).toBe(
      `queue retry: message ${id} is held: it is not sent until released; release it (relaydesk queue release ${id}, Release in the Queue view or POST /api/v1/queue/release)`,
    );
    expect((await delivery(id)).recipients[0]?.state).toBe('held');
    expect(await queue('delete', id)).toMatchObject({ code: 0 });
  });

  it('retrying by hand does not push the next automatic retry out, as postqueue -i/-f do not', async () => {
    // counted by tries, three retries in the first minute put the next one 20 minutes away (five:
    // an hour), while the mail had waited seconds
    const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'retried by hand');
    await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
    for (const attempts of [2, 3, 4]) {
      expect(await queue('retry', id)).toMatchObject({ code: 0 });
      await eventually(async () => {
        const r = (await delivery(id)).recipients[0];
        return r?.state === 'deferred' ? r.attempts.length : 0;
      }).toBe(attempts);
    }
    const listed = (await queue('--json')).stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            queue_id: string;
            recipients: { next_attempt_time: number; attempts: number }[];
          },
      )
      .find((m) => m.queue_id === id);
    expect(listed?.recipients[0]?.attempts).toBe(4);
    // the schedule's first step (1 minute), from the last failure a moment ago
    const wait = (listed?.recipients[0]?.next_attempt_time ?? 0) * 1000 - Date.now();
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await queue('delete', id)).toMatchObject({ code: 0 });
  });

  it('refuses to hold a delivered message, naming it and its state', async () => {
    const id = await send(serve.smtp.port, ['ok@rcpt.example'], 'delivered');
    await eventually(async () => (await delivery(id)).status).toBe('delivered');
    expect(oneLineFailure(await queue('hold', id))).toBe(
      `queue hold: message ${id} is already delivered; only queued or deferred messages can be held`,
    );
    // no command resends: the refusal names where it is done instead
    expect(oneLineFailure(await queue('retry', id))).toBe(
      `queue retry: message ${id} is already delivered; only queued or deferred messages can be retried now; to send one again, use Resend in its Delivery tab or POST /api/v1/queue/resend with {"IDs": [ID]}`,
    );

    // with a deferred one beside it, that one is held and the delivered one named as not done
    const waiting = await send(serve.smtp.port, ['grey@rcpt.example'], 'beside it');
    await eventually(async () => (await delivery(waiting)).recipients[0]?.state).toBe('deferred');
    const both = await queue('hold', waiting, id);
    expect(both).toMatchObject({
      code: 1,
      stdout: `${waiting}: held\n`,
      stderr: `relaydesk queue: hold ${id}: nothing done, hold does not apply to it in its state (\`relaydesk queue\` lists what waits)\n`,
    });
    expect(await queue('delete', waiting)).toMatchObject({ code: 0 });
  });

  it('flushes: every deferred message is tried at once', async () => {
    const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'flushed');
    await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
    upstream.setFailures({});
    try {
      const flushed = await queue('flush');
      expect(flushed.stderr).toBe('');
      expect(flushed.code).toBe(0);
      expect(flushed.stdout).toMatch(/^\d+ deferred message\(s\) to be tried now\n$/);
      await eventually(async () => (await delivery(id)).status).toBe('delivered');
    } finally {
      upstream.setFailures({ rcpt: { 'grey@rcpt.example': busy } });
    }
  });

  it('flushes a greylisted recipient too, as postqueue -f does', async () => {
    // Postgrey's reply: the wait is kept when the network comes back, not when the admin flushes
    // (the receiver's postmaster has whitelisted the office, say)
    upstream.setFailures({
      rcpt: {
        'grey@rcpt.example': {
          code: 450,
          text: '4.2.0 <grey@rcpt.example>: Recipient address rejected: Greylisted',
        },
      },
    });
    try {
      const id = await send(serve.smtp.port, ['grey@rcpt.example'], 'greylisted, flushed');
      await eventually(async () => (await delivery(id)).recipients[0]?.state).toBe('deferred');
      upstream.setFailures({});
      const flushed = await queue('flush');
      expect(flushed).toMatchObject({ code: 0, stderr: '' });
      expect(flushed.stdout).toMatch(/^\d+ deferred message\(s\) to be tried now\n$/);
      expect(flushed.stdout).not.toMatch(/^0 /);
      await eventually(async () => (await delivery(id)).status).toBe('delivered');
    } finally {
      upstream.setFailures({ rcpt: { 'grey@rcpt.example': busy } });
    }
  });

  it('pauses relaying with a reason and resumes it, as an admin does before ISP maintenance', async () => {
    const paused = await queue('pause', 'ISP', 'maintenance', 'tonight');
    expect(paused).toMatchObject({
      code: 0,
      stdout: 'Relaying is paused: ISP maintenance tonight\n',
      stderr: '',
    });
    try {
      const before = upstream.messages.length;
      const id = await send(serve.smtp.port, ['ok@rcpt.example'], 'held back by the pause');
      const listed = await queue();
      expect(listed.stdout).toMatch(/^Relaying is paused since .*: ISP maintenance tonight \(/);
      expect(listed.stdout).toMatch(
        /ok@rcpt\.example {2}pending, waits for the upstream to resume\n/,
      );
      // a flush does not lift a pause by hand, and says how to
      const flushed = await queue('flush');
      expect(flushed.stderr).toContain(
        'nothing is sent until it is resumed (relaydesk queue resume',
      );
      expect(upstream.messages.length).toBe(before);

      const resumed = await queue('resume');
      expect(resumed).toMatchObject({ code: 0, stdout: 'Relaying resumed\n', stderr: '' });
      await eventually(async () => (await delivery(id)).status).toBe('delivered');
    } finally {
      await queue('resume');
    }
  });

  it('names an unknown queue ID and where the IDs are listed', async () => {
    expect(oneLineFailure(await queue('hold', 'no-such-id'))).toBe(
      'queue hold: message "no-such-id" not found; `relaydesk queue` lists the queue IDs',
    );
  });

  it('says the relay cannot be reached, with the address and the fix', async () => {
    const port = await closedPort();
    const line = oneLineFailure(await queue('--http', `127.0.0.1:${port}`));
    expect(line).toMatch(
      new RegExp(
        `^cannot reach the relay's API at http://127\\.0\\.0\\.1:${port}/ \\(.+\\); is \`relaydesk serve\` running\\? give --http URL$`,
      ),
    );
  });

  it('refuses bad usage with exit code 2, naming what to give', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['hold'], /^queue hold: give the queue ID\(s\); `relaydesk queue` lists them$/],
      [
        ['bogus'],
        /^queue: "bogus" is not a queue command; use "list", "flush", "pause", "resume", "hold"/,
      ],
      [
        ['--state', 'bogus'],
        /^queue: --state "bogus" is not a recipient state; use one of pending, /,
      ],
      [['flush', 'some-id'], /^queue flush: takes no IDs .*relaydesk queue retry some-id$/],
    ];
    for (const [args, message] of cases) {
      const result = await queue(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(oneLineFailure(result)).toMatch(message);
    }
  });
});

describe('relaydesk queue with no address given, as mailq is run', () => {
  it('finds the API of the relay running on the data folder, and not after it stopped', async () => {
    const dataDir = await makeTempDir();
    // deferred by the upstream (451), it waits in the queue
    const running = await startServe({ dataDir, args: relayFlags(upstream.port) });
    const id = await sendForQueueId(running.smtp.port, {
      from: 'app@sender.example',
      to: 'grey@rcpt.example',
      subject: 'found without --http',
    });
    const found = await runCli(['queue'], { env: { RELAYDESK_DATA: dataDir } });
    expect(found.stderr).toBe('');
    expect(found.stdout).toContain(id);
    // named with --data, as `relaydesk dkim --data` names it, ahead of an RELAYDESK_HTTP that
    // points elsewhere (a Mailpit on 8025, say); the other commands that ask the API alike
    const elsewhere = { RELAYDESK_HTTP: `127.0.0.1:${await freePort()}` };
    const byFlag = await runCli(['queue', '--data', dataDir], { env: elsewhere });
    expect(byFlag.stderr).toBe('');
    expect(byFlag.stdout).toContain(id);
    const suspensions = await runCli(['suspensions', '--data', dataDir], { env: elsewhere });
    expect([suspensions.code, suspensions.stderr]).toEqual([0, 'no suspensions\n']);
    const lockouts = await runCli(['lockout', 'list', '--data', dataDir], { env: elsewhere });
    expect(lockouts.code, lockouts.stderr).toBe(0);
    const dumped = join(await makeTempDir(), 'dump');
    const dump = await runCli(['dump', dumped, '--data', dataDir], { env: elsewhere });
    expect(dump.code, dump.stderr).toBe(0);
    expect(await readdir(dumped)).toContain(`${id}.eml`);
    // a stopped relay leaves no address: the answer names the default it tried
    await running.stop();
    const gone = await runCli(['queue'], { env: { RELAYDESK_DATA: dataDir } });
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('127.0.0.1:8025');
    // with --data, no fallback to 8025 (whatever listens there is not this relay): it says so
    const named = await runCli(['queue', '--data', dataDir]);
    expect(named.code).not.toBe(0);
    expect(named.stderr).toContain(
      `--data: no relay is running on ${JSON.stringify(dataDir)} (its listening.json names no running relaydesk serve); start one with relaydesk serve --data ${JSON.stringify(dataDir)}, or give --http URL`,
    );
  });
});

describe('relaydesk queue against a relay with a UI password', () => {
  it('says the password is missing or wrong, and how to give it', async () => {
    const dir = await makeTempDir();
    const passwordFile = join(dir, 'ui-password');
    await writeFile(passwordFile, 'office-secret\n', { mode: 0o600 });
    const guarded = await startTestRelaydesk({ uiPasswordFile: passwordFile });
    onTestFinished(() => guarded.dispose());
    const http = `127.0.0.1:${guarded.http.port}`;
    const fix =
      'give the UI password in RELAYDESK_UI_PASSWORD, --ui-password-file FILE or the URL (--http http://any:PASSWORD@host:port)';

    const missing = await runCli(['queue'], { env: { RELAYDESK_HTTP: http } });
    expect(oneLineFailure(missing)).toMatch(
      new RegExp(
        `^the relay's API at http://${http}/ needs its UI password \\(.*\\); ${escape(fix)}$`,
      ),
    );
    const wrong = await runCli(['queue'], {
      env: { RELAYDESK_HTTP: http, RELAYDESK_UI_PASSWORD: 'guess' },
    });
    expect(oneLineFailure(wrong)).toBe(
      `the relay's API at http://${http}/ refused the UI password given; ${fix}`,
    );
    expect(wrong.stderr).not.toContain('guess');
    const right = await runCli(['queue', '--http', `http://any:office-secret@${http}`]);
    expect(right).toMatchObject({ code: 0, stdout: 'Mail queue is empty\n' });
    const fromFile = await runCli(['queue', '--http', http, '--ui-password-file', passwordFile]);
    expect(fromFile).toMatchObject({ code: 0, stdout: 'Mail queue is empty\n' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('relaydesk queue while the upstream is down', () => {
  it('says the mail goes when the upstream answers again and when it is probed next, as the Queue view does', async () => {
    const down = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: await closedPort() },
    });
    onTestFinished(() => down.dispose());
    const first = await send(down.smtp.port, ['one@rcpt.example'], 'first');
    // its attempt finds nothing listening and pauses the upstream
    await eventually(
      async () =>
        (await down.api<MessageDelivery>(`/api/v1/message/${first}/delivery`)).recipients[0]?.state,
    ).toBe('deferred');
    await eventually(
      async () => (await down.api<QueueView>('/api/v1/queue')).upstream.paused?.unreachable,
    ).toBe(true);
    const second = await send(down.smtp.port, ['two@rcpt.example'], 'second');

    const result = await runCli(['queue'], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${down.http.port}` },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^Relaying is paused since .*: connection refused: nothing listens on /,
    );
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith(second));
    expect(at).toBeGreaterThan(0);
    // not the first one's retry time: a probe tries the upstream within a minute of new mail
    const probe = / {2}pending, goes when the upstream answers again, next probe (.+)$/.exec(
      lines[at + 1] ?? '',
    );
    expect(probe, lines[at + 1]).not.toBeNull();
    const view = await down.api<QueueView>('/api/v1/queue');
    const next = view.upstream.paused?.nextProbeAt as string;
    expect(probe?.[1]).toBe(listedTime(next));
    // a minute after the try that failed (not the hour a retry time can be)
    expect(Date.parse(next) - Date.parse(view.upstream.paused?.since as string)).toBeLessThan(
      65_000,
    );
    expect(lines[at + 2]).toBe('');
    const firstAt = lines.findIndex((line) => line.startsWith(first));
    expect(lines[firstAt + 1]).toMatch(
      /^ +one@rcpt\.example {2}deferred, 1 attempt, goes when the upstream answers again, next probe /,
    );
    // postqueue -j's shape: the probe's time beside the retry time, which is not when it goes
    const json = await runCli(['queue', '--json'], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${down.http.port}` },
    });
    const listed = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { queue_id: string; recipients: unknown[] });
    for (const id of [first, second])
      expect(listed.find((m) => m.queue_id === id)?.recipients[0]).toMatchObject({
        waits_for_upstream: true,
        next_probe_time: Math.floor(Date.parse(next) / 1000),
      });
  });
});

describe('relaydesk queue flush while the upstream is paused by a failure', () => {
  it('says the mail that waited for the upstream goes too, not only the deferred', async () => {
    // postqueue -f after the ISP's smart host came back: the flush lifts the pause, so the
    // message that never had an attempt of its own goes as well; it said "0 deferred message(s)"
    const port = await unusedPort();
    const down = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    onTestFinished(() => down.dispose());
    const first = await send(down.smtp.port, ['one@rcpt.example'], 'first');
    await eventually(
      async () => (await down.api<QueueView>('/api/v1/queue')).upstream.paused?.unreachable,
    ).toBe(true);
    const second = await send(down.smtp.port, ['two@rcpt.example'], 'second');
    await eventually(
      async () =>
        (await down.api<MessageDelivery>(`/api/v1/message/${second}/delivery`)).recipients[0]
          ?.state,
    ).toBe('pending');

    const back = await startUpstreamServer({ tls: 'none', port });
    onTestFinished(() => back.close());
    const flushed = await runCli(['queue', 'flush'], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${down.http.port}` },
    });
    expect(flushed).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        "1 deferred message(s) to be tried now; the upstream's pause is lifted, so 1 message(s) waiting for it go now too\n",
    });
    await eventually(() => back.messages.length).toBe(2);
    expect((await down.api<MessageDelivery>(`/api/v1/message/${first}/delivery`)).status).toBe(
      'delivered',
    );
  });
});

describe('relaydesk queue while the upstream refuses the login', () => {
  it('shows no retry time for mail that waits for the password to be put right', async () => {
    const locked = await startUpstreamServer({ tls: 'none', users: { office: 'right-pass' } });
    try {
      const relay = await startTestRelaydesk({
        mode: 'relay',
        relay: {
          host: '127.0.0.1',
          port: locked.port,
          security: 'none',
          auth: { user: 'office', password: 'wrong-pass' },
        },
      });
      onTestFinished(() => relay.dispose());
      const id = await send(relay.smtp.port, ['one@rcpt.example'], 'refused login');
      await eventually(
        async () =>
          (await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients[0]?.state,
      ).toBe('deferred');
      const result = await runCli(['queue'], {
        env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` },
      });
      expect(result.stdout).toMatch(/^Relaying is paused since .*: authentication rejected/);
      // a rejected login is not tried again by itself: a "next" time would be a promise not kept
      expect(result.stdout).toMatch(
        /one@rcpt\.example {2}deferred, 1 attempt, waits for the upstream to resume\n/,
      );
      expect(result.stdout).not.toContain('wrong-pass');
    } finally {
      await locked.close();
    }
  });
});

describe('relaydesk queue while the filter holds mail in the quarantine', () => {
  it('says after the listing how many are held and how to list them, and nothing once none is', async () => {
    const filtered = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      attachments: { types: ['executable'], action: 'quarantine' },
    });
    onTestFinished(() => filtered.dispose());
    const cliEnv = { RELAYDESK_HTTP: `127.0.0.1:${filtered.http.port}` };
    const list = (...args: string[]) => runCli(['queue', ...args], { env: cliEnv });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: filtered.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const sendTool = async (subject: string): Promise<string> => {
      const info = await transport.sendMail({
        from: 'payroll@company.example',
        to: 'accountant@rcpt.example',
        subject,
        text: 'the tool you asked for',
        attachments: [{ filename: 'payroll-tool.exe', content: 'a legitimate program\n' }],
      });
      return /queued as (\S+)/.exec(info.response)?.[1] as string;
    };
    try {
      const tool = await sendTool('payroll tool');
      // nothing to send, one held: the queue is empty, and says what is held beside it
      const empty = await list();
      expect(empty).toMatchObject({ code: 0, stderr: '' });
      expect(empty.stdout).toBe(
        'Mail queue is empty\n' +
          '1 message is held in the quarantine: relaydesk queue --state quarantined lists it\n',
      );
      // postqueue -j's shape is one object per message: no line for a count
      expect((await list('--json')).stdout).toBe('');

      const waiting = await send(filtered.smtp.port, ['grey@rcpt.example'], 'greylisted');
      await eventually(
        async () =>
          (await filtered.api<MessageDelivery>(`/api/v1/message/${waiting}/delivery`)).recipients[0]
            ?.state,
      ).toBe('deferred');
      await sendTool('payroll tool, again');
      const listing = await list();
      expect(listing.code, listing.stderr).toBe(0);
      const lines = listing.stdout.trimEnd().split('\n');
      expect(lines.some((line) => line.startsWith(waiting))).toBe(true);
      // mailq's total, then the held mail, at the end
      expect(lines.slice(-2)).toEqual([
        '-- 1 Kbytes in 1 Request.',
        '2 messages are held in the quarantine: relaydesk queue --state quarantined lists them',
      ]);
      expect((await filtered.api<QueueView>('/api/v1/queue')).quarantined).toBe(2);
      // the held listing itself needs no pointer to itself
      const held = await list('--state', 'quarantined');
      expect(held.stdout).toContain(`${tool}!`);
      expect(held.stdout).toMatch(/\n-- 2 Kbytes in 2 Requests\.\n$/);
      expect(
        (await list('--json')).stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { queue_id: string }).queue_id),
      ).toEqual([waiting]);

      // released, one is held
      expect((await list('release', tool)).code).toBe(0);
      // (once it is relayed: until then it is listed as pending)
      await eventually(async () => (await list()).stdout).toMatch(
        /\n-- 1 Kbytes in 1 Request\.\n1 message is held in the quarantine: relaydesk queue --state quarantined lists it\n$/,
      );
      const other = (await filtered.api<{ messages: Array<{ ID: string }> }>('/api/v1/quarantine'))
        .messages[0]?.ID as string;
      expect((await list('release', other)).code).toBe(0);
      // none held: the listing is mailq's alone
      await eventually(async () => (await list()).stdout).toMatch(
        /\n-- 1 Kbytes in 1 Request\.\n$/,
      );
      expect((await filtered.api<QueueView>('/api/v1/queue')).quarantined).toBe(0);
    } finally {
      transport.close();
    }
  });
});

describe('relaydesk queue with mail waiting and no upstream', () => {
  it('says the mail waits for an upstream to be set up, and refuses a flush with the fix', async () => {
    // the admin went back to capture (or restarted serve without the --relay-host that queued
    // it): the queue does not run, and the listing gave a retry time long past as "next", while
    // flush answered "to be tried now" of mail nothing would try
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    });
    onTestFinished(() => relay.dispose());
    const id = await send(relay.smtp.port, ['grey@rcpt.example'], 'waits for an upstream');
    await eventually(
      async () =>
        (await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients[0]?.state,
    ).toBe('deferred');
    await relay.api('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'capture', relay: null }),
    });
    const local = { env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` } };

    const listing = await runCli(['queue'], local);
    expect(listing.code, listing.stderr).toBe(0);
    const lines = listing.stdout.split('\n');
    expect(lines[0]).toBe(
      'No upstream is set up: nothing listed here is sent, nor given up on, until one is (Settings → Upstream, or --mode relay --relay-host HOST:PORT); new mail is not relayed',
    );
    const at = lines.findIndex((line) => line.startsWith(id));
    expect(lines[at + 1]).toMatch(
      /^ +grey@rcpt\.example {2}\w+, 1 attempt, waits for an upstream to be set up$/,
    );

    expect(oneLineFailure(await runCli(['queue', 'flush'], local))).toMatch(
      /^queue flush: nothing can be tried: no upstream is set up \("relay" is not set\); set one in Settings → Upstream, or start with --mode relay --relay-host HOST:PORT/,
    );
    expect(oneLineFailure(await runCli(['queue', 'retry', id], local))).toMatch(
      /^queue retry: nothing can be tried: no upstream is set up/,
    );
  });
});
