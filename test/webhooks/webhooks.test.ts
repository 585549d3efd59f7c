// Webhooks against a real local HTTP server: Mailpit's payload for each new message, a signed
// body, retries after failures, a timeout, delivery-state webhooks, and the delivery log. The
// receiver can hang or fail without holding up SMTP.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../preload/api-contract.js';
import { WebhookSender, type WebhookDelivery } from '../../main/core/webhooks/index.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';
import { unusedPort } from '../helpers/ports.js';

interface Hook {
  headers: IncomingMessage['headers'];
  body: string;
}

interface Receiver {
  url: string;
  hooks: Hook[];
  /** Decides the answer to each request; `null` leaves it hanging. */
  answer: (hook: Hook, index: number) => number | null;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
let relay: TestRelaydesk | undefined;
const { upstream } = upstreamsPerTest();
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function startReceiver(): Promise<Receiver> {
  const hanging: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    hooks: [],
    answer: () => 200,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = { headers: req.headers, body: Buffer.concat(chunks).toString() };
      receiver.hooks.push(hook);
      const status = receiver.answer(hook, receiver.hooks.length - 1);
      if (status === null) hanging.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receivers.push(receiver);
  return receiver;
}

async function send(subject: string, to = 'bob@rcpt.example'): Promise<string> {
  const info = await (relay as TestRelaydesk)
    .transport()
    .sendMail({ from: 'app@sender.example', to, subject, text: subject });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

async function deliveries(): Promise<WebhookDelivery[]> {
  return (await (relay as TestRelaydesk).api<{ Deliveries: WebhookDelivery[] }>('/api/v1/webhooks'))
    .Deliveries;
}

/**
 * A relay with a webhook receiver whose upstream greylists `later` (451), and a WebSocket client
 * that keeps the relay's `update` events.
 */
async function greylistingRelay(settings: Record<string, unknown> = {}) {
  const receiver = await startReceiver();
  const later = 'later@rcpt.example';
  const server = await upstream({
    tls: 'none',
    failures: { rcpt: { [later]: { code: 451, text: '4.7.1 Greylisted, try again later' } } },
  });
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    webhookUrls: [receiver.url],
    ...settings,
  });
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`);
  const updates: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as { Type: string; Data: Record<string, unknown> };
    if (event.Type === 'update') updates.push(event.Data);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  return { receiver, later, updates, socket };
}

describe('webhooks', () => {
  it('POSTs the Mailpit message summary of each new message to every URL, signed', async () => {
    const one = await startReceiver();
    const two = await startReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-hook-'));
    const secretFile = join(dir, 'secret');
    await writeFile(secretFile, 'hook-s3cret-value\n');
    const lines: string[] = [];
    try {
      relay = await startTestRelaydesk({
        webhookUrls: [one.url, two.url],
        webhookSecretFile: secretFile,
      });
      relay.service.on('log', (line) => lines.push(line));
      const id = await send('Hello hooks', 'jane+signup@rcpt.example');
      await expect.poll(() => one.hooks.length + two.hooks.length).toBe(2);
      for (const receiver of [one, two]) {
        const hook = receiver.hooks[0] as Hook;
        const summary = JSON.parse(hook.body) as MessageSummary;
        expect(summary).toMatchObject({
          ID: id,
          Subject: 'Hello hooks',
          From: { Name: '', Address: 'app@sender.example' },
          To: [{ Name: '', Address: 'jane+signup@rcpt.example' }],
          Tags: ['signup'],
          Read: false,
        });
        expect(Object.keys(summary)).toEqual(
          expect.arrayContaining([
            'MessageID',
            'Created',
            'Size',
            'Attachments',
            'Snippet',
            'Username',
          ]),
        );
        expect(hook.headers['content-type']).toBe('application/json');
        expect(hook.headers['x-relaydesk-event']).toBe('new');
        expect(hook.headers['user-agent']).toMatch(/^Relaydesk\//);
        const expected = `sha256=${createHmac('sha256', 'hook-s3cret-value').update(hook.body).digest('hex')}`;
        expect(hook.headers['x-relaydesk-signature-256']).toBe(expected);
      }
      await expect
        .poll(async () => (await deliveries()).map((d) => d.State))
        .toEqual(['delivered', 'delivered']);
      const log = await relay.api<{ URLs: string[] }>('/api/v1/webhooks');
      expect(log.URLs).toEqual([one.url, two.url]);
      expect(JSON.stringify(log) + lines.join('\n')).not.toContain('hook-s3cret-value');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sends the instance's label as Mailpit's Mailpit-Label header, and none without one", async () => {
    const receiver = await startReceiver();
    relay = await startTestRelaydesk({ webhookUrls: [receiver.url], label: 'staging' });
    await send('labelled');
    await expect.poll(() => receiver.hooks.length).toBe(1);
    expect(receiver.hooks[0]?.headers['mailpit-label']).toBe('staging');
    const cleared = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: '' }),
    });
    expect(cleared.status).toBe(200);
    await send('unlabelled');
    await expect.poll(() => receiver.hooks.length).toBe(2);
    expect(receiver.hooks[1]?.headers).not.toHaveProperty('mailpit-label');
  });

  it('retries a failing receiver until it answers 2xx, and logs each delivery', async () => {
    const receiver = await startReceiver();
    receiver.answer = (_hook, index) => (index < 2 ? 503 : 204);
    relay = await startTestRelaydesk({
      webhookUrls: [receiver.url],
      webhookRetries: 3,
      webhookRetryDelayMs: 20,
    });
    const id = await send('Retry me');
    await expect.poll(async () => (await deliveries())[0]?.State).toBe('delivered');
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ Event: 'new', MessageID: id, Attempts: 3, Status: 204 });
    // the same delivery ID on every retry, so a receiver can drop duplicates
    expect(new Set(receiver.hooks.map((h) => h.headers['x-relaydesk-delivery'])).size).toBe(1);
  });

  it('gives up after the retries with the reason, and a hanging receiver times out', async () => {
    const failing = await startReceiver();
    failing.answer = () => 500;
    const hanging = await startReceiver();
    hanging.answer = () => null;
    const nowhere = `http://127.0.0.1:${await unusedPort()}/hook`;
    relay = await startTestRelaydesk({
      webhookUrls: [failing.url, hanging.url, nowhere],
      webhookRetries: 1,
      webhookRetryDelayMs: 20,
      webhookTimeoutMs: 300,
    });
    // receiving never waits for webhooks: three messages are stored while the hook hangs
    const ids: string[] = [];
    for (const subject of ['a', 'b', 'c']) ids.push(await send(subject));
    expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBe(3);
    await expect
      .poll(async () => (await deliveries()).filter((d) => d.State === 'failed').length, {
        timeout: 10_000,
      })
      .toBe(9);
    // each says whose side failed and what to change, not only "HTTP 500" or ECONNREFUSED
    const all = await deliveries();
    expect(all.find((d) => d.URL === failing.url)).toMatchObject({
      Attempts: 2,
      Status: 500,
      Error: 'the receiver failed on its side; its own log says why',
    });
    expect(all.find((d) => d.URL === hanging.url)).toMatchObject({
      Attempts: 2,
      Status: null,
      Error:
        'no answer within 300 ms; the receiver is slow or stuck: have it answer at once and work afterwards, or raise --webhook-timeout-ms ("webhookTimeoutMs" in the settings)',
    });
    const { host } = new URL(nowhere);
    expect(all.find((d) => d.URL === nowhere)).toMatchObject({
      Attempts: 2,
      Status: null,
      Error: `nothing listens at ${host} (ECONNREFUSED); start the receiver, or correct --webhook-url ("webhookUrls" in the settings)`,
    });
    // the log line has the answer's status before the words
    const { lines } = await relay.api<{ lines: string[] }>('/api/v1/service/log');
    expect(lines).toContain(
      `webhook: new ${ids[0]} to ${failing.url} failed after 2 attempt(s): HTTP 500: the receiver failed on its side; its own log says why`,
    );
  });

  it('POSTs delivery state changes of relayed mail', async () => {
    const receiver = await startReceiver();
    const server = await upstream({ tls: 'none' });
    relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      webhookUrls: [receiver.url],
    });
    const id = await send('Relayed with hooks');
    await expect
      .poll(() =>
        receiver.hooks
          .filter((h) => h.headers['x-relaydesk-event'] === 'delivery')
          .map((h) => (JSON.parse(h.body) as { Status: string }).Status),
      )
      .toContain('delivered');
    const hook = receiver.hooks.find(
      (h) => h.headers['x-relaydesk-event'] === 'delivery' && h.body.includes('"delivered"'),
    ) as Hook;
    expect(JSON.parse(hook.body)).toMatchObject({
      ID: id,
      Subject: 'Relayed with hooks',
      Status: 'delivered',
      Recipients: [{ Address: 'bob@rcpt.example', State: 'relayed', Attempts: 1 }],
    });
  });

  it('tells of an attempt that begins, or defers again, as an update with Attempts and Sending, and posts no delivery webhook for it', async () => {
    const { receiver, later, updates, socket } = await greylistingRelay();
    try {
      const id = await send('Greylisted with hooks', later);
      const attempts = async () =>
        (
          await (relay as TestRelaydesk).api<{
            recipients: Array<{ state: string; attempts: unknown[] }>;
          }>(`/api/v1/message/${id}/delivery`)
        ).recipients[0];
      await expect.poll(async () => (await attempts())?.state).toBe('deferred');
      const attemptUpdates = () =>
        updates.filter((u) => u['ID'] === id && u['Attempts'] !== undefined);
      // queued before it, queued (deferred) after it
      await expect.poll(attemptUpdates).toEqual([
        { ID: id, Attempts: 0, Sending: 1 },
        { ID: id, Attempts: 1, Sending: 0 },
      ]);
      const hooksBefore = receiver.hooks.length;

      // retried from elsewhere (relaydesk queue retry): greylisted again, still queued
      await (relay as TestRelaydesk).api('/api/v1/queue/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id] }),
      });
      await expect.poll(async () => (await attempts())?.attempts.length).toBe(2);
      await expect.poll(attemptUpdates).toEqual([
        { ID: id, Attempts: 0, Sending: 1 },
        { ID: id, Attempts: 1, Sending: 0 },
        // the retry: due now
        { ID: id, Attempts: 1, Sending: 0 },
        { ID: id, Attempts: 1, Sending: 1 },
        { ID: id, Attempts: 2, Sending: 0 },
      ]);
      // the status did not change: a webhook receiver hears nothing of it (nor of the retry)
      expect(receiver.hooks.slice(hooksBefore)).toEqual([]);
      expect((await deliveries()).length).toBe(hooksBefore);
    } finally {
      socket.close();
    }
  });

  it('tells of a retry by hand that waits for the rate limit (no attempt follows yet), and posts no delivery webhook for it', async () => {
    const { receiver, later, updates, socket } = await greylistingRelay({
      rateLimit: { perSecond: 0, perMinute: 1, perHour: 0, perDay: 0 },
    });
    try {
      const id = await send('Retried under a rate limit', later);
      const recipient = async () =>
        (
          await (relay as TestRelaydesk).api<{
            recipients: Array<{ state: string; nextAttemptAt: string | null; attempts: unknown[] }>;
          }>(`/api/v1/message/${id}/delivery`)
        ).recipients[0];
      await expect.poll(async () => (await recipient())?.state).toBe('deferred');
      const mine = () => updates.filter((u) => u['ID'] === id);
      await expect.poll(() => mine().length).toBe(2);
      const firstTry = (await recipient())?.nextAttemptAt;
      const hooksBefore = receiver.hooks.length;

      // retried from elsewhere (relaydesk queue retry): due now, but the minute's one message
      // is spent, so no attempt begins to tell of it
      await (relay as TestRelaydesk).api('/api/v1/queue/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id] }),
      });
      await expect.poll(async () => (await recipient())?.nextAttemptAt).not.toBe(firstTry);
      await expect.poll(() => mine().length).toBeGreaterThan(2);
      expect(mine().slice(2)).toContainEqual({ ID: id, Attempts: 1, Sending: 0 });
      expect((await recipient())?.attempts.length).toBe(1);
      expect(receiver.hooks.slice(hooksBefore)).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('takes webhook URLs saved in Settings at once, and drops retries to a URL taken out', async () => {
    relay = await startTestRelaydesk({});
    const save = (change: Record<string, unknown>) =>
      (relay as TestRelaydesk).fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });
    await send('Before any URL');
    const failing = await startReceiver();
    failing.answer = () => 503;
    // the first URL starts webhooks, without a restart
    expect(
      (await save({ webhookUrls: [failing.url], webhookRetries: 5, webhookRetryDelayMs: 60_000 }))
        .status,
    ).toBe(200);
    const retried = await send('To a failing receiver');
    await expect.poll(async () => (await deliveries())[0]?.State).toBe('retrying');
    // the failing URL replaced: its retry, a minute away, is dropped now and said so; the new
    // URL gets the next message
    const good = await startReceiver();
    expect((await save({ webhookUrls: [good.url] })).status).toBe(200);
    const id = await send('To the new receiver');
    await expect.poll(() => good.hooks.length).toBe(1);
    expect(JSON.parse(good.hooks[0]?.body ?? '{}')).toMatchObject({ ID: id });
    const log = await deliveries();
    expect(log.find((d) => d.MessageID === retried)).toMatchObject({
      State: 'dropped',
      Attempts: 1,
      Error: 'not sent: its URL was taken out of the webhook URLs in the settings',
    });
    expect(log.filter((d) => d.MessageID === id)).toMatchObject([{ State: 'delivered' }]);
    expect(failing.hooks).toHaveLength(1);
    expect(
      (await (relay as TestRelaydesk).api<{ URLs: string[] }>('/api/v1/webhooks')).URLs,
    ).toEqual([good.url]);
    // a secret file saved later signs the next webhook; one that cannot be read changes nothing
    const folder = await mkdtemp(join(tmpdir(), 'relaydesk-hook-secret-'));
    await writeFile(join(folder, 'secret'), 's3cret\n');
    expect((await save({ webhookSecretFile: join(folder, 'secret') })).status).toBe(200);
    await send('Signed now');
    await expect.poll(() => good.hooks.length).toBe(2);
    const signed = good.hooks[1] as Hook;
    expect(signed.headers['x-relaydesk-signature-256']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(signed.body).digest('hex')}`,
    );
    expect((await save({ webhookSecretFile: join(folder, 'gone') })).status).toBe(200);
    await send('Still signed');
    await expect.poll(() => good.hooks.length).toBe(3);
    expect(good.hooks[2]?.headers['x-relaydesk-signature-256']).toMatch(/^sha256=/);
    await rm(folder, { recursive: true });
  });

  it('keeps its queue bounded: beyond the limit the oldest waiting webhook is dropped', async () => {
    const hanging = await startReceiver();
    hanging.answer = () => null;
    const lines: string[] = [];
    const sender = new WebhookSender({
      urls: [hanging.url],
      secret: null,
      timeoutMs: 30_000,
      retries: 0,
      retryDelayMs: 10,
      userAgent: 'test',
      log: (line) => lines.push(line),
      maxQueued: 2,
      concurrency: 1,
    });
    try {
      for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) sender.enqueue('new', id, { ID: id });
      await expect.poll(() => hanging.hooks.length).toBe(1);
      const states = Object.fromEntries(sender.deliveries().map((d) => [d.MessageID, d.State]));
      expect(states).toEqual({
        m1: 'pending',
        m2: 'dropped',
        m3: 'dropped',
        m4: 'pending',
        m5: 'pending',
      });
      expect(lines.filter((l) => /dropped.*queue was full/.test(l))).toHaveLength(2);
    } finally {
      sender.stop();
    }
  });

  it('refuses a webhook URL that is not http(s), naming the flag value', async () => {
    await expect(startTestRelaydesk({ webhookUrls: ['ftp://example.com/x'] })).rejects.toThrow(
      /"webhookUrls" in the settings file: \["ftp:\/\/example.com\/x"\] is not valid; use http\(s\) URLs/,
    );
  });
});
