// A queued message whose bytes cannot be made for sending (its .eml removed behind the relay's
// back, a folder in its place, a failing disk): the attempt fails here, before any connection,
// and its recipients are deferred with the reason in the user's words, retried on the schedule,
// and sent once the file can be read again. Such a throw used to leave them `sending` until the
// next start, never retried, with "delivery failed unexpectedly" and the file's path in the log.
// Real smtp-server upstream, an in-process Relaydesk, real files.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { deliverToUpstream } from '../../main/core/upstream/delivery-attempt.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TO = 'later@dest.example';

async function setUp(): Promise<{
  relay: TestRelaydesk;
  server: RunningUpstream;
  lines: string[];
}> {
  // greylisted at first, so that the message waits in the queue
  const server = await startUpstreamServer({
    tls: 'none',
    failures: { rcpt: { [TO]: { code: 451, text: '4.7.1 Greylisted, try again later' } } },
  });
  cleanups.push(() => server.close());
  const lines: string[] = [];
  const relay = await startTestRelaydesk(
    { mode: 'relay', relay: { host: '127.0.0.1', port: server.port, security: 'none' } },
    undefined,
    { log: (line) => lines.push(line) },
  );
  cleanups.push(() => relay.dispose());
  return { relay, server, lines };
}

/** A message over 64 KiB: the queue reads it from its file, never from the bytes it kept. */
async function sendLarge(relay: TestRelaydesk): Promise<string> {
  const body = `${'a line of the report, long enough to make the message large\r\n'.repeat(1200)}`;
  const info = await relay.transport().sendMail({
    envelope: { from: 'app@sender.example', to: [TO] },
    raw: `Subject: Monthly report\r\n\r\n${body}`,
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

async function retry(relay: TestRelaydesk, id: string): Promise<void> {
  const res = await relay.fetch('/api/v1/queue/retry', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ IDs: [id] }),
  });
  expect(res.status).toBe(200);
}

describe('a queued message whose file cannot be read when it is sent', () => {
  it('is deferred with the reason, not left sending, and the upstream is not blamed', async () => {
    const { relay, server, lines } = await setUp();
    const id = await sendLarge(relay);
    await settled(relay, id, (d) => d.recipients[0]?.attempts.length === 1);
    server.setFailures({});
    await rm(join(relay.dataDir, 'spool', `${id}.eml`));
    await retry(relay, id);

    const after = await settled(relay, id, (d) => d.recipients[0]?.attempts.length === 2);
    const recipient = after.recipients[0]!;
    expect(recipient.state).toBe('deferred');
    expect(recipient.nextAttemptAt).not.toBeNull();
    const last = recipient.attempts[1]!;
    expect(last.notSent).toBe(true);
    expect(last.reply).toEqual({
      code: null,
      enhanced: '4.3.0',
      text: "not sent: the message's file is missing (ENOENT): something outside Relaydesk removed it; it is still listed until you delete it",
    });
    // the API (which a web page may read) never has the file's path; the log does
    expect(JSON.stringify(after)).not.toContain(relay.dataDir);
    expect(lines.some((l) => l.includes('could not be made for sending') && l.includes(id))).toBe(
      true,
    );
    const logged = lines.find((l) => l.includes('relay=none') && l.includes(TO)) ?? '';
    expect(logged).toContain("dsn=4.3.0, status=deferred (not sent: the message's file is missing");
    expect(lines.some((l) => l.includes('delivery failed unexpectedly'))).toBe(false);
    // the queue says so, and the GUI's "upstream is not answering" banner reads this
    const queue = await relay.api<QueueView>('/api/v1/queue');
    const queued = queue.messages.find((m) => m.ID === id)?.recipients[0];
    expect(queued?.state).toBe('deferred');
    expect(queued?.lastNotSent).toBe(true);
    expect(queue.upstream.paused).toBeNull();
    expect(server.messages).toHaveLength(0);
  });

  it('is sent once its file can be read again (a folder in its place, then the file back)', async () => {
    const { relay, server } = await setUp();
    const id = await sendLarge(relay);
    await settled(relay, id, (d) => d.recipients[0]?.attempts.length === 1);
    server.setFailures({});
    const eml = join(relay.dataDir, 'spool', `${id}.eml`);
    const bytes = await readFile(eml);
    await rm(eml);
    await mkdir(eml);
    await retry(relay, id);
    const unreadable = await settled(relay, id, (d) => d.recipients[0]?.attempts.length === 2);
    expect(unreadable.recipients[0]?.state).toBe('deferred');
    expect(unreadable.recipients[0]?.attempts[1]?.reply.text).toBe(
      "not sent: the message's file could not be read (EISDIR); it is still listed, and opens once its file can be read again",
    );

    await rm(eml, { recursive: true });
    await writeFile(eml, bytes);
    await retry(relay, id);
    const sent = await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(sent.recipients[0]?.attempts[2]?.notSent).toBeUndefined();
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]?.raw.subarray(-200).toString()).toContain('long enough');
  });
});

describe('an attempt that throws (a fault in Relaydesk or the SMTP client under it)', () => {
  it('defers the recipient with the fault, not left sending, and the retry sends it', async () => {
    const server = await startUpstreamServer({ tls: 'none' });
    cleanups.push(() => server.close());
    const lines: string[] = [];
    let faults = 1;
    // the real SMTP client, failing once the way a bug of ours would: a throw, not an attempt
    const relay = await startTestRelaydesk(
      { mode: 'relay', relay: { host: '127.0.0.1', port: server.port, security: 'none' } },
      undefined,
      {
        log: (line) => lines.push(line),
        deliver: (...args) => {
          if (faults-- > 0) return Promise.reject(new TypeError('session.send is not a function'));
          return deliverToUpstream(...args);
        },
      },
    );
    cleanups.push(() => relay.dispose());
    const info = await relay.transport().sendMail({
      envelope: { from: 'app@sender.example', to: [TO] },
      raw: 'Subject: Invoice\r\n\r\nThe invoice.\r\n',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;

    const failed = await settled(relay, id, (d) => d.recipients[0]?.attempts.length === 1);
    const recipient = failed.recipients[0]!;
    expect(recipient.state).toBe('deferred');
    expect(recipient.nextAttemptAt).not.toBeNull();
    expect(recipient.attempts[0]?.reply.text).toBe(
      'not sent: Relaydesk failed unexpectedly (session.send is not a function)',
    );
    const logged = lines.find((l) => l.includes('relay=none') && l.includes(TO)) ?? '';
    expect(logged).toContain('status=deferred (not sent: Relaydesk failed unexpectedly');
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();

    await retry(relay, id);
    const sent = await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(sent.recipients[0]?.attempts).toHaveLength(2);
    expect(server.messages).toHaveLength(1);
  });
});
