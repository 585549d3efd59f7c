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
