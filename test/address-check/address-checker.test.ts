// Every verdict of the address check, through a real DNS server on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressChecker } from '../../main/core/address-check/address-checker.js';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  dns.set('shop.example', { MX: [{ exchange: 'mx.shop.example', priority: 10 }] });
  dns.set('plain.example', { A: ['192.0.2.10'] });
  dns.set('six.example', { AAAA: ['2001:db8::1'] });
  dns.set('nomail.example', { MX: [{ exchange: '.', priority: 0 }], A: ['192.0.2.11'] });
  dns.set('bare.example', { TXT: ['v=spf1 -all'] });
  dns.set('gmial.com', { MX: [{ exchange: 'mx.gmial.com', priority: 10 }] });
  dns.set('xn--bcher-kva.example', { MX: [{ exchange: 'mx.buecher.example', priority: 5 }] });
  dns.set('failing.example', {});
  dns.servfail.add('failing.example');
  dns.silentNames.add('slow.example');
});
afterAll(async () => {
  await dns.close();
});

function checker(): AddressChecker {
  return new AddressChecker(new DnsResolver({ servers: [dns.address], timeoutMs: 300 }));
}

describe('address check', () => {
  it.each([
    ['anna@shop.example', 'valid', 'shop.example has mail servers (MX mx.shop.example)'],
    [
      'anna@plain.example',
      'valid',
      'plain.example has no MX; mail goes to its A record (RFC 5321 §5.1)',
    ],
    [
      'anna@six.example',
      'valid',
      'six.example has no MX; mail goes to its AAAA record (RFC 5321 §5.1)',
    ],
    ['anna@nomail.example', 'invalid', 'nomail.example accepts no mail (null MX, RFC 7505)'],
    [
      'anna@bare.example',
      'invalid',
      'bare.example has no MX and no A/AAAA record: it cannot receive mail',
    ],
    ['anna@missing.example', 'invalid', 'the domain missing.example does not exist'],
    [
      'anna.@shop.example',
      'invalid',
      'syntax: the part before the @ has two dots in a row, or starts or ends with a dot',
    ],
    [
      'anna@localhost',
      'invalid',
      'syntax: the domain has no dot (a bare host name such as "localhost" cannot be relayed to)',
    ],
    ['anna@gmial.com', 'risky', 'looks like a typo: did you mean anna@gmail.com?'],
    [
      'jörg@bücher.example',
      'valid',
      'xn--bcher-kva.example has mail servers (MX mx.buecher.example); needs SMTPUTF8 (the upstream must offer it)',
    ],
    [
      '"anna smith"@shop.example',
      'risky',
      'shop.example has mail servers (MX mx.shop.example); the quoted local part is valid but many servers refuse it',
    ],
    [
      `"${'a'.repeat(62)}"@shop.example`,
      'risky',
      'shop.example has mail servers (MX mx.shop.example); the quoted local part is valid but many servers refuse it',
    ],
    [
      `"${'a'.repeat(63)}"@shop.example`,
      'invalid',
      'syntax: the part before the @ is longer than 64 octets (RFC 5321 §4.5.3.1.1)',
    ],
    [
      `"${'a b'.repeat(40)}"@shop.example`,
      'invalid',
      'syntax: the part before the @ is longer than 64 octets (RFC 5321 §4.5.3.1.1)',
    ],
    [
      `"${'a'.repeat(62)}"@${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.shop.example`,
      'invalid',
      'syntax: the address is longer than 254 octets (RFC 5321 §4.5.3.1)',
    ],
    [
      'Anna <anna@shop.example>',
      'invalid',
      'syntax: give the bare address (anna@shop.example), without a name or angle brackets',
    ],
    [
      '<anna@shop.example>',
      'invalid',
      'syntax: give the bare address (anna@shop.example), without a name or angle brackets',
    ],
    [
      ' anna@shop.example',
      'invalid',
      'syntax: there is a space or tab in or around the address; give the address alone',
    ],
    [
      'anna@shop.example\textra',
      'invalid',
      'syntax: there is a space or tab in or around the address; give the address alone',
    ],
    [
      'anna@failing.example',
      'unknown',
      'DNS could not be asked: the DNS server failed to answer (SERVFAIL)',
    ],
    ['anna@slow.example', 'unknown', 'DNS could not be asked: no DNS server answered in time'],
  ])('%s is %s', async (address, verdict, reason) => {
    expect(await checker().check(address)).toMatchObject({ address, verdict, reason });
  });

  it('a typo at a domain that does not exist is invalid, with the suggestion', async () => {
    expect(await checker().check('bob@hotmial.com')).toEqual({
      address: 'bob@hotmial.com',
      verdict: 'invalid',
      reason: 'the domain hotmial.com does not exist; did you mean bob@hotmail.com?',
      suggestion: 'bob@hotmail.com',
      invalidBy: 'no-domain',
    });
  });

  it('answers each spelling of an address with its own verdict, without asking DNS again', async () => {
    const check = checker();
    await check.check('bob@GMIAL.com');
    await check.check('Anna@Shop.Example');
    const asked = dns.questions.length;
    expect(await check.check('bob@gmial.com')).toMatchObject({
      address: 'bob@gmial.com',
      suggestion: 'bob@gmail.com',
    });
    expect(await check.check('anna@shop.example')).toMatchObject({
      address: 'anna@shop.example',
      verdict: 'valid',
    });
    expect(check.cached('anna@shop.example')?.address).toBe('anna@shop.example');
    expect(dns.questions.length).toBe(asked);
  });

  it('keeps verdicts, but asks again after an unknown one', async () => {
    const check = checker();
    await check.check('x@shop.example');
    const asked = dns.questions.length;
    expect((await check.check('X@Shop.example')).verdict).toBe('valid');
    expect(dns.questions.length).toBe(asked);
    dns.silent = true;
    expect((await check.check('y@later.example')).verdict).toBe('unknown');
    dns.silent = false;
    dns.set('later.example', { MX: [{ exchange: 'mx.later.example', priority: 1 }] });
    expect((await check.check('y@later.example')).verdict).toBe('valid');
  });
});
