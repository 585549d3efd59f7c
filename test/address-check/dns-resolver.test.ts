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

  it('once two domains go unanswered, answers offline at once for a while instead of waiting again', async () => {
    dns.set('back.test', { MX: [{ exchange: 'mx.back.test', priority: 1 }] });
    let clock = 0;
    const resolver = new DnsResolver({
      servers: [dns.address],
      timeoutMs: 300,
      outageHoldMs: 10_000,
      now: () => clock,
    });
    dns.silent = true;
    // one domain's names unanswered: perhaps only its servers are slow, so keep asking
    expect((await resolver.txt('one.test')).status).toBe('offline');
    expect((await resolver.txt('_dmarc.one.test')).status).toBe('offline');
    expect((await resolver.mx('two.test')).status).toBe('offline');
    const asked = dns.questions.length;
    // a second domain unanswered too: DNS is down, and the next lookups do not wait for it
    expect(await resolver.mx('three.test')).toEqual({
      status: 'offline',
      reason: 'no DNS server answered in time',
    });
    expect((await resolver.address('four.test', 'A')).status).toBe('offline');
    expect(dns.questions.length).toBe(asked);
    // Check DNS asks anyway
    expect((await resolver.txt('five.test', { fresh: true })).status).toBe('offline');
    dns.silent = false;
    clock += 10_001;
    expect((await resolver.mx('back.test')).status).toBe('found');
    expect(dns.questions.length).toBe(asked + 2);
  });

  it('keeps asking when only one domain does not answer', async () => {
    dns.set('fine.test', { MX: [{ exchange: 'mx.fine.test', priority: 1 }] });
    dns.silentNames.add('slow.test');
    dns.silentNames.add('_dmarc.slow.test');
    const resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 300 });
    expect((await resolver.txt('slow.test')).status).toBe('offline');
    expect((await resolver.txt('_dmarc.slow.test')).status).toBe('offline');
    expect((await resolver.mx('fine.test')).status).toBe('found');
    expect((await resolver.txt('slow.test')).status).toBe('offline');
    expect((await resolver.mx('other.test')).status).toBe('nxdomain');
  });
});
