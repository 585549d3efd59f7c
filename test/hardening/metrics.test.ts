// /metrics in the Prometheus text format, read after real traffic: open sessions per listener,
// messages accepted, relayed, deferred and bounced through a real upstream, refusals by reason,
// AUTH failures, the queue by state, spool bytes. Also in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, plainToken, SmtpWire } from '../helpers/smtp-wire.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let relay: TestRelaydesk;
let upstream: RunningUpstream;

beforeAll(async () => {
  upstream = await startUpstreamServer({
    tls: 'none',
    failures: {
      rcpt: {
        'later@dest.example': { code: 451, text: '4.2.0 try later' },
        'nobody@dest.example': { code: 550, text: '5.1.1 no such user' },
      },
    },
  });
  relay = await startTestRelaydesk({
    greetingDelayMs: 0,
    reverseDnsTimeoutMs: 0,
    maxRecipients: 3,
    mode: 'rules',
    rules: [
      { name: 'out', match: { recipient: '*@dest.example' }, action: { type: 'relay' } },
      {
        name: 'refused',
        match: { recipient: '*@blocked.example' },
        action: { type: 'reject', code: 550, text: 'Not here' },
      },
    ],
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
  });
  await relay.api('/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'app', password: 'app-password-1' }),
  });
});
afterAll(async () => {
  await relay?.dispose();
  await upstream?.close();
});

/** The samples of /metrics as `name{labels}` → value. */
async function metrics(): Promise<Map<string, number>> {
  const res = await relay.fetch('/metrics');
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    samples.set(match[1] as string, Number(match[2]));
  }
  return samples;
}

describe('/metrics', () => {
  it('counts what happened, in the Prometheus text format', async () => {
    const transport = relay.transport();
    const info = await transport.sendMail({
      from: 'app@sender.example',
      to: ['ok@dest.example', 'later@dest.example', 'nobody@dest.example'],
      subject: 'three outcomes',
      text: 'hello',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) =>
      d.recipients.every((r) => r.state !== 'pending' && r.state !== 'sending'),
    );
    const wire = await greetedSession(relay.smtp.port);
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    expect(await wire.command('RCPT TO:<a@blocked.example>')).toMatch(/^550/);
    for (const n of [1, 2, 3]) await wire.command(`RCPT TO:<qa${n}@team.example>`);
    expect(await wire.command('RCPT TO:<qa4@team.example>')).toMatch(/^452 4\.5\.3/);
    await wire.command('RSET');
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'wrong-password')}`)).toMatch(/^535/);

    const open = await SmtpWire.connect(relay.smtp.port);
    expect(await open.reply()).toMatch(/^220/);

    const m = await metrics();
    expect(m.get('relaydesk_smtp_sessions_open{listener="smtp"}')).toBe(2);
    expect(m.get('relaydesk_smtp_accepted_total')).toBe(1);
    expect(m.get('relaydesk_messages')).toBe(1);
    expect(m.get('relaydesk_database_size_bytes')).toBe(
      (await relay.api<{ DatabaseSize: number }>('/api/v1/info')).DatabaseSize,
    );
    expect(m.get('relaydesk_database_size_bytes')).toBeGreaterThan(300);
    expect(m.get('relaydesk_relay_recipients_total{state="relayed"}')).toBe(1);
    expect(m.get('relaydesk_relay_recipients_total{state="deferred"}')).toBe(1);
    expect(m.get('relaydesk_relay_recipients_total{state="bounced"}')).toBe(1);
    expect(m.get('relaydesk_queue_recipients{state="deferred"}')).toBe(1);
    expect(m.get('relaydesk_queue_recipients{state="relayed"}')).toBe(1);
    expect(m.get('relaydesk_smtp_rejected_total{stage="rcpt",reason="routing_rule"}')).toBe(1);
    expect(m.get('relaydesk_smtp_rejected_total{stage="rcpt",reason="too_many_recipients"}')).toBe(
      1,
    );
    expect(m.get('relaydesk_smtp_auth_failures_total{reason="bad_credentials"}')).toBe(1);
    // parse failures (a parse over its time budget) are exposed; none happened here
    expect(m.get('relaydesk_parse_failures_total')).toBe(0);
    // a paused relay says so, for an alert in Prometheus (nothing goes out while it lasts)
    expect(m.get('relaydesk_upstream_paused')).toBe(0);
    expect((await relay.fetch('/api/v1/relay/pause', { method: 'POST' })).ok).toBe(true);
    expect((await metrics()).get('relaydesk_upstream_paused')).toBe(1);
    expect((await relay.fetch('/api/v1/relay/resume', { method: 'POST' })).ok).toBe(true);
    wire.close();
    open.close();
    await expect
      .poll(async () => (await metrics()).get('relaydesk_smtp_sessions_open{listener="smtp"}'))
      .toBe(0);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await relay.api<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
    expect(Object.keys(doc.paths)).toContain('/metrics');
  });
});
