// DKIM, SPF, DMARC and ARC of captured mail, checked by mailauth over a real DNS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from 'mailauth';
import { checkAuthentication } from '../../main/core/authcheck/auth-check.js';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { signMessage } from '../../main/core/signing/dkim-signer.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

const plain = Buffer.from(
  [
    'From: News <news@shop.example>',
    'To: anna@example.net',
    'Subject: Sale',
    'Date: Mon, 30 Nov 2026 10:00:00 +0000',
    'Message-ID: <2@shop.example>',
    '',
    'Everything must go.',
    '',
  ].join('\r\n'),
);

let dns: TestDnsServer;
const shopKey = generateDkimKey('rsa');
const arcKey = generateDkimKey('rsa');

beforeAll(async () => {
  dns = await startDnsServer();
  const rec = dkimRecord('shop.example', 'k1', 'rsa', publicKeyValue(shopKey));
  dns.set(rec.name, { TXT: [rec.value] });
  const arcRec = dkimRecord('lists.example', 'arc', 'rsa', publicKeyValue(arcKey));
  dns.set(arcRec.name, { TXT: [arcRec.value] });
  dns.set('shop.example', { TXT: ['v=spf1 ip4:192.0.2.5 -all'] });
  dns.set('_dmarc.shop.example', { TXT: ['v=DMARC1; p=reject'] });
});
afterAll(async () => {
  await dns.close();
});

const resolver = (): DnsResolver => new DnsResolver({ servers: [dns.address], timeoutMs: 400 });
const signed = (): Buffer =>
  signMessage(
    plain,
    [{ domain: 'shop.example', selector: 'k1', algorithm: 'rsa', privateKey: shopKey }],
    {
      now: new Date(),
    },
  ).raw;
const input = (raw: Buffer, clientIp: string) => ({
  id: 'm1',
  raw,
  clientIp,
  helo: 'mail.shop.example',
  sender: 'bounce@shop.example',
  hostname: 'relaydesk.test',
});

describe('auth check of captured mail', () => {
  it('signed mail from an allowed IP passes DKIM, SPF and DMARC', async () => {
    const check = await checkAuthentication(resolver(), input(signed(), '192.0.2.5'));
    expect(check.offline).toBe(false);
    expect(check.dkim).toEqual([
      expect.objectContaining({
        domain: 'shop.example',
        selector: 'k1',
        result: 'pass',
        badge: 'pass',
        aligned: true,
      }),
    ]);
    expect(check.spf).toMatchObject({ result: 'pass', badge: 'pass', domain: 'shop.example' });
    expect(check.dmarc).toMatchObject({
      result: 'pass',
      badge: 'pass',
      domain: 'shop.example',
      policy: 'reject',
    });
    expect(check.arc).toMatchObject({ result: 'none', badge: 'neutral', instance: null });
    expect(check.authenticationResults).toMatch(/^Authentication-Results: relaydesk\.test;/);
  });

  it('from another IP SPF fails; unsigned as well, DMARC fails', async () => {
    const viaDkim = await checkAuthentication(resolver(), input(signed(), '198.51.100.9'));
    expect(viaDkim.spf).toMatchObject({ result: 'fail', badge: 'fail' });
    expect(viaDkim.dmarc.result).toBe('pass');
    const unsigned = await checkAuthentication(resolver(), input(plain, '198.51.100.9'));
    expect(unsigned.dkim).toEqual([
      expect.objectContaining({ result: 'none', badge: 'neutral', domain: '', selector: '' }),
    ]);
    expect(unsigned.dmarc).toMatchObject({ result: 'fail', badge: 'fail' });
  });

  it('says a domain without a DMARC record publishes none, not that its policy is none', async () => {
    dns.set('nodmarc.example', { TXT: ['v=spf1 ip4:192.0.2.5 -all'] });
    const raw = Buffer.from(plain.toString().replace('news@shop.example', 'news@nodmarc.example'));
    const check = await checkAuthentication(resolver(), input(raw, '192.0.2.5'));
    expect(check.dmarc).toMatchObject({
      result: 'none',
      badge: 'neutral',
      domain: 'nodmarc.example',
      reason: 'nodmarc.example publishes no DMARC record',
    });
  });

  it('says a DMARC record DNS would not give could not be looked up, not that its policy is none', async () => {
    // a broken zone (SERVFAIL, REFUSED) is not offline: the rest of DNS answers
    dns.set('dnsbroken.example', { TXT: ['v=spf1 ip4:192.0.2.5 -all'] });
    dns.servfail.add('_dmarc.dnsbroken.example');
    const raw = Buffer.from(
      plain.toString().replace('news@shop.example', 'news@dnsbroken.example'),
    );
    const check = await checkAuthentication(resolver(), input(raw, '192.0.2.5'));
    expect(check.offline).toBe(false);
    expect(check.dmarc).toMatchObject({
      result: 'temperror',
      badge: 'neutral',
      domain: 'dnsbroken.example',
      policy: '',
    });
    expect(check.dmarc.reason).toMatch(
      /^the DMARC record of dnsbroken\.example could not be looked up \(.*SERVFAIL.*\); check again when its DNS answers$/,
    );
  });

  it('verifies an ARC chain sealed by a forwarder', async () => {
    const sealed = await authenticate(signed(), {
      ip: '192.0.2.5',
      helo: 'mail.shop.example',
      sender: 'bounce@shop.example',
      mta: 'mx.lists.example',
      resolver: resolver().forMailauth() as never,
      seal: { signingDomain: 'lists.example', selector: 'arc', privateKey: arcKey },
      disableBimi: true,
    });
    const forwarded = Buffer.concat([Buffer.from(sealed.headers), signed()]);
    const check = await checkAuthentication(resolver(), input(forwarded, '203.0.113.7'));
    expect(check.arc).toMatchObject({ result: 'pass', badge: 'pass', instance: 1 });
  });

  it('says a forwarder’s seal whose key is not in DNS did not verify, not that there is no chain', async () => {
    // sealed by a list whose ARC key was never published (or since removed)
    const sealed = await authenticate(signed(), {
      ip: '192.0.2.5',
      helo: 'mail.shop.example',
      sender: 'bounce@shop.example',
      mta: 'mx.unpublished.example',
      resolver: resolver().forMailauth() as never,
      seal: { signingDomain: 'unpublished.example', selector: 'arc', privateKey: arcKey },
      disableBimi: true,
    });
    const forwarded = Buffer.concat([Buffer.from(sealed.headers), signed()]);
    const check = await checkAuthentication(resolver(), input(forwarded, '203.0.113.7'));
    // before: { result: 'fail', reason: 'no ARC chain' } beside an ARC-Seal i=1
    expect(check.arc).toEqual({
      result: 'fail',
      badge: 'fail',
      instance: 1,
      reason:
        'the ARC set i=1 did not verify: its seal or message signature does not match, or its key is not in DNS',
    });
  });

  it('says offline, not fail, when DNS does not answer, and does not hang', async () => {
    const quiet = await startDnsServer();
    quiet.silent = true;
    try {
      const check = await checkAuthentication(
        new DnsResolver({ servers: [quiet.address], timeoutMs: 300 }),
        input(signed(), '192.0.2.5'),
      );
      expect(check.offline).toBe(true);
      expect(check.dkim[0]).toMatchObject({
        badge: 'offline',
        reason: 'DNS could not be reached; check again when online',
      });
      expect(check.spf.badge).toBe('offline');
      expect(check.dmarc.badge).not.toBe('fail');
    } finally {
      await quiet.close();
    }
  });
});
