// More of the relay against real peers: Postfix's smtp-sink, DSNs, the connection test,
// the connection limit, and a kill -9 in the middle of a delivery.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, MessageDetail, QueueView } from '../../preload/api-contract.js';
import { mailqTime } from '../../main/cli/mailq-listing.js';
import { settled } from '../helpers/delivery.js';
import { runCli, tryConnect } from '../helpers/cli-process.js';
import { letTimePass, waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { unusedPort as freePort } from '../helpers/ports.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(settings: Record<string, unknown>): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings);
  cleanups.push(() => relay.dispose());
  return relay;
}

async function upstream(
  options: Parameters<typeof startUpstreamServer>[0] = {},
): Promise<RunningUpstream> {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function sendTo(relay: TestRelaydesk, to: string[], subject = 'x'): Promise<string> {
  const info = await relay
    .transport()
    .sendMail({ from: 'app@sender.example', to, subject, text: subject });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const smtpSink = requireTool(tools.smtpSink);

describe.skipIf(!smtpSink)("Postfix's smtp-sink as the upstream", () => {
  it('takes the relayed message', async () => {
    const port = await freePort();
    // smtp-sink refuses to run as root unless told whom to become
    const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const sink = spawn(smtpSink as string, [...asUser, '-c', `127.0.0.1:${port}`, '10'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      sink.kill('SIGKILL');
    });
    await waitFor('smtp-sink to listen', async () => (await tryConnect(port)) === 'connected');
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    const id = await sendTo(relay, ['bob@rcpt.example', 'carol@rcpt.example']);
    const delivery = await settled(relay, id, (d) => d.status === 'delivered');
    expect(delivery.recipients.every((r) => r.attempts[0]?.reply.code === 250)).toBe(true);
  });
});

describe('delivery status notifications', () => {
  it('are off by default', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'gone@rcpt.example': { code: 550, text: '5.1.1 No such user' } } },
    });
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const id = await sendTo(relay, ['gone@rcpt.example']);
    await settled(relay, id, (d) => d.status === 'failed');
    expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBe(1);
  });

  it('when on, report a bounce to the sender and are captured locally', async () => {
    const refusal = '5.1.1 <gone@rcpt.example>: Recipient address rejected: User unknown';
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'gone@rcpt.example': { code: 550, text: refusal } } },
    });
    const relay = await relaydesk({
      mode: 'relay',
      dsn: true,
      hostname: 'relay.test',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const id = await sendTo(relay, ['gone@rcpt.example'], 'doomed');
    await settled(relay, id, (d) => d.status === 'failed');
    type Found = { messages: Array<{ ID: string; Subject: string; Mailbox: string }> };
    // the report is written after the bounce is recorded
    let found: Found = { messages: [] };
    await expect
      .poll(
        async () =>
          (found = await relay.api<Found>('/api/v1/search?query=mailbox:dsn')).messages.length,
      )
      .toBe(1);
    expect(found.messages[0]?.Subject).toBe('Undelivered Mail Returned to Sender');
    const raw = await (await relay.fetch(`/api/v1/message/${found.messages[0]?.ID}/raw`)).text();
    expect(raw).toContain('Content-Type: multipart/report; report-type=delivery-status');
    expect(raw).toContain('Final-Recipient: rfc822; gone@rcpt.example');
    expect(raw).toContain('Status: 5.1.1');
    expect(raw).toContain(`Diagnostic-Code: smtp; 550 ${refusal}\r\n`);
    expect(raw).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@relay\.test>\r\n/m);
    expect(raw).toContain('Subject: doomed');
    // stamped as Postfix stamps its own reports, with no client: written here, not received
    const reportId = found.messages[0]?.ID as string;
    expect(raw).toMatch(
      new RegExp(
        `^Received: by relay\\.test \\(Relaydesk\\)\r\n\tid ${reportId}\r\n\tfor <app@sender\\.example>; \\w{3}, `,
      ),
    );
    const detail = await relay.api<MessageDetail>(`/api/v1/message/${reportId}`);
    expect(detail.Envelope.origin).toBe('relaydesk');
    // the original came over SMTP: no origin
    expect((await relay.api<MessageDetail>(`/api/v1/message/${id}`)).Envelope.origin).toBe(
      undefined,
    );
    // sent to the original sender from the null sender
    await expect.poll(() => server.messages.length, { timeout: 10_000 }).toBe(1);
    expect(server.messages[0]?.mailFrom).toBe('');
    expect(server.messages[0]?.rcptTo).toEqual(['app@sender.example']);
    expect(server.messages[0]?.raw.toString()).toMatch(/^Received: by relay\.test \(Relaydesk\)/);
  });
});

describe('a bounce report the upstream refuses', () => {
  it('gets no report about it: one report, addressed to the sender, and a log line', async () => {
    // an upstream that refuses every MAIL FROM: the message fails, then its report does
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 550, text: '5.7.1 Sender refused' } },
    });
    const lines: string[] = [];
    const relay = await startTestRelaydesk(
      {
        mode: 'relay',
        dsn: true,
        hostname: 'relay.test',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      },
      undefined,
      { log: (line) => lines.push(line) },
    );
    cleanups.push(() => relay.dispose());
    const id = await sendTo(relay, ['anna@rcpt.example'], 'doomed');
    await settled(relay, id, (d) => d.status === 'failed');
    type Found = { messages: Array<{ ID: string; To: Array<{ Address: string }> }> };
    const report = await waitFor('the bounce report', async () => {
      const found = await relay.api<Found>('/api/v1/search?query=mailbox:dsn');
      return found.messages[0];
    });
    await settled(relay, report.ID, (d) => d.status === 'failed');
    await waitFor('the line that no report is made about the report', () =>
      lines.some((line) => line.includes(`${report.ID}: a bounce report could not be delivered`)),
    );
    const found = await relay.api<Found>('/api/v1/search?query=mailbox:dsn');
    expect(found.messages.map((m) => m.To.map((to) => to.Address))).toEqual([
      ['app@sender.example'],
    ]);
  });
});

describe('delivery status notifications from a machine with a short name', () => {
  it('come from MAILER-DAEMON at a fully qualified name, as Postfix appends .localdomain', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'gone@rcpt.example': { code: 550, text: '5.1.1 No such user' } } },
    });
    const relay = await relaydesk({
      mode: 'relay',
      dsn: true,
      hostname: 'relaybox',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const id = await sendTo(relay, ['gone@rcpt.example'], 'doomed');
    await settled(relay, id, (d) => d.status === 'failed');
    await expect.poll(() => server.messages.length, { timeout: 10_000 }).toBe(1);
    const report = server.messages[0]?.raw.toString('utf8') ?? '';
    expect(report).toMatch(
      /^From: Mail Delivery System <MAILER-DAEMON@relaybox\.localdomain>\r\n/m,
    );
    expect(report).toContain('Reporting-MTA: dns; relaybox.localdomain\r\n');
  });
});

describe('POST /api/v1/relay/test', () => {
  it('reports each step of a good upstream and sends no mail', async () => {
    const server = await upstream({ tls: 'starttls', users: { u: 'p' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: {
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        caFile: server.certificate?.caFile,
        auth: { user: 'u', password: 'p' },
      },
    });
    const result = await relay.api<{ ok: boolean; steps: Array<{ step: string; ok: boolean }> }>(
      '/api/v1/relay/test',
      {
        method: 'POST',
      },
    );
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(['connect', 'greeting', 'ehlo', 'starttls', 'certificate', 'auth']),
    );
    expect(server.messages).toHaveLength(0);
  });

  it('explains the fix when STARTTLS is chosen for an implicit-TLS port', async () => {
    const server = await upstream({ tls: 'implicit' });
    const relay = await relaydesk({});
    const result = await relay.api<{
      ok: boolean;
      steps: Array<{ ok: boolean; detail: string; fix?: string }>;
    }>('/api/v1/relay/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        caFile: server.certificate?.caFile,
      }),
    });
    expect(result.ok).toBe(false);
    const failed = result.steps.find((s) => !s.ok);
    expect(`${failed?.detail} ${failed?.fix}`).toMatch(/implicit TLS/i);
  });

  it('tests a candidate that names only what it changes against the saved upstream', async () => {
    const saved = await upstream({ tls: 'starttls', users: { u: 'p' } });
    // the same server on another port, as 587 and 2525 of one smart host are
    const other = await upstream({
      tls: 'starttls',
      users: { u: 'p' },
      certificate: saved.certificate ?? undefined,
    });
    const relay = await relaydesk({
      mode: 'relay',
      relay: {
        host: '127.0.0.1',
        port: saved.port,
        security: 'starttls',
        caFile: saved.certificate?.caFile,
        auth: { user: 'u', password: 'p' },
      },
    });
    // before: 400 "relay.host is missing", as if the whole upstream had to be given again
    const result = await relay.api<{ ok: boolean; steps: Array<{ step: string; ok: boolean }> }>(
      '/api/v1/relay/test',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ port: other.port }),
      },
    );
    expect(result.ok).toBe(true);
    // with the saved CA and login, at the port it names
    expect(result.steps.find((s) => s.step === 'auth')?.ok).toBe(true);
    expect(other.connections).toBeGreaterThan(0);
  });

  it('answers 400 naming the field for bad candidate settings', async () => {
    const relay = await relaydesk({});
    const res = await relay.fetch('/api/v1/relay/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'smtp.example.com', port: 99999 }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/^relay\.port: 99999 /);
  });
});

describe('the connection limit', () => {
  it('never opens more than relayConnections connections to the upstream at once', async () => {
    let open = 0;
    let most = 0;
    const slow = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect(_session, callback) {
        open++;
        most = Math.max(most, open);
        callback();
      },
      onClose() {
        open--;
      },
      onData(stream, _session, callback) {
        stream.resume();
        // a slow upstream is the behaviour under test: replies that take real time make the
        // deliveries overlap, which is what the connection limit has to hold back
        stream.on('end', () => void letTimePass(150).then(() => callback()));
      },
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => slow.close(() => resolve())));
    const port = (slow.server.address() as { port: number }).port;
    const relay = await relaydesk({
      mode: 'relay',
      relayConnections: 2,
      relay: { host: '127.0.0.1', port, security: 'none' },
    });
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => sendTo(relay, [`r${i}@rcpt.example`])),
    );
    for (const id of ids) await settled(relay, id, (d) => d.status === 'delivered');
    expect(most).toBe(2);
  });
});

describe('kill -9 during delivery', () => {
  it('sends the message again after a restart: at least once, never lost', async () => {
    const port = await freePort();
    // an upstream that takes the DATA of the first attempt but never answers it
    let stall = true;
    let stalled: () => void = () => undefined;
    const dataStalled = new Promise<void>((resolve) => (stalled = resolve));
    const received: string[] = [];
    const upstreamServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          if (stall) return stalled();
          received.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => upstreamServer.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => upstreamServer.close(() => resolve())));

    const dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, 'settings.json');
    await writeFile(
      config,
      JSON.stringify({ mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' } }),
    );
    const cli = join(import.meta.dirname, '../../bin/relaydesk.js');
    const children: ChildProcess[] = [];
    cleanups.push(() => children.forEach((c) => c.kill('SIGKILL')));
    const serve = async (): Promise<{ child: ChildProcess; smtp: number; http: number }> => {
      const child = spawn(
        process.execPath,
        [
          cli,
          'serve',
          '--config',
          config,
          '--data',
          dataDir,
          '--smtp',
          '127.0.0.1:0',
          '--http',
          '127.0.0.1:0',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      const ready = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += String(d);
          if (out.includes('Relaydesk is ready')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const smtp = Number(/SMTP on [^\s]+:(\d+)/.exec(ready)?.[1]);
      const http = Number(/UI and API on http:\/\/[^:]+:(\d+)/.exec(ready)?.[1]);
      return { child, smtp, http };
    };

    const first = await serve();
    const nodemailer = (await import('nodemailer')).default;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: first.smtp,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: 'a@sender.example',
      to: 'bob@rcpt.example',
      subject: 'in flight',
      text: 'x',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    // the upstream has the whole DATA: the relay is in the middle of sending it, and its
    // "sending" state was on disk before the connection was opened
    await dataStalled;
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    stall = false;
    const second = await serve();
    await expect
      .poll(
        async () => {
          const res = await fetch(`http://127.0.0.1:${second.http}/api/v1/message/${id}/delivery`);
          return ((await res.json()) as MessageDelivery).status;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe('delivered');
    expect(received).toEqual(['bob@rcpt.example']);
    const delivery = (await (
      await fetch(`http://127.0.0.1:${second.http}/api/v1/message/${id}/delivery`)
    ).json()) as MessageDelivery;
    expect(delivery.recipients[0]?.history.map((h) => h.state)).toEqual([
      'pending',
      'sending',
      'pending',
      'sending',
      'relayed',
    ]);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});

describe('provider presets', () => {
  it('lists the presets with host, port, security and notes', async () => {
    const relay = await relaydesk({});
    const presets = await relay.api<
      Array<{ id: string; host: string; port: number; security: string; notes: string[] }>
    >('/api/v1/relay/presets?sesRegion=eu-west-1');
    expect(presets.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'amazon-ses',
        'sendgrid',
        'postmark',
        'mailgun-us',
        'mailgun-eu',
        'gmail',
        'microsoft-365',
        'generic-isp',
      ]),
    );
    expect(presets.find((p) => p.id === 'amazon-ses')?.host).toBe(
      'email-smtp.eu-west-1.amazonaws.com',
    );
    expect(presets.find((p) => p.id === 'sendgrid')).toMatchObject({
      port: 587,
      security: 'starttls',
    });
  });
});

describe('the rate limit', () => {
  /** A relay allowed one message a minute to a live upstream, on a clock the test moves. */
  const limitedToOneAMinute = async () => {
    const server = await upstream({ tls: 'none' });
    const clock = { now: Date.parse('2026-11-28T10:00:00Z') };
    const relay = await startTestRelaydesk(
      {
        mode: 'relay',
        rateLimit: { perMinute: 1 },
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      },
      undefined,
      { now: () => clock.now },
    );
    cleanups.push(() => relay.dispose());
    return { server, relay, clock };
  };

  it('holds further messages until the window has room (injected clock)', async () => {
    const { server, relay, clock } = await limitedToOneAMinute();
    const first = await sendTo(relay, ['a@rcpt.example']);
    await settled(relay, first, (d) => d.status === 'delivered');
    const second = await sendTo(relay, ['b@rcpt.example']);
    await relay.service.queueIdle();
    expect(
      (await relay.api<MessageDelivery>(`/api/v1/message/${second}/delivery`)).recipients[0]?.state,
    ).toBe('pending');
    expect(server.messages).toHaveLength(1);
    clock.now += 61_000;
    relay.service.kickQueue();
    await settled(relay, second, (d) => d.status === 'delivered');
    expect(server.messages).toHaveLength(2);
  });

  it('says, in the queue listing and relaydesk queue, that it holds back due mail and when the next goes', async () => {
    const { relay, clock } = await limitedToOneAMinute();
    const first = await sendTo(relay, ['a@rcpt.example']);
    await settled(relay, first, (d) => d.status === 'delivered');
    const queue = () => relay.api<QueueView>('/api/v1/queue');
    // nothing waits: the spent minute holds nothing back
    expect((await queue()).rateLimited).toBeNull();

    clock.now += 20_000;
    const second = await sendTo(relay, ['b@rcpt.example']);
    await relay.service.queueIdle();
    const held = await queue();
    expect(held.rateLimited).toEqual({
      limit: 1,
      per: 'minute',
      until: '2026-11-28T10:01:00.000Z',
    });
    expect(held.messages.map((m) => [m.ID, m.recipients[0]?.state])).toEqual([[second, 'pending']]);
    const listing = await runCli(['queue', '--http', relay.url]);
    expect(listing.stdout).toContain(
      `The rate limit of 1 message a minute (Settings → Upstream, --rate-limit) holds back what is due: the next message goes at ${mailqTime('2026-11-28T10:01:00.000Z')}\n`,
    );
    expect(listing.stdout).toMatch(/b@rcpt\.example {2}pending, waits for the rate limit\n/);
    // the message's own delivery says it; a delivered one waits for nothing
    const delivery = (id: string) => relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect((await delivery(second)).rateLimited).toEqual(held.rateLimited);
    expect((await delivery(first)).rateLimited).toBeNull();

    // held by hand, it waits for no limit
    await relay.api('/api/v1/queue/hold', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [second] }),
    });
    expect((await queue()).rateLimited).toBeNull();
    expect((await delivery(second)).rateLimited).toBeNull();
  });
});
