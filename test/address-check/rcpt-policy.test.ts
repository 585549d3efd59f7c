// The address check at RCPT TO of relayed mail, through a real DNS server: reject refuses an
// invalid recipient with the reason (550 syntax, 556 null MX, 450 a domain DNS says does not
// exist, unless told to refuse it), warn keeps the verdict on the message, and a DNS outage
// passes or defers, by setting, but never rejects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressCheck } from '../../main/core/address-check/address-checker.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let dns: TestDnsServer;
let upstream: RunningUpstream;
const relays: TestRelaydesk[] = [];

beforeAll(async () => {
  dns = await startDnsServer();
  dns.set('shop.example', { MX: [{ exchange: 'mx.shop.example', priority: 10 }] });
  dns.set('example.net', { MX: [{ exchange: 'mx.example.net', priority: 10 }] });
  dns.set('nomail.example', { MX: [{ exchange: '.', priority: 0 }] });
  dns.set('gmial.com', { MX: [{ exchange: 'mx.gmial.com', priority: 10 }] });
  dns.silentNames.add('slow.example');
  dns.servfail.add('broken.example');
  upstream = await startUpstreamServer({ tls: 'none' });
});
afterAll(async () => {
  for (const relay of relays) await relay.dispose();
  await upstream?.close();
  await dns?.close();
});

async function relayWith(settings: Record<string, unknown>): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    dnsServers: [dns.address],
    ...settings,
  });
  relays.push(relay);
  return relay;
}

/** RCPT replies of one SMTP session, in order. */
async function rcptReplies(relay: TestRelaydesk, from: string, to: string[]): Promise<string[]> {
  const wire = await SmtpWire.connect(relay.smtp.port);
  try {
    await wire.reply();
    await wire.command('EHLO client.test');
    await wire.command(`MAIL FROM:<${from}>`);
    const replies: string[] = [];
    for (const rcpt of to) replies.push(await wire.command(`RCPT TO:<${rcpt}>`));
    await wire.command('QUIT');
    return replies;
  } finally {
    wire.close();
  }
}

describe('address check before relaying', () => {
  it('reject: refuses invalid recipients with the reason, accepts the rest', async () => {
    const relay = await relayWith({ addressCheck: 'reject' });
    expect(
      await rcptReplies(relay, 'app@shop.example', [
        'anna@example.net',
        'bob@nomail.example',
        'carl@missing.example',
        'dora@gmial.com',
        'eve@slow.example',
        'fay@broken.example',
      ]),
    ).toEqual([
      '250 2.1.5 Accepted',
      '556 5.1.10 <bob@nomail.example>: nomail.example accepts no mail (null MX, RFC 7505)',
      // Postfix's default: a resolver that says every name is missing (a DNS filter) must not
      // bounce good mail for good
      '450 4.1.2 <carl@missing.example>: the domain missing.example does not exist; try again later',
      '250 2.1.5 Accepted',
      '250 2.1.5 Accepted',
      '250 2.1.5 Accepted',
    ]);
  });

  it('reject, unknown domains refused: 550 for a missing domain, 550 5.1.3 for bad syntax', async () => {
    const relay = await relayWith({ addressCheck: 'reject', addressCheckUnknownDomain: 'reject' });
    // smtp-server refuses most bad syntax itself (501); a local part over 64 octets is ours
    const long = 'a'.repeat(65);
    expect(
      await rcptReplies(relay, 'app@shop.example', ['carl@missing.example', `${long}@example.net`]),
    ).toEqual([
      '550 5.1.2 <carl@missing.example>: the domain missing.example does not exist',
      expect.stringMatching(/^550 5\.1\.3 <a{65}@example\.net>: syntax: /),
    ]);
  });

  it('reject with defer on DNS outage: an unknown verdict gets 450, never 550', async () => {
    const relay = await relayWith({ addressCheck: 'reject', addressCheckDnsOutage: 'defer' });
    const [slow, broken] = await rcptReplies(relay, 'app@shop.example', [
      'eve@slow.example',
      'fay@broken.example',
    ]);
    expect(slow).toBe(
      '450 4.4.3 <eve@slow.example>: cannot be checked now (DNS could not be asked: no DNS server answered in time); try again later',
    );
    expect(broken).toMatch(
      /^450 4\.4\.3 <fay@broken\.example>: cannot be checked now \(.*SERVFAIL/,
    );
  });

  it('checks the sender when asked', async () => {
    const relay = await relayWith({ addressCheck: 'reject', addressCheckSender: true });
    expect(await rcptReplies(relay, 'app@missing.example', ['anna@example.net'])).toEqual([
      '450 4.1.8 sender <app@missing.example>: the domain missing.example does not exist; try again later',
    ]);
  });

  it('warn: accepts everything and shows each verdict beside its recipient', async () => {
    const relay = await relayWith({ addressCheck: 'warn' });
    const info = await relay.transport().sendMail({
      from: 'app@shop.example',
      to: ['anna@example.net', 'bob@nomail.example', 'dora@gmial.com', 'eve@slow.example'],
      subject: 'warned',
      text: 'x',
    });
    expect(info.rejected).toEqual([]);
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = await settled(relay, id, (d) =>
      d.recipients.every((r) => r.attempts.length > 0),
    );
    expect(Object.fromEntries(delivery.recipients.map((r) => [r.address, r.addressCheck]))).toEqual(
      {
        'anna@example.net': {
          verdict: 'valid',
          reason: 'example.net has mail servers (MX mx.example.net)',
        },
        'bob@nomail.example': {
          verdict: 'invalid',
          reason: 'nomail.example accepts no mail (null MX, RFC 7505)',
        },
        'dora@gmial.com': {
          verdict: 'risky',
          reason: 'looks like a typo: did you mean dora@gmail.com?',
        },
        'eve@slow.example': {
          verdict: 'unknown',
          reason: 'DNS could not be asked: no DNS server answered in time',
        },
      },
    );
  });

  it('off (the default): no lookups, and captured mail is never checked', async () => {
    const relay = await relayWith({ mode: 'capture', addressCheck: 'reject' });
    const asked = dns.questions.length;
    expect(await rcptReplies(relay, 'a@b.example', ['x@missing.example'])).toEqual([
      '250 2.1.5 Accepted',
    ]);
    const off = await relayWith({});
    expect(await rcptReplies(off, 'a@b.example', ['x@missing.example'])).toEqual([
      '250 2.1.5 Accepted',
    ]);
    expect(dns.questions.length).toBe(asked);
  });

  it('checks a list of addresses through the API', async () => {
    const relay = relays[0] as TestRelaydesk;
    const res = await relay.api<AddressCheck[]>('/api/v1/address-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ addresses: ['anna@example.net', 'not an address'] }),
    });
    expect(res.map((r) => r.verdict)).toEqual(['valid', 'invalid']);
  });
});
