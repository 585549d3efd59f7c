// The one home of IP addresses and CIDRs (main/core/net/ip-address.ts): every caller (listener,
// policy, route analysis, upstream, link check, settings) reads addresses by these rules.
import { describe, expect, test } from 'vitest';
import {
  parseIp,
  inCidr,
  ipScope,
  isCidr,
  isInternalAddress,
  isLoopbackHost,
  isLoopbackIp,
  normalizeClientIp,
  normalizeIp,
  parseCidr,
} from '../../main/core/net/ip-address.js';

describe('normalizeIp and ipScope', () => {
  test.each([
    ['[192.0.2.1]', '192.0.2.1'],
    ['192.0.2.1:25', '192.0.2.1'],
    ['[IPv6:2001:db8::1]', '2001:db8::1'],
    ['ipv6:2001:db8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:201', '192.0.2.1'],
    ['2001:db8::1:2:3:4:5:6:7', null],
    ['256.1.1.1', null],
    ['mail.example.com', null],
    ['15.20.8489.16', null],
    ['127.1', null],
    ['[::FFFF:127.0.0.1]', '127.0.0.1'],
    ['  192.0.2.9 ', '192.0.2.9'],
  ])('normalizeIp(%s) = %s', (text, ip) => {
    expect(normalizeIp(text)).toBe(ip);
  });

  test.each([
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['198.51.100.1', 'documentation'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['2001:db8::1', 'documentation'],
    ['2a00:1450::1', 'public'],
    ['198.18.0.1', 'reserved'],
    ['203.0.113.5', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['::', 'unspecified'],
    ['mail.example.com', null],
  ])('ipScope(%s) = %s', (ip, scope) => {
    expect(ipScope(ip)).toBe(scope);
  });
});

describe('client addresses', () => {
  test.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8::7', '2001:db8::7'],
    ['not-an-ip', 'not-an-ip'],
    [undefined, ''],
  ])('normalizeClientIp(%s) = %s', (address, plain) => {
    expect(normalizeClientIp(address)).toBe(plain);
  });
});

describe('loopback', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['::2', false],
    ['127.1', false],
    ['localhost', false],
    ['', false],
  ])('isLoopbackIp(%s) = %s', (text, loopback) => {
    expect(isLoopbackIp(text)).toBe(loopback);
  });

  test.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.2', true],
    ['0.0.0.0', false],
    ['::', false],
    ['app.localhost', false],
    ['mail.example.com', false],
  ])('isLoopbackHost(%s) = %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('CIDR ranges', () => {
  test.each([
    ['192.168.1.0/24', true],
    ['10.0.0.7', true],
    ['2001:db8::/32', true],
    ['::ffff:10.0.0.0/104', true],
    ['0.0.0.0/0', true],
    [' 10.0.0.0/8 ', true],
    ['10.0.0.0/33', false],
    ['2001:db8::/129', false],
    ['10.0.0.0/', false],
    ['10.1/16', false],
    ['example.com/24', false],
    ['', false],
  ])('isCidr(%s) = %s', (text, valid) => {
    expect(isCidr(text)).toBe(valid);
  });

  test('an IPv4-mapped range matches IPv4 clients, in either spelling', () => {
    const mapped = parseCidr('::ffff:10.0.0.0/104');
    expect(mapped?.address.kind()).toBe('ipv4');
    expect(mapped?.bits).toBe(8);
    expect(mapped?.source).toBe('::ffff:10.0.0.0/104');
    if (!mapped) return;
    expect(inCidr('10.200.3.4', mapped)).toBe(true);
    expect(inCidr('::ffff:10.200.3.4', mapped)).toBe(true);
    expect(inCidr('11.0.0.1', mapped)).toBe(false);
  });

  test('families never match each other, and what is not an address matches nothing', () => {
    const v6 = parseCidr('::/0');
    const v4 = parseCidr('0.0.0.0/0');
    if (!v6 || !v4) throw new Error('ranges did not parse');
    expect(inCidr('192.0.2.1', v6)).toBe(false);
    expect(inCidr('2001:db8::1', v4)).toBe(false);
    expect(inCidr('2001:db8::1', v6)).toBe(true);
    expect(inCidr('nope', v4)).toBe(false);
  });
});

describe('internal addresses (what outgoing requests must not reach)', () => {
  test.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['fe80::1%eth0', true],
    ['::ffff:10.0.0.1', true],
    ['2002:a00:1::', true],
    ['not-an-address', true],
    ['8.8.8.8', false],
    ['2a00:1450:4001::1', false],
  ])('isInternalAddress(%s) = %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });
});

describe('parsed addresses (parsed once per text)', () => {
  test('stay right for many more distinct addresses than are kept, and for repeats', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const text = `10.${(i >> 8) & 255}.${i & 255}.7`;
        expect(parseIp(text)?.toString()).toBe(text);
      }
    }
    expect(parseIp('::ffff:127.0.0.1')?.range()).toBe('loopback');
    expect(parseIp('[IPv6:2001:db8::1]')?.toString()).toBe('2001:db8::1');
    expect(parseIp('mail.example.com')).toBeNull();
    expect(parseIp('mail.example.com')).toBeNull();
  });
});
