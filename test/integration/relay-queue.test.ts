// Relaying through real upstream SMTP servers started in the test: delivery, retries, pauses,
// partial failures, actions by hand, and lifetime expiry on an injected clock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MailpitClient } from 'mailpit-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { keptBytesAtMost } from '../../main/core/queue/arrival-bytes.js';
import { readAtOnceBelow } from '../../main/core/queue/queue-store.js';
import { settled } from '../helpers/delivery.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import {
  closedPort,
  makeTestCertificate,
  startUpstreamServer,
  type RunningUpstream,
} from '../helpers/upstream-server.js';
import { manualClock } from '../helpers/manual-clock.js';
import { unusedPort } from '../helpers/ports.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(
  options: Parameters<typeof startUpstreamServer>[0] = {},
): Promise<RunningUpstream> {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function relaydesk(
  settings: Record<string, unknown>,
  extra: Parameters<typeof startTestRelaydesk>[2] = {},
): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings, undefined, extra);
  cleanups.push(() => relay.dispose());
  return relay;
}

function relaySettings(server: RunningUpstream, more: Record<string, unknown> = {}) {
  return {
    host: '127.0.0.1',
    port: server.port,
    security: server.certificate ? 'starttls' : 'none',
    ...(server.certificate ? { caFile: server.certificate.caFile } : {}),
    ...more,
  };
}

async function send(
  relay: TestRelaydesk,
  to: string[],
  subject = 'relayed',
  raw?: Buffer,
): Promise<string> {
  const info = await relay
    .transport()
    .sendMail(
      raw
        ? { envelope: { from: 'app@sender.example', to }, raw }
        : { from: 'app@sender.example', to, subject, text: `body of ${subject}` },
    );
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('relaying through an upstream', () => {
  it('delivers over STARTTLS with AUTH: exact envelope, untouched body, attempt recorded', async () => {
    const server = await upstream({ tls: 'starttls', users: { relayuser: 's3cret-pass' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 's3cret-pass' } }),
    });
    const id = await send(relay, ['bob@rcpt.example', 'carol@rcpt.example'], 'over starttls');
    const delivery = await settled(relay, id, (d) => d.status === 'delivered');

    expect(server.messages).toHaveLength(1);
    const got = server.messages[0];
    expect(got?.mailFrom).toBe('app@sender.example');
    expect(got?.rcptTo).toEqual(['bob@rcpt.example', 'carol@rcpt.example']);
    expect(got?.secure).toBe(true);
    expect(got?.user).toBe('relayuser');
    const stored = Buffer.from(
      await (await relay.fetch(`/api/v1/message/${id}/raw`)).arrayBuffer(),
    );
    expect(got?.raw.equals(stored)).toBe(true);

    const [bob] = delivery.recipients;
    expect(bob?.state).toBe('relayed');
    expect(bob?.attempts).toHaveLength(1);
    const attempt = bob?.attempts[0];
    expect(attempt?.upstream).toEqual({ host: '127.0.0.1', ip: '127.0.0.1', port: server.port });
    expect(attempt?.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(attempt?.reply.code).toBe(250);
    expect(attempt?.upstreamQueueId).toBe(got?.queueId);
    expect(attempt?.transcript).toContain('STARTTLS');
    expect(attempt?.transcript).not.toContain('s3cret-pass');
    expect(attempt?.transcript).not.toContain(
      Buffer.from('\0relayuser\0s3cret-pass').toString('base64'),
    );
    expect(bob?.history.map((h) => h.state)).toEqual(['pending', 'sending', 'relayed']);

    // one Postfix-shaped log line per recipient, in the API and in relay.log
    const { lines } = await relay.api<{ lines: string[] }>('/api/v1/relay/log');
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${id}: to=<bob@rcpt\\.example>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:${server.port}, delay=\\d+\\.\\d\\d, dsn=2\\.\\d\\.\\d, status=sent \\(250 `,
        ),
      ),
    );
    const file = await readFile(join(relay.dataDir, 'relay.log'), 'utf8');
    expect(file).toContain(`${id}: to=<carol@rcpt.example>`);
  });

  it('an upstream that does not offer STARTTLS: the attempt says so (dsn=4.7.4), not the 500 its STARTTLS drew', async () => {
    // an ISP's port 25 without TLS, with security "starttls" (the default): Postfix logs
    // `dsn=4.7.4, status=deferred (TLS is required, but was not offered by host …)`
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'starttls' },
    });
    const id = await send(relay, ['bob@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    const attempt = delivery.recipients[0]?.attempts.at(-1);
    expect(attempt?.reply).toEqual({
      code: null,
      enhanced: '4.7.4',
      text: `TLS is required (security "starttls"), but 127.0.0.1:${server.port} does not offer STARTTLS`,
    });
    // what the server answered stays in the transcript
    expect(attempt?.transcript).toMatch(/C: STARTTLS\nS: 50\d /);
    const { lines } = await relay.api<{ lines: string[] }>('/api/v1/relay/log');
    expect(
      lines.find((line) => line.startsWith(`${id}: to=`))?.replace(/delay=[\d.]+/, 'delay=…'),
    ).toBe(
      `${id}: to=<bob@rcpt.example>, relay=127.0.0.1[127.0.0.1]:${server.port}, delay=…, dsn=4.7.4, status=deferred (TLS is required (security "starttls"), but 127.0.0.1:${server.port} does not offer STARTTLS)`,
    );
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason).toMatch(
      /^the server does not offer STARTTLS/,
    );
    expect(server.messages).toEqual([]);
  });

  it('an upstream where nothing listens: logged relay=none with connect to host[addr]:port: Connection refused, as Postfix does', async () => {
    // Postfix: `relay=none, delay=0.03, dsn=4.4.1, status=deferred (connect to
    // 127.0.0.1[127.0.0.1]:3230: Connection refused)`; this said relay=127.0.0.1[unknown]:3230
    const port = await unusedPort();
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    const line = await waitFor("the attempt's log line", async () =>
      (await relay.api<{ lines: string[] }>('/api/v1/relay/log')).lines.find((l) =>
        l.startsWith(`${id}: to=`),
      ),
    );
    expect(line.replace(/delay=[\d.]+/, 'delay=…')).toBe(
      `${id}: to=<bob@rcpt.example>, relay=none, delay=…, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:${port}: Connection refused)`,
    );
    // the attempt itself keeps its plain words for the Queue view and mailq
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason).toBe(
      `connection refused: nothing listens on 127.0.0.1:${port}`,
    );
  });

  it('a rejected login is logged dsn=4.7.8, status=deferred, as Postfix logs a deferral; the attempt keeps the 535 5.7.8', async () => {
    // Postfix: `dsn=4.7.8, status=deferred (SASL authentication failed; … said: 535 5.7.8 …)`;
    // this said dsn=5.7.8 beside status=deferred, which reads as a bounce in the log
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
    });
    const id = await send(relay, ['bob@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect(delivery.recipients[0]?.attempts.at(-1)?.reply).toMatchObject({
      code: 535,
      enhanced: '5.7.8',
    });
    const line = await waitFor("the attempt's log line", async () =>
      (await relay.api<{ lines: string[] }>('/api/v1/relay/log')).lines.find((l) =>
        l.startsWith(`${id}: to=`),
      ),
    );
    expect(line.replace(/delay=[\d.]+/, 'delay=…')).toBe(
      `${id}: to=<bob@rcpt.example>, relay=127.0.0.1[127.0.0.1]:${server.port}, delay=…, dsn=4.7.8, status=deferred (535 5.7.8 Authentication credentials invalid)`,
    );
    const file = await readFile(join(relay.dataDir, 'relay.log'), 'utf8');
    expect(file).toContain('dsn=4.7.8, status=deferred (535 5.7.8');
  });

  it('sends the stored bytes of small and large messages (read at once, or streamed from the file)', async () => {
    const server = await upstream();
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    const line = `${'x'.repeat(76)}\r\n`;
    const sizes = [readAtOnceBelow - 4096, readAtOnceBelow + 4096];
    for (const size of sizes) {
      const body = line.repeat(Math.ceil(size / line.length));
      // with a Date and Message-ID, as a mail library writes them: none is added on the way
      const raw = Buffer.from(
        `Date: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <${size}@sender.example>\r\n` +
          `Subject: ${size} bytes\r\n\r\n${body}`,
      );
      const id = await send(relay, ['bob@rcpt.example'], undefined, raw);
      await settled(relay, id, (d) => d.status === 'delivered');
      const stored = Buffer.from(
        await (await relay.fetch(`/api/v1/message/${id}/raw`)).arrayBuffer(),
      );
      const got = server.messages.at(-1);
      expect(got?.raw.equals(stored), `${size} bytes`).toBe(true);
      expect(stored.length > readAtOnceBelow).toBe(size > readAtOnceBelow);
    }
  });

  it('sends the stored bytes when the queue lags behind the arrivals (the oldest no longer kept in memory)', async () => {
    const server = await upstream();
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    expect((await relay.fetch('/api/v1/relay/pause', { method: 'POST' })).ok).toBe(true);
    // more than the queue keeps of recent arrivals: the first ones are read back from their files
    const count = Math.ceil((keptBytesAtMost * 1.25) / (56 * 1024));
    const line = `${'y'.repeat(76)}\r\n`;
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const body = `message ${n}\r\n${line.repeat(Math.floor((56 * 1024) / line.length))}`;
      ids.push(
        await send(
          relay,
          ['bob@rcpt.example'],
          undefined,
          Buffer.from(
            `Date: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <lag${n}@sender.example>\r\n` +
              `Subject: lag ${n}\r\n\r\n${body}`,
          ),
        ),
      );
    }
    expect((await relay.fetch('/api/v1/relay/resume', { method: 'POST' })).ok).toBe(true);
    for (const [n, id] of ids.entries()) {
      await settled(relay, id, (d) => d.status === 'delivered');
      const stored = Buffer.from(
        await (await relay.fetch(`/api/v1/message/${id}/raw`)).arrayBuffer(),
      );
      const got = server.messages.find((m) => m.raw.includes(`Subject: lag ${n}\r\n`));
      expect(got?.raw.equals(stored), `message ${n}`).toBe(true);
    }
    expect(server.messages).toHaveLength(count);
  });

  it('delivers over implicit TLS', async () => {
    const server = await upstream({ tls: 'implicit' });
    const relay = await relaydesk({
      mode: 'relay',
      relay: { ...relaySettings(server), security: 'tls' },
    });
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(server.messages[0]?.secure).toBe(true);
  });

  it('defers on 4xx, retries when due, and records both attempts', async () => {
    const server = await upstream({
      tls: 'none',
      failures: {
        rcpt: { 'bob@rcpt.example': { code: 451, text: '4.7.1 Greylisted, try again' } },
      },
    });
    const clock = manualClock();
    const relay = await relaydesk(
      { mode: 'relay', relay: relaySettings(server) },
      { now: clock.now },
    );
    const id = await send(relay, ['bob@rcpt.example']);
    const first = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect(first.status).toBe('queued');
    expect(first.recipients[0]?.attempts[0]?.reply).toEqual({
      code: 451,
      enhanced: '4.7.1',
      text: 'Greylisted, try again',
    });
    expect(first.recipients[0]?.nextAttemptAt).toBe(new Date(clock.now() + 60_000).toISOString());

    server.setFailures({});
    clock.advance(61_000);
    relay.service.kickQueue();
    const second = await settled(relay, id, (d) => d.status === 'delivered');
    expect(second.recipients[0]?.attempts.map((a) => a.reply.code)).toEqual([451, 250]);
    expect(server.messages).toHaveLength(1);
  });

  it('adds the Date and Message-ID a scanner left out, the same at every attempt, as Postfix can', async () => {
    // Gmail refuses mail without a Message-ID ("550-5.7.1 Messages missing a valid Message-ID
    // header are not accepted"), and an ISP's smart host adds none for its customers' mail
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'bob@rcpt.example': { code: 451, text: '4.7.1 Greylisted' } } },
    });
    const clock = manualClock();
    const relay = await relaydesk(
      { mode: 'relay', relay: relaySettings(server), hostname: 'relay.office.example' },
      { now: clock.now },
    );
    const scan = Buffer.from(
      'From: scanner@office.example\r\nTo: bob@rcpt.example, carol@rcpt.example\r\n' +
        'Subject: Scan 0042\r\n\r\nscanned\r\n',
    );
    const id = await send(relay, ['bob@rcpt.example', 'carol@rcpt.example'], 'scan', scan);
    await settled(relay, id, (d) => d.recipients.some((r) => r.state === 'deferred'));
    server.setFailures({});
    clock.advance(61_000);
    relay.service.kickQueue();
    const delivery = await settled(relay, id, (d) => d.status === 'delivered');
    // each attempt says what it added (the Delivery tab shows it)
    for (const recipient of delivery.recipients) {
      const added = recipient.attempts.at(-1)?.addedHeaders ?? [];
      expect(added).toHaveLength(2);
      expect(added[0]).toMatch(/^Date: \w{3}, /);
      expect(added[1]).toBe(`Message-ID: <${id}@relay.office.example>`);
    }
    expect(server.messages.map((m) => m.rcptTo)).toEqual([
      ['carol@rcpt.example'],
      ['bob@rcpt.example'],
    ]);
    const sent = server.messages.map((m) => m.raw.toString());
    for (const copy of sent) {
      expect(copy).toContain(`\r\nMessage-ID: <${id}@relay.office.example>\r\n\r\nscanned\r\n`);
      expect(copy).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\r\n/);
    }
    // one message to its receivers: the second copy is the first's
    expect(sent[1]).toBe(sent[0]);
    // the stored copy stays as it came
    const stored = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(stored).not.toMatch(/^(Date|Message-ID):/m);

    // and none is added with the setting off
    const plain = await upstream({ tls: 'none' });
    const asSent = await relaydesk({
      mode: 'relay',
      relay: relaySettings(plain),
      addMissingHeaders: false,
    });
    const otherId = await send(asSent, ['bob@rcpt.example'], 'scan', scan);
    const untouched = await settled(asSent, otherId, (d) => d.status === 'delivered');
    expect(plain.messages[0]?.raw.toString()).not.toMatch(/^(Date|Message-ID):/m);
    expect(untouched.recipients[0]?.attempts[0]?.addedHeaders).toBeUndefined();
  });

  it("reads rspamd's bare 451 4.7.1 Try again later at the end of DATA as greylisting", async () => {
    // rspamd's greylisting soft reject, through the milter into Postfix (mailcow and most rspamd
    // set-ups): retried at its time, and said so, like Postgrey's words
    const server = await upstream({
      tls: 'none',
      failures: { data: { code: 451, text: '4.7.1 Try again later' } },
    });
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    const id = await send(relay, ['bob@rcpt.example']);
    const deferred = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect(deferred.recipients[0]?.history.at(-1)?.reason).toBe(
      'greylisted at DATA (tried again at its retry time, not sooner): 451 4.7.1 Try again later',
    );

    // the same words from a busy server, with another status, are a plain temporary failure
    const busy = await upstream({
      tls: 'none',
      failures: { data: { code: 451, text: '4.3.0 Try again later' } },
    });
    const other = await relaydesk({ mode: 'relay', relay: relaySettings(busy) });
    const otherId = await send(other, ['bob@rcpt.example']);
    const plain = await settled(other, otherId, (d) => d.recipients[0]?.state === 'deferred');
    expect(plain.recipients[0]?.history.at(-1)?.reason).toBe(
      'temporary failure at DATA: 451 4.3.0 Try again later',
    );
  });

  it('reports partial delivery when one of two recipients is refused with 5xx', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'gone@rcpt.example': { code: 550, text: '5.1.1 No such user' } } },
    });
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    const id = await send(relay, ['bob@rcpt.example', 'gone@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.status !== 'queued');
    expect(delivery.status).toBe('partial');
    expect(delivery.recipients.map((r) => [r.address, r.state])).toEqual([
      ['bob@rcpt.example', 'relayed'],
      ['gone@rcpt.example', 'bounced'],
    ]);
    expect(server.messages[0]?.rcptTo).toEqual(['bob@rcpt.example']);
  });

  it('pauses the upstream when it is down, then delivers when it is back and retried', async () => {
    const port = await closedPort();
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    const id = await send(relay, ['bob@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect(delivery.recipients[0]?.attempts[0]?.reply.code).toBeNull();
    const queue = await relay.api<{ upstream: { paused: { reason: string } | null } }>(
      '/api/v1/queue',
    );
    expect(queue.upstream.paused?.reason).toMatch(/refused/i);

    // the upstream comes back on the same port; a retry by hand lifts the pause
    const server = await upstream({ tls: 'none', port });
    expect(server.port).toBe(port);
    await relay.fetch('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(
      (await relay.api<{ upstream: { paused: unknown } }>('/api/v1/queue')).upstream.paused,
    ).toBeNull();
  });

  it('while paused because the upstream is down, tries one message at a time and resumes by itself when the upstream answers', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: { host: '127.0.0.1', port, security: 'none' },
        retryMinutes: [1],
        retryThenEveryMinutes: 1,
      },
      { now: clock.now },
    );
    const first = await send(relay, ['bob@rcpt.example'], 'first');
    await settled(relay, first, (d) => d.recipients[0]?.state === 'deferred');
    const paused = await relay.api<QueueView>('/api/v1/queue');
    expect(paused.upstream.paused?.reason).toMatch(/refused/i);
    expect(paused.upstream.paused?.fix).toMatch(/tries it again every few minutes/);

    // mail that comes while paused waits: an upstream down is not tried once per message
    const second = await send(relay, ['carol@rcpt.example'], 'second');
    relay.service.kickQueue();
    await relay.service.queueIdle();
    const waiting = await relay.api<MessageDelivery>(`/api/v1/message/${second}/delivery`);
    expect(waiting.recipients[0]?.state).toBe('pending');
    expect(waiting.recipients[0]?.attempts).toHaveLength(0);

    // its retry time comes with the upstream still down: one more attempt, still paused
    clock.advance(61_000);
    relay.service.kickQueue();
    await settled(relay, first, (d) => (d.recipients[0]?.attempts.length ?? 0) === 2);
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).not.toBeNull();

    // the upstream is back: at the next retry time the attempt gets through and the pause ends
    const server = await upstream({ tls: 'none', port });
    clock.advance(61_000);
    relay.service.kickQueue();
    await settled(relay, first, (d) => d.status === 'delivered');
    await settled(relay, second, (d) => d.status === 'delivered');
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();
    expect(server.messages.flatMap((m) => m.rcptTo).sort()).toEqual([
      'bob@rcpt.example',
      'carol@rcpt.example',
    ]);
  });

  it('stays paused on a wrong password until the upstream settings change, without trying again by itself', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const clock = manualClock();
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
        retryMinutes: [1],
      },
      { now: clock.now },
    );
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    // a rejected login is not retried by the clock: each try would be one more failed login
    clock.advance(61_000);
    relay.service.kickQueue();
    await relay.service.queueIdle();
    const still = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(still.recipients[0]?.attempts).toHaveLength(1);
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason).toMatch(
      /authentication/i,
    );

    // the password put right in the settings: the pause ends and the message goes
    const res = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        relay: relaySettings(server, { auth: { user: 'relayuser', password: 'right' } }),
      }),
    });
    expect(res.status).toBe(200);
    relay.service.kickQueue();
    await settled(relay, id, (d) => d.status === 'delivered');
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();
  });

  it('sends what a wrong password deferred as soon as the settings are put right, not at its retry time', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const clock = manualClock();
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
        retryMinutes: [5],
      },
      { now: clock.now },
    );
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    const res = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        relay: relaySettings(server, { auth: { user: 'relayuser', password: 'right' } }),
      }),
    });
    expect(res.status).toBe(200);
    // the clock stands still: only the change itself can have sent it
    await settled(relay, id, (d) => d.status === 'delivered');
    const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients[0]?.attempts).toHaveLength(2);
  });

  it('with 5 connections, makes one failed login per pause, not one per connection', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relayConnections: 5,
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
    });
    // five messages waiting, so that resuming starts all five connections at once
    relay.service.pauseUpstream('to queue up five messages');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(relay, [`r${i}@rcpt.example`], `m${i}`));
    relay.service.resumeUpstream();
    const tried = async () => {
      for (const id of ids) {
        const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
        if (delivery.recipients[0]?.attempts.length !== 1) return false;
      }
      return true;
    };
    await waitFor('an attempt for each of the five messages', tried);
    await relay.service.queueIdle();
    expect(server.connections).toBeGreaterThan(1);
    expect(server.refusedLogins).toBe(1);
    const queue = await relay.api<QueueView>('/api/v1/queue');
    expect(queue.upstream.paused?.reason).toMatch(/authentication|refused these credentials/i);
    const replies = await Promise.all(
      ids.map(async (id) => {
        const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
        return delivery.recipients[0]?.attempts[0]?.reply;
      }),
    );
    // one attempt has the upstream's refusal; the others say why they did not log in
    expect(replies.filter((reply) => reply?.code === 535)).toHaveLength(1);
    const heldBack = replies.filter((reply) => reply?.code === null);
    expect(heldBack).toHaveLength(4);
    for (const reply of heldBack) {
      expect(reply?.text).toMatch(
        /^not logging in as relayuser: the upstream refused these credentials on another connection just now \(535 5\.7\.8 /,
      );
    }

    // Retry by hand ends the pause: one more login is tried, and one only
    const retried = await relay.fetch('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: ids }),
    });
    expect(retried.status).toBe(200);
    await waitFor('the paused queue again', async () => {
      const view = await relay.api<QueueView>('/api/v1/queue');
      return view.upstream.paused !== null && server.refusedLogins > 1;
    });
    await relay.service.queueIdle();
    expect(server.refusedLogins).toBe(2);
    expect(server.messages).toHaveLength(0);
  });

  it('with several connections and the right password, each connection logs in and sends', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relayConnections: 3,
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'right' } }),
    });
    relay.service.pauseUpstream('to queue up three messages');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await send(relay, [`r${i}@rcpt.example`], `m${i}`));
    relay.service.resumeUpstream();
    for (const id of ids) await settled(relay, id, (d) => d.status === 'delivered');
    expect(server.refusedLogins).toBe(0);
    expect(server.messages.map((m) => m.user)).toEqual(['relayuser', 'relayuser', 'relayuser']);
  });

  it('pauses with a clear reason on a wrong password and bounces nobody', async () => {
    const server = await upstream({ tls: 'starttls', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
    });
    const id = await send(relay, ['bob@rcpt.example', 'carol@rcpt.example']);
    const delivery = await settled(relay, id, (d) =>
      d.recipients.every((r) => r.state === 'deferred'),
    );
    expect(delivery.recipients.map((r) => r.state)).toEqual(['deferred', 'deferred']);
    const queue = await relay.api<{ upstream: { paused: { reason: string; fix: string } } }>(
      '/api/v1/queue',
    );
    expect(queue.upstream.paused.reason).toMatch(/authentication/i);
    expect(server.messages).toHaveLength(0);
  });

  it('records the TLS of an attempt whose login was refused after STARTTLS', async () => {
    const server = await upstream({ tls: 'starttls', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
    });
    const id = await send(relay, ['bob@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    const attempt = delivery.recipients[0]?.attempts[0];
    expect(attempt?.reply.text).toMatch(/authentication|535/i);
    expect(attempt?.tls?.version).toMatch(/^TLSv1\.[23]$/);
  });

  it('refuses an upstream whose certificate is for another name, with a clear reason', async () => {
    const certificate = await makeTestCertificate(['mx.other.example']);
    const server = await upstream({ tls: 'starttls', certificate });
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    const queue = await relay.api<{ upstream: { paused: { reason: string } } }>('/api/v1/queue');
    expect(queue.upstream.paused.reason).toMatch(/certificate/i);
    expect(server.messages).toHaveLength(0);
  });

  it('expires a recipient past its lifetime (injected clock)', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'bob@rcpt.example': { code: 450, text: '4.2.1 Mailbox busy' } } },
    });
    const clock = manualClock();
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: relaySettings(server),
        lifetimeHours: 1,
        retryMinutes: [30],
        retryThenEveryMinutes: 30,
      },
      { now: clock.now },
    );
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    clock.advance(31 * 60_000);
    relay.service.kickQueue();
    const delivery = await settled(relay, id, (d) => d.status !== 'queued');
    expect(delivery.status).toBe('failed');
    expect(delivery.recipients[0]?.state).toBe('expired');
    expect(delivery.recipients[0]?.attempts).toHaveLength(2);
    expect(delivery.recipients[0]?.history.at(-1)?.reason).toMatch(/lifetime of 1 h exceeded/);
  });

  it('never turns one message into two at the upstream (SMTP smuggling)', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    const smuggled = Buffer.from(
      'From: a@sender.example\r\nSubject: smuggle\r\n\r\nhello\n.\nMAIL FROM:<evil@x.example>\nRCPT TO:<victim@y.example>\nDATA\nSubject: injected\n\nx\r\n.\r\n',
    );
    const id = await send(relay, ['bob@rcpt.example'], 'smuggle', smuggled);
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]?.rcptTo).toEqual(['bob@rcpt.example']);
  });
});

describe('actions by hand', () => {
  it('holds, releases, retries, resends and deletes', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'bob@rcpt.example': { code: 550, text: '5.1.1 Unknown' } } },
    });
    const clock = manualClock();
    const relay = await relaydesk(
      { mode: 'relay', relay: relaySettings(server) },
      { now: clock.now },
    );
    const post = (path: string, body: unknown) =>
      relay.api<{ IDs: string[] }>(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const id = await send(relay, ['bob@rcpt.example']);
    const bounced = await settled(relay, id, (d) => d.status === 'failed');
    expect(bounced.recipients[0]?.state).toBe('bounced');

    // resend the bounced recipient after the upstream is fixed
    server.setFailures({});
    await post('/api/v1/queue/resend', { IDs: [id] });
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(server.messages).toHaveLength(1);

    // resend to other recipients (Mailpit's release does the same)
    const released = await relay.fetch(`/api/v1/message/${id}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ To: ['dave@rcpt.example'] }),
    });
    expect(await released.text()).toBe('ok');
    await settled(relay, id, (d) =>
      d.recipients.some((r) => r.address === 'dave@rcpt.example' && r.state === 'relayed'),
    );
    expect(server.messages[1]?.rcptTo).toEqual(['dave@rcpt.example']);

    // hold a deferred message, release it, retry it now
    server.setFailures({ rcpt: { 'erin@rcpt.example': { code: 421, text: '4.3.2 Busy' } } });
    const second = await send(relay, ['erin@rcpt.example']);
    const deferred = await settled(relay, second, (d) => d.recipients[0]?.state === 'deferred');
    // the answer says which actions would change something now
    expect(deferred.actions).toEqual(['retry', 'hold', 'cancel']);
    expect((await post('/api/v1/queue/hold', { IDs: [second] })).IDs).toEqual([second]);
    const held = await relay.api<MessageDelivery>(`/api/v1/message/${second}/delivery`);
    expect(held.status).toBe('held');
    expect(held.actions).toEqual(['release', 'cancel']);
    const queue = await relay.api<QueueView>('/api/v1/queue');
    expect(queue.messages.find((m) => m.ID === second)?.actions).toEqual(['release', 'cancel']);
    await post('/api/v1/queue/release', { IDs: [second] });
    await settled(relay, second, (d) => d.recipients[0]?.attempts.length === 2);
    server.setFailures({});
    await post('/api/v1/queue/retry', { IDs: [second] });
    const delivered = await settled(relay, second, (d) => d.status === 'delivered');
    expect(delivered.actions).toEqual([]);

    // delete stays Mailpit's DELETE /api/v1/messages
    await relay.fetch('/api/v1/messages', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    expect((await relay.fetch(`/api/v1/message/${id}/delivery`)).status).toBe(404);
  });

  it("releases a captured message through the upstream, to other addresses (Mailpit's release) or to its own recipients (MailDev's Relay)", async () => {
    // capture mode with an upstream set, as `maildev --outgoing-host`: nothing goes by itself
    const server = await upstream();
    const relay = await relaydesk({ mode: 'capture', relay: relaySettings(server) });
    const first = await send(relay, ['bob@rcpt.example'], 'captured one');
    const second = await send(relay, ['carol@rcpt.example', 'dan@rcpt.example'], 'captured two');
    expect((await relay.api<MessageDelivery>(`/api/v1/message/${first}/delivery`)).status).toBe(
      'captured',
    );

    const released = await relay.fetch(`/api/v1/message/${first}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ To: ['qa@rcpt.example'] }),
    });
    expect(await released.text()).toBe('ok');
    const sent = await settled(relay, first, (d) => d.status === 'delivered');
    expect(server.messages.map((m) => m.rcptTo)).toEqual([['qa@rcpt.example']]);
    // the captured recipient stays listed as captured beside the one it was released to
    expect(sent.recipients.map((r) => [r.address, r.state])).toEqual([
      ['bob@rcpt.example', 'captured'],
      ['qa@rcpt.example', 'relayed'],
    ]);

    // without To, a captured message goes to the recipients it was captured for
    const resent = await relay.api<{ IDs: string[] }>('/api/v1/queue/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [second] }),
    });
    expect(resent.IDs).toEqual([second]);
    const both = await settled(relay, second, (d) => d.status === 'delivered');
    expect(both.recipients.map((r) => [r.address, r.state, r.rule])).toEqual([
      ['carol@rcpt.example', 'relayed', 'released by hand (captured into inbox)'],
      ['dan@rcpt.example', 'relayed', 'released by hand (captured into inbox)'],
    ]);
    expect(server.messages[1]?.rcptTo.sort()).toEqual(['carol@rcpt.example', 'dan@rcpt.example']);
    expect(server.messages[1]?.raw.toString()).toContain('Subject: captured two');
  });

  it("answers Mailpit's release once the upstream took the message, or with its refusal", async () => {
    const server = await upstream({
      tls: 'none',
      failures: {
        rcpt: {
          'gone@rcpt.example': { code: 550, text: '5.1.1 Unknown user' },
          'busy@rcpt.example': { code: 451, text: '4.3.2 Try again later' },
        },
      },
    });
    const relay = await relaydesk({ mode: 'capture', relay: relaySettings(server) });
    const id = await send(relay, ['bob@rcpt.example'], 'captured');
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);

    expect(await client.releaseMessage(id, { To: ['qa@rcpt.example'] })).toBe('ok');
    // as with Mailpit, which relays before it answers: the receiving side has it already
    expect(server.messages.map((m) => m.rcptTo)).toEqual([['qa@rcpt.example']]);
    // released to the same address again: the answer waits for this release, not the last one
    expect(await client.releaseMessage(id, { To: ['qa@rcpt.example'] })).toBe('ok');
    expect(server.messages).toHaveLength(2);
    // with no body, to the recipients it was captured for, as a resend picks them
    const bodyless = await relay.fetch(`/api/v1/message/${id}/release`, { method: 'POST' });
    expect([bodyless.status, await bodyless.text()]).toEqual([200, 'ok']);
    expect(server.messages.map((m) => m.rcptTo)).toEqual([
      ['qa@rcpt.example'],
      ['qa@rcpt.example'],
      ['bob@rcpt.example'],
    ]);

    await expect(client.releaseMessage(id, { To: ['gone@rcpt.example'] })).rejects.toThrow(
      '400 Bad Request at POST ' +
        `http://127.0.0.1:${relay.http.port}/api/v1/message/${id}/release: ` +
        'SMTP error: gone@rcpt.example: 550 5.1.1 Unknown user (bounced)',
    );
    await expect(client.releaseMessage(id, { To: ['busy@rcpt.example'] })).rejects.toThrow(
      'SMTP error: busy@rcpt.example: 451 4.3.2 Try again later (deferred: the queue tries again at its retry time)',
    );

    // held back by a pause: said at once, not after a wait
    await relay.fetch('/api/v1/relay/pause', { method: 'POST' });
    await expect(client.releaseMessage(id, { To: ['later@rcpt.example'] })).rejects.toThrow(
      'SMTP error: relaying is paused (paused by hand); the message waits in the queue and goes when the pause ends',
    );
    expect(server.messages).toHaveLength(3);
  });

  it("answers Mailpit's release to an upstream that is down with why, and that the mail waits", async () => {
    const port = await closedPort();
    const relay = await relaydesk({
      mode: 'capture',
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    const id = await send(relay, ['bob@rcpt.example'], 'captured');
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    await expect(client.releaseMessage(id, { To: ['qa@rcpt.example'] })).rejects.toThrow(
      /SMTP error: qa@rcpt\.example: .*refused.* \(deferred: it goes when the upstream answers again\)$/,
    );
    // the failure paused relaying: the next release hears it at once
    await expect(client.releaseMessage(id, { To: ['qb@rcpt.example'] })).rejects.toThrow(
      /SMTP error: relaying is paused \(.*refused.*\); the message waits in the queue and goes when the pause ends$/,
    );
  });

  it('refuses to resend or release to what is not a whole address, and sends nothing', async () => {
    // a smart host would take RCPT TO:<bob> and deliver it to bob at its own domain
    const server = await upstream();
    const relay = await relaydesk({ mode: 'capture', relay: relaySettings(server) });
    const id = await send(relay, ['bob@rcpt.example'], 'captured');

    const released = await relay.fetch(`/api/v1/message/${id}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ To: ['qa@rcpt.example', 'bob', 'not an address'] }),
    });
    expect(released.status).toBe(400);
    expect(await released.text()).toBe(
      'To: "bob", "not an address" are not email addresses; give each recipient whole, like jane@example.com (nothing was resent)',
    );
    const resent = await relay.fetch('/api/v1/queue/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id], To: ['@@'] }),
    });
    expect(resent.status).toBe(400);
    expect(await resent.json()).toEqual({
      error:
        'To: "@@" is not an email address; give each recipient whole, like jane@example.com (nothing was resent)',
    });

    // nothing was queued: the message is captured as before, and the upstream saw no mail
    const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients.map((r) => [r.address, r.state])).toEqual([
      ['bob@rcpt.example', 'captured'],
    ]);
    await relay.service.queueIdle();
    expect(server.messages).toEqual([]);
  });

  it('answers 404 for an action on an unknown ID and 400 for resend without a relay', async () => {
    const relay = await relaydesk({});
    const res = await relay.fetch('/api/v1/queue/hold', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: ['nope'] }),
    });
    expect(res.status).toBe(404);
    const id = await send(relay, ['bob@rcpt.example']);
    const resend = await relay.fetch(`/api/v1/message/${id}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ To: ['x@rcpt.example'] }),
    });
    expect(resend.status).toBe(400);
    // Mailpit's release route answers its errors as text
    expect((await resend.text()).toLowerCase()).toBe(
      'no upstream is configured ("relay" is not set): set one in settings → upstream, or start with --relay-host host:port, then release or resend',
    );
  });
});

describe('transactions and events', () => {
  it('sends at most 50 recipients per transaction', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk({
      mode: 'relay',
      maxRecipients: 200,
      relay: relaySettings(server),
    });
    const to = Array.from({ length: 120 }, (_, i) => `r${i}@rcpt.example`);
    const id = await send(relay, to);
    await settled(relay, id, (d) => d.status === 'delivered');
    // the transactions go over two connections at once, so they may arrive in any order
    expect(server.messages.map((m) => m.rcptTo.length).sort()).toEqual([20, 50, 50]);
    expect(server.messages.flatMap((m) => m.rcptTo).sort()).toEqual([...to].sort());
  });

  it('resumes a paused upstream after a successful connection test, and says so on the WebSocket', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
    });
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`);
    const events: Array<{ Type: string; Data: Record<string, unknown> }> = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    cleanups.push(async () => {
      socket.close();
    });

    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    await expect
      .poll(() => events.some((e) => e.Type === 'upstream' && e.Data['paused'] === true))
      .toBe(true);
    // a test of the saved (still wrong) settings fails and changes nothing
    const failing = await relay.api<{ ok: boolean }>('/api/v1/relay/test', { method: 'POST' });
    expect(failing.ok).toBe(false);
    expect(
      (await relay.api<{ upstream: { paused: unknown } }>('/api/v1/queue')).upstream.paused,
    ).not.toBeNull();

    // the upstream is fixed to take the configured password: the next successful test lifts the pause
    server.setUsers({ relayuser: 'wrong' });
    const passing = await relay.api<{ ok: boolean }>('/api/v1/relay/test', { method: 'POST' });
    expect(passing.ok).toBe(true);
    await expect
      .poll(() => events.some((e) => e.Type === 'upstream' && e.Data['paused'] === false))
      .toBe(true);
    await relay.fetch('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(events).toContainEqual({ Type: 'update', Data: { ID: id, Status: 'delivered' } });
  });
});

describe('keeping relayed mail', () => {
  it('prunes it relayRetentionDays after its last recipient settled; mail with work left stays', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'later@rcpt.example': { code: 451, text: '4.7.1 Try again later' } } },
    });
    // from now: a message's arrival time is the real clock's (the listener's), as in use
    const clock = manualClock(Date.now());
    const relay = await relaydesk(
      { mode: 'relay', relay: relaySettings(server), relayRetentionDays: 2 },
      { now: clock.now },
    );
    const day = 24 * 3600 * 1000;
    const first = await send(relay, ['one@rcpt.example'], 'first');
    const waiting = await send(relay, ['later@rcpt.example'], 'waiting');
    await settled(relay, first, (d) => d.status === 'delivered');
    await settled(relay, waiting, (d) => d.recipients[0]?.state === 'deferred');
    clock.advance(day);
    const second = await send(relay, ['two@rcpt.example'], 'second');
    await settled(relay, second, (d) => d.status === 'delivered');
    const listed = async (): Promise<string[]> =>
      (await relay.api<{ messages: Array<{ ID: string }> }>('/api/v1/messages')).messages
        .map((m) => m.ID)
        .sort();

    await relay.service.applyRetention();
    expect(await listed()).toEqual([first, waiting, second].sort());

    // two and a half days after the first settled, a day and a half after the second
    clock.advance(1.5 * day);
    await relay.service.applyRetention();
    expect(await listed()).toEqual([waiting, second].sort());
    await expect(readFile(join(relay.dataDir, 'spool', `${first}.eml`))).rejects.toThrow(/ENOENT/);
    const queue = await relay.api<QueueView>('/api/v1/queue');
    expect(queue.messages.map((m) => m.ID)).toEqual([waiting]);

    clock.advance(day);
    await relay.service.applyRetention();
    expect(await listed()).toEqual([waiting]);
  });
});
