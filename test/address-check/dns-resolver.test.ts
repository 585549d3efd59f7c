// The resolver against a real DNS server on 127.0.0.1: answers, absence, SERVFAIL, silence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

let dns: TestDnsServer;
beforeEach(async () => {
  dns = await startDnsServer();
});
afterEach(async () => {
  await dns.close();
});

describe('DNS resolver', () => {
  it('finds records, tells a missing name from a missing record, and caches answers', async () => {
    dns.set('example.test', {
      MX: [{ exchange: 'mx.example.test', priority: 10 }],
      TXT: ['a'.repeat(300)],
    });
    const resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 500 });
    expect(await resolver.mx('example.test')).toEqual({
      status: 'found',
      records: [{ exchange: 'mx.example.test', priority: 10 }],
    });
    expect(await resolver.txt('example.test')).toEqual({
      status: 'found',
      records: ['a'.repeat(300)],
    });
    expect(await resolver.address('example.test', 'A')).toEqual({ status: 'nodata' });
    expect(await resolver.mx('nowhere.test')).toEqual({ status: 'nxdomain' });
    const asked = dns.questions.length;
    await resolver.mx('example.test');
    expect(dns.questions.length).toBe(asked);
  });

  it('says SERVFAIL and offline apart, and does not keep them', async () => {
    dns.set('broken.test', { A: ['192.0.2.1'] });
    dns.servfail.add('broken.test');
    const resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 300 });
    expect((await resolver.mx('broken.test')).status).toBe('servfail');
    dns.servfail.clear();
    expect((await resolver.address('broken.test', 'A')).status).toBe('found');
    dns.silent = true;
    const answer = await resolver.mx('quiet.test');
    expect(answer).toEqual({ status: 'offline', reason: 'no DNS server answered in time' });
  });
});
