// Suspensions that overlap or arrive late, over real SMTP sessions and a real upstream: lifting
// one suspension with release must not send mail another one still covers, a sender suspended
// while its message is on the wire gets the MAIL refusal at end of DATA (nothing is queued), and
// the Send API answers a suspended sender as a caller's mistake, not an internal error.
import { afterEach, describe, expect, it } from 'vitest';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(settings: Record<string, unknown> = {}): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings);
  cleanups.push(() => relay.dispose());
  return relay;
}

async function suspend(
  relay: TestRelaydesk,
  body: Record<string, unknown>,
): Promise<SuspensionEntry & { Held: string[] }> {
  const res = await relay.fetch('/api/v1/suspensions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as SuspensionEntry & { Held: string[] };
}

/** A relay whose upstream defers every message (451 at MAIL), with one newsletter waiting. */
async function deferredNewsletter(subject: string) {
  const server = await upstream({
    tls: 'none',
    failures: { mail: { code: 451, text: '4.3.0 busy' } },
  });
  const relay = await relaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: server.port, security: 'none' },
  });
  const info = await relay.transport().sendMail({
    from: 'newsletter@shop.example',
    to: 'customer@example.com',
    subject,
    text: 'hi',
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
  return { server, relay, id };
}

describe('overlapping and late suspensions', () => {
  it('keeps mail held while another suspension still covers it; the last release sends it', async () => {
    const { server, relay, id } = await deferredNewsletter('queued before both suspensions');
    const sender = await suspend(relay, {
      Kind: 'sender',
      Value: '*@shop.example',
      Reason: 'complaints',
    });
    expect(sender.Held).toEqual([id]);
    const network = await suspend(relay, {
      Kind: 'cidr',
      Value: '127.0.0.0/8',
      Reason: 'infected lab',
    });
    server.setFailures({});

    const env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const first = await runCli(['unsuspend', sender.ID, '--release'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe(
      'sender *@shop.example is no longer suspended; 0 held message(s) released; 1 stay held: another suspension still covers them (see `relaydesk suspensions`)\n',
    );
    const stillHeld = await relay.api<{ Recipients: Array<{ State: string }> }>(
      `/api/v1/message/${id}/filter`,
    );
    expect(stillHeld.Recipients).toEqual([expect.objectContaining({ State: 'held' })]);

    const last = await relay.api<{ Released: string[]; StillHeld: string[] }>(
      `/api/v1/suspensions/${network.ID}?release=true`,
      { method: 'DELETE' },
    );
    expect(last).toMatchObject({ Released: [id], StillHeld: [] });
    await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(server.messages).toHaveLength(1);
  });

  it('names what holds the mail now once one of two suspensions is lifted: the queue, the API and relaydesk queue', async () => {
    const { server, relay, id } = await deferredNewsletter('held by two suspensions');
    const sender = await suspend(relay, {
      Kind: 'sender',
      Value: '*@shop.example',
      Reason: 'complaints',
    });
    const network = await suspend(relay, {
      Kind: 'cidr',
      Value: '127.0.0.0/8',
      Reason: 'infected lab',
    });
    const env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const why = async () => {
      const queue = await relay.api<{
        messages: Array<{ ID: string; recipients: Array<{ state: string; why: string }> }>;
      }>('/api/v1/queue');
      const decisions = await relay.api<{ Recipients: Array<{ State: string; Why: string }> }>(
        `/api/v1/message/${id}/filter`,
      );
      const listing = await runCli(['queue'], { env });
      return {
        queue: queue.messages.find((m) => m.ID === id)?.recipients[0],
        api: decisions.Recipients[0],
        cli: listing.stdout,
      };
    };
    const lifted = await relay.api<{ Released: string[]; StillHeld: string[] }>(
      `/api/v1/suspensions/${sender.ID}`,
      { method: 'DELETE' },
    );
    expect(lifted.Released).toEqual([]);
    const now = `held: cidr 127.0.0.0/8 suspended (${network.ID}): infected lab`;
    const afterFirst = await why();
    expect(afterFirst.queue).toMatchObject({ state: 'held', why: now });
    expect(afterFirst.api).toEqual(expect.objectContaining({ State: 'held', Why: now }));
    expect(afterFirst.cli).toContain(`(${now}; last reply: 451 4.3.0 busy)`);
    expect(afterFirst.cli).not.toContain(sender.ID);

    // the last one lifted without --release: held for review, and it says so
    await relay.api(`/api/v1/suspensions/${network.ID}`, { method: 'DELETE' });
    const review = `held for review: cidr 127.0.0.0/8 is no longer suspended (${network.ID}: infected lab); release or cancel it`;
    const afterLast = await why();
    expect(afterLast.queue).toMatchObject({ state: 'held', why: review });
    expect(afterLast.cli).toContain(`(${review}; last reply: 451 4.3.0 busy)`);
    expect(server.messages).toHaveLength(0);
  });

  it('refuses at end of DATA a sender suspended while its message was on the wire', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const wire = await greetedSession(relay.smtp.port);
    try {
      expect(await wire.command('MAIL FROM:<late@inflight.example>')).toMatch(/^250/);
      expect(await wire.command('RCPT TO:<customer@example.com>')).toMatch(/^250/);
      expect(await wire.command('DATA')).toMatch(/^354/);
      await suspend(relay, { Kind: 'sender', Value: '*@inflight.example', Reason: 'caught late' });
      expect(await wire.command('Subject: in flight\r\n\r\nhello\r\n.')).toBe(
        '554 5.7.1 Sender suspended: caught late',
      );
    } finally {
      wire.close();
    }
    expect(relay.service.total).toBe(0);
    expect(server.messages).toHaveLength(0);
  });

  it('answers the Send API for a suspended sender with 400 and the reason', async () => {
    const relay = await relaydesk();
    await suspend(relay, { Kind: 'sender', Value: 'bot@example.com', Reason: 'looping job' });
    const res = await relay.fetch('/api/v1/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        From: { Email: 'bot@example.com' },
        To: [{ Email: 'someone@example.com' }],
        Subject: 'from a suspended sender',
        Text: 'hi',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      Error: 'message refused: 554 5.7.1 Sender suspended: looping job',
    });
    expect(relay.service.total).toBe(0);
  });
});
