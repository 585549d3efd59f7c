// A warm-up schedule saved while the relay runs (Settings → Filtering & senders saves through
// the settings API) is applied to the next messages, as the screen's "Saved." (and no "takes
// effect after restart") says: the gate was made once at start, so the new IP went on sending
// without a cap and GET /api/v1/warmup said there was no schedule, until a restart. Real SMTP in,
// a real (test) upstream out, a clock the test holds.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { manualClock } from '../helpers/manual-clock.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { closedPort, upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function send(relay: TestRelaydesk, to: string): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: relay.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      from: 'newsletter@office.example',
      to,
      subject: 'December offers',
      text: 'hello',
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  } finally {
    transport.close();
  }
}

describe('a warm-up schedule saved while running', () => {
  it('caps the next messages at once, and is shown by GET /api/v1/warmup', async () => {
    const clock = manualClock();
    const server = await upstream({ tls: 'none' });
    const relay = await startTestRelaydesk(
      { mode: 'relay', relay: { host: '127.0.0.1', port: server.port, security: 'none' } },
      undefined,
      { now: clock.now },
    );
    cleanups.push(() => relay.dispose());
    expect((await relay.api<{ warmup: unknown }>('/api/v1/warmup')).warmup).toBeNull();

    const start = new Date(clock.start).toISOString();
    const saved = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ warmup: [{ upstream: '127.0.0.1', start, caps: [1, 10] }] }),
    });
    const answer = (await saved.json()) as { ok: boolean; restartNeeded: string[] };
    expect(answer).toMatchObject({ ok: true, restartNeeded: [] });

    const first = await send(relay, 'a@partner.example');
    await settled(relay, first, (d) => d.recipients[0]?.state === 'relayed');
    const second = await send(relay, 'b@partner.example');
    const nextDay = new Date(clock.start + 86_400_000).toISOString();
    const waiting = await settled(relay, second, (d) => d.recipients[0]?.state === 'deferred');
    expect(waiting.recipients[0]?.nextAttemptAt).toBe(nextDay);
    expect(waiting.recipients[0]?.history.at(-1)?.reason).toBe(
      `warm-up of 127.0.0.1: day 1 cap of 1 reached (1 sent); goes at ${nextDay}`,
    );
    expect(server.messages).toHaveLength(1);
    expect((await relay.api<{ warmup: unknown }>('/api/v1/warmup')).warmup).toEqual({
      upstream: '127.0.0.1',
      preset: null,
      day: 1,
      cap: 1,
      sentToday: 1,
      nextDayAt: nextDay,
    });
  });

  it('says a recipient the cap holds back waits for the next day, not for the upstream', async () => {
    // the upstream refused MAIL FROM for a while (its 451 is about the upstream, not the
    // message), then takes mail again; the retry meets the day's cap
    const clock = manualClock();
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 Mail server temporarily busy' } },
    });
    const start = new Date(clock.start).toISOString();
    const relay = await startTestRelaydesk(
      {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
        warmup: [{ upstream: '127.0.0.1', start, caps: [1, 10] }],
      },
      undefined,
      { now: clock.now },
    );
    cleanups.push(() => relay.dispose());
    const id = await send(relay, 'a@partner.example');
    const busy = await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect(busy.recipients[0]?.waitsForUpstream).toBe(true);

    server.setFailures({});
    const retried = await relay.fetch('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    expect(retried.status).toBe(200);
    const nextDay = new Date(clock.start + 86_400_000).toISOString();
    const capped = await settled(relay, id, (d) =>
      (d.recipients[0]?.history.at(-1)?.reason ?? '').startsWith('warm-up of'),
    );
    expect(capped.recipients[0]).toMatchObject({ state: 'deferred', nextAttemptAt: nextDay });
    // not "goes when the upstream takes mail again" (the Queue view) nor sent on with the
    // others when the upstream is next seen to answer: it goes when day 2 begins
    expect(capped.recipients[0]?.waitsForUpstream).toBeUndefined();
    const queued = await relay.api<{
      messages: Array<{ id: string; recipients: Array<{ waitsForUpstream?: boolean }> }>;
    }>('/api/v1/queue');
    expect(
      queued.messages.find((m) => m.id === id)?.recipients[0]?.waitsForUpstream,
    ).toBeUndefined();
    expect(server.messages).toHaveLength(0);
  });

  it('does not count attempts that reached no upstream against the day (an outage does not use it up)', async () => {
    const clock = manualClock();
    const port = await closedPort();
    const start = new Date(clock.start).toISOString();
    const relay = await startTestRelaydesk(
      {
        mode: 'relay',
        relay: { host: '127.0.0.1', port, security: 'none' },
        warmup: [{ upstream: '127.0.0.1', start, caps: [2, 10] }],
      },
      undefined,
      { now: clock.now },
    );
    cleanups.push(() => relay.dispose());
    // the upstream is down in the morning: the first message's attempt finds nothing listening
    const first = await send(relay, 'a@partner.example');
    const refused = await settled(relay, first, (d) => d.recipients[0]?.state === 'deferred');
    expect(refused.recipients[0]?.attempts[0]?.reply.code).toBeNull();
    const second = await send(relay, 'b@partner.example');
    await relay.service.queueIdle();
    expect(
      (await relay.api<{ warmup: { sentToday: number } }>('/api/v1/warmup')).warmup.sentToday,
    ).toBe(0);

    // it comes back where it was; the admin resumes and retries: both go, the day's cap is 2
    const server = await upstream({ tls: 'none', port });
    const post = (path: string, body: unknown) =>
      relay.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/api/v1/relay/resume', {});
    await post('/api/v1/queue/retry', { IDs: [first, second] });
    for (const id of [first, second]) {
      await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    }
    expect(server.messages).toHaveLength(2);
    expect(
      (await relay.api<{ warmup: { sentToday: number } }>('/api/v1/warmup')).warmup.sentToday,
    ).toBe(2);
  });
});
