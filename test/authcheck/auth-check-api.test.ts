// GET /api/v1/message/{ID}/auth-check on captured mail: what a receiver would say about its
// DKIM, SPF (the SMTP client's IP and MAIL FROM), DMARC and ARC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageAuthCheck } from '../../main/core/authcheck/auth-check.js';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let dns: TestDnsServer;
let relay: TestRelaydesk;
const key = generateDkimKey('rsa');

beforeAll(async () => {
  dns = await startDnsServer();
  const record = dkimRecord('app.example', 'k1', 'rsa', publicKeyValue(key));
  dns.set(record.name, { TXT: [record.value] });
  // the test client connects from loopback, so that is the IP SPF allows
  dns.set('app.example', { TXT: ['v=spf1 ip4:127.0.0.1 -all'] });
  dns.set('_dmarc.app.example', { TXT: ['v=DMARC1; p=quarantine'] });
  relay = await startTestRelaydesk({ dnsServers: [dns.address] });
});
afterAll(async () => {
  await relay?.dispose();
  await dns?.close();
});

async function send(options: { from: string; dkim: boolean; subject: string }): Promise<string> {
  const transport = relay.transport();
  const info = await transport.sendMail({
    from: options.from,
    to: 'qa@example.net',
    subject: options.subject,
    text: 'hello',
    ...(options.dkim
      ? { dkim: { domainName: 'app.example', keySelector: 'k1', privateKey: key } }
      : {}),
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('auth check of captured mail', () => {
  it('a message signed by the app (nodemailer DKIM) passes DKIM, SPF and DMARC', async () => {
    const id = await send({ from: 'App <noreply@app.example>', dkim: true, subject: 'signed' });
    const check = await relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
    expect(check).toMatchObject({
      ID: id,
      offline: false,
      dkim: [{ domain: 'app.example', selector: 'k1', badge: 'pass', aligned: true }],
      spf: { result: 'pass', badge: 'pass', clientIp: '127.0.0.1', sender: 'noreply@app.example' },
      dmarc: { result: 'pass', badge: 'pass', policy: 'quarantine' },
      arc: { badge: 'neutral' },
    });
  });

  it('an unsigned message from a domain that does not allow this IP fails, with reasons', async () => {
    dns.set('other.example', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    dns.set('_dmarc.other.example', { TXT: ['v=DMARC1; p=reject'] });
    const id = await send({ from: 'x@other.example', dkim: false, subject: 'unsigned' });
    const check = await relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
    expect(check.dkim).toEqual([expect.objectContaining({ result: 'none', badge: 'neutral' })]);
    expect(check.spf).toMatchObject({ result: 'fail', badge: 'fail', domain: 'other.example' });
    expect(check.spf.reason).toMatch(/127\.0\.0\.1/);
    expect(check.dmarc).toMatchObject({ result: 'fail', badge: 'fail', policy: 'reject' });
  });

  it('judges an imported or re-sent message for the server that delivered it to its mailbox, not this machine', async () => {
    dns.set('shop.example', { TXT: ['v=spf1 ip4:192.0.2.10 -all'] });
    dns.set('_dmarc.shop.example', { TXT: ['v=DMARC1; p=reject'] });
    const ingest = async (received: string) => {
      const { ID } = await relay.api<{ ID: string }>('/api/v1/ingest', {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822' },
        body:
          'Return-Path: <bounces@shop.example>\r\n' +
          received +
          'From: Shop <orders@shop.example>\r\nTo: reader@isp.example\r\nSubject: Your order\r\n' +
          'Date: Mon, 1 Dec 2025 10:00:00 +0000\r\n\r\nthanks\r\n',
      });
      return relay.api<MessageAuthCheck>(`/api/v1/message/${ID}/auth-check`);
    };
    // the mailbox's MX took it from the shop's server; its IMAP server from the MX, inside
    const delivered = await ingest(
      'Received: from mx.isp.example (mx.isp.example [10.1.2.3]) by imap.isp.example with LMTP ' +
        'id 2; Mon, 1 Dec 2025 10:00:03 +0000\r\n' +
        'Received: from out.shop.example (out.shop.example [192.0.2.10]) by mx.isp.example with ' +
        'ESMTPS id 1; Mon, 1 Dec 2025 10:00:02 +0000\r\n',
    );
    // was SPF fail for 127.0.0.1 (where the import came from), and DMARC fail (p=reject)
    expect(delivered).toMatchObject({
      spf: { result: 'pass', clientIp: '192.0.2.10', sender: 'bounces@shop.example' },
      dmarc: { result: 'pass', policy: 'reject' },
      spfClientFrom: { hop: 1, receiver: 'mx.isp.example', why: 'imported' },
    });
    // no stamp names a server on the Internet: judged where it came from, and said so
    const unstamped = await ingest('');
    expect(unstamped.spf).toMatchObject({ result: 'fail', clientIp: '127.0.0.1' });
    expect(unstamped.spfClientFrom).toBeNull();
    // an app's own mail over SMTP is judged for its client, with no such note
    const sent = await send({ from: 'App <noreply@app.example>', dkim: false, subject: 'smtp' });
    const overSmtp = await relay.api<MessageAuthCheck>(`/api/v1/message/${sent}/auth-check`);
    expect(overSmtp.spf.clientIp).toBe('127.0.0.1');
    expect(overSmtp.spfClientFrom).toBeUndefined();
    // the saved message sent to Relaydesk again from this machine, its stamps below Relaydesk's
    const info = await relay.transport().sendMail({
      envelope: { from: 'bounces@shop.example', to: ['reader@isp.example'] },
      raw:
        'Received: from out.shop.example (out.shop.example [192.0.2.10]) by mx.isp.example with ' +
        'ESMTPS id 1; Mon, 1 Dec 2025 10:00:02 +0000\r\n' +
        'From: Shop <orders@shop.example>\r\nTo: reader@isp.example\r\nSubject: Your order again\r\n' +
        'Date: Mon, 1 Dec 2025 10:00:00 +0000\r\n\r\nthanks\r\n',
    });
    const again = /queued as (\S+)/.exec(info.response)?.[1] as string;
    // was SPF fail for 127.0.0.1
    expect(await relay.api<MessageAuthCheck>(`/api/v1/message/${again}/auth-check`)).toMatchObject({
      spf: { result: 'pass', clientIp: '192.0.2.10' },
      dmarc: { result: 'pass' },
      spfClientFrom: { hop: 1, receiver: 'mx.isp.example', why: 'sent-again' },
    });
  });

  it('answers offline when DNS is down, and 404 for an unknown message', async () => {
    const id = await send({ from: 'App <noreply@app.example>', dkim: true, subject: 'offline' });
    dns.silent = true;
    try {
      // the resolver keeps answers it had: ask about a domain it has not seen
      const other = await send({ from: 'y@unseen.example', dkim: false, subject: 'unseen' });
      const check = await relay.api<MessageAuthCheck>(`/api/v1/message/${other}/auth-check`);
      expect(check.offline).toBe(true);
      expect(check.spf.badge).toBe('offline');
      const cached = await relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
      expect(cached.dkim[0]?.badge).toBe('pass');
    } finally {
      dns.silent = false;
    }
    expect((await relay.fetch('/api/v1/message/nope/auth-check')).status).toBe(404);
  });
});
