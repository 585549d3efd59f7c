// Spam scoring of the mail Relaydesk relays, through a real SpamAssassin spamd started here: what
// spamd scores as spam (GTUBE, SpamAssassin's test string) is quarantined, tagged or rejected by
// spamAction, as amavis' spam levels and spamass-milter do. Before, the spamd address only scored
// a message opened in its Spam tab: GTUBE went to the upstream unmarked. Real SMTP sessions
// (nodemailer, swaks), a real upstream, real files.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import type { FilterVerdictView } from '../../preload/filter-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startSilentHost } from '../helpers/silent-host.js';
import { startSpamd, type RunningSpamd } from '../helpers/spamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import {
  closedPort,
  startUpstreamServer,
  type RunningUpstream,
} from '../helpers/upstream-server.js';

const spamdCommand = requireTool(tools.spamd);
const swaksCommand = requireTool(tools.swaks);

/** SpamAssassin's GTUBE: every spamd scores a message holding it 1000. */
const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

async function send(
  relay: TestRelaydesk,
  subject: string,
  text: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const info = await relay.transport().sendMail({
    from: 'alice@office.example',
    to: 'partner@example.net',
    subject,
    text,
    headers,
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

async function save(relay: TestRelaydesk, settings: Record<string, unknown>): Promise<void> {
  const answer = await relay.fetch('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(answer.status, await answer.clone().text()).toBe(200);
}

describe.skipIf(!spamdCommand || !swaksCommand)('spam scoring of relayed mail by spamd', () => {
  let spamd: RunningSpamd;
  let upstream: RunningUpstream;
  let relay: TestRelaydesk;
  const log: string[] = [];

  beforeAll(async () => {
    spamd = await startSpamd(spamdCommand as string);
    upstream = await startUpstreamServer({ tls: 'none' });
    relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      spamassassin: `${spamd.address.host}:${spamd.address.port}`,
      spamAction: 'quarantine',
    });
    relay.service.on('log', (line) => log.push(line));
  }, 90_000);

  afterAll(async () => {
    await relay?.dispose();
    await upstream?.close();
    await spamd?.stop();
  });

  it('quarantines what spamd scores as spam (never relayed) and relays the rest; a release sends it', async () => {
    const spam = await send(relay, 'a test of the spam filter', `Hello\n${gtube}\n`);
    const ham = await send(relay, 'minutes of the meeting', 'The minutes are attached.\n');
    await relay.service.queueIdle();
    expect(upstream.messages.map((m) => m.raw.toString())).toEqual([
      expect.stringContaining('minutes of the meeting'),
    ]);
    expect(upstream.messages[0]?.raw.toString()).not.toMatch(/^X-Spam-Flag/im);

    const quarantine = await relay.api<MessagesPage>('/api/v1/quarantine');
    const listed = quarantine.messages.find((m) => m.ID === spam);
    expect(listed?.Tags).toEqual(expect.arrayContaining(['quarantined', 'spam']));
    expect(quarantine.messages.some((m) => m.ID === ham)).toBe(false);
    const { Filter } = await relay.api<{ Filter: FilterVerdictView }>(
      `/api/v1/message/${spam}/filter`,
    );
    expect(Filter.action).toBe('quarantined');
    expect(Filter.spam).toMatchObject({ isSpam: true, required: 5 });
    expect(Filter.spam?.score).toBeGreaterThanOrEqual(900);
    expect(Filter.reasons).toEqual([
      expect.stringMatching(/^spam: spamd scored it \d+\.\d \(required 5\.0\)$/),
    ]);

    // a false positive goes on when released, unmarked (as amavis releases the original)
    const released = await relay.fetch(`/api/v1/quarantine/${spam}/release`, { method: 'POST' });
    expect(released.status).toBe(200);
    await waitFor('the released message at the upstream', () => upstream.messages.length === 2);
    expect(upstream.messages[1]?.raw.toString()).toContain('a test of the spam filter');
  });

  it('tags it under spamAction tag: the copy sent on says X-Spam-Flag: YES, a forged NO taken out', async () => {
    await save(relay, { spamAction: 'tag' });
    const before = upstream.messages.length;
    await send(relay, 'tagged spam', `${gtube}\n`, {
      'X-Spam-Flag': 'NO',
      'X-Spam-Status': 'No, score=-5.0',
    });
    await waitFor('the tagged message at the upstream', () => upstream.messages.length > before);
    const raw = upstream.messages[before]?.raw.toString() ?? '';
    expect(raw).toMatch(/^X-Spam-Flag: YES\r\n/m);
    expect(raw).toMatch(/^X-Spam-Status: Yes, score=\d+\.\d required=5\.0\r\n/m);
    expect(raw).not.toMatch(/^X-Spam-Flag: NO/im);
    expect(raw).not.toMatch(/^X-Spam-Status: No/im);
  });

  it('rejects it under spamAction reject with 554 5.7.1 at the end of DATA (swaks)', async () => {
    await save(relay, { spamAction: 'reject' });
    const before = relay.service.total;
    const { stdout } = await promisify(execFile)(
      swaksCommand as string,
      [
        '--server',
        `127.0.0.1:${relay.smtp.port}`,
        '--from',
        'alice@office.example',
        '--to',
        'partner@example.net',
        '--body',
        gtube,
      ],
      { encoding: 'utf8' },
    ).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    expect(stdout).toMatch(
      /<\*\* +554 5\.7\.1 Message rejected as spam \(score \d+\.\d, required 5\.0\)/,
    );
    expect(relay.service.total).toBe(before);
  });

  it('passes mail on unscored while spamd cannot be reached, says so once in the log, and once when it is back', async () => {
    const down = `127.0.0.1:${await closedPort()}`;
    await save(relay, { spamAction: 'quarantine', spamassassin: down });
    const before = upstream.messages.length;
    const first = await send(relay, 'while spamd is down', `${gtube}\n`);
    await send(relay, 'still down', 'hello\n');
    await waitFor(
      'the unscored messages at the upstream',
      () => upstream.messages.length === before + 2,
    );
    const { Filter } = await relay.api<{ Filter: FilterVerdictView }>(
      `/api/v1/message/${first}/filter`,
    );
    expect(Filter.action).toBe('accepted');
    expect(Filter.reasons).toEqual([
      expect.stringMatching(/^not spam-checked: .*connection refused.*; passed on unscored$/),
    ]);
    // one warning for the outage, not one per message, naming the address, the outcome and the fix
    const warnings = log.filter((l) => l.includes('does not answer'));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `filter: spamd at ${down.replace(/\./g, '\\.')} does not answer \\(connection refused; is spamd running\\?\\); until it does, mail is passed on unscored.*or choose --spam-action off`,
        ),
      ),
    ]);

    await save(relay, { spamassassin: `${spamd.address.host}:${spamd.address.port}` });
    await send(relay, 'spamd is back', 'hello again\n');
    const back = `${spamd.address.host}:${spamd.address.port}`;
    expect(log.filter((l) => l.includes('messages are scored for spam'))).toEqual([
      expect.stringContaining(`filter: spamd at ${back} answers: messages are scored for spam`),
    ]);
  });

  it('a hung spamd (takes the connection, never answers) holds up one message, not each one after it', async () => {
    const port = await closedPort();
    const silent = await startSilentHost(port);
    try {
      await save(relay, { spamAction: 'quarantine', spamassassin: `127.0.0.1:${port}` });
      const first = await send(relay, 'spamd hung', `${gtube}\n`);
      const second = await send(relay, 'spamd still hung', `${gtube}\n`);
      const reasons = async (id: string) =>
        (await relay.api<{ Filter: FilterVerdictView }>(`/api/v1/message/${id}/filter`)).Filter
          .reasons;
      expect(await reasons(first)).toEqual([
        expect.stringMatching(/^not spam-checked: .*no answer within 10 s; passed on unscored$/),
      ]);
      // the second was not sent to it: no second connection, and its note says why
      expect(silent.sockets).toHaveLength(1);
      expect(await reasons(second)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^not spam-checked: spamd at 127\\.0\\.0\\.1:${port} did not answer in time when last asked \\(no answer within 10 s\\); not asked again until \\S+; passed on unscored$`,
          ),
        ),
      ]);
      expect(log.filter((l) => l.includes(`127.0.0.1:${port} does not answer`))).toHaveLength(1);
    } finally {
      await silent.close();
      await save(relay, { spamassassin: `${spamd.address.host}:${spamd.address.port}` });
    }
  }, 60_000);

  it('refuses to save the spamd address emptied while spamAction is on, naming both and the fix', async () => {
    const answer = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spamAction: 'tag', spamassassin: null }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toContain(
      '--spam-action tag acts on what a SpamAssassin spamd scores, and none is set: give --spamassassin HOST:PORT, or choose --spam-action off',
    );
  });
});
