// Sender rewriting on the way to a real upstream: what the upstream receives (MAIL FROM, From,
// Reply-To, Sender, the DKIM signature's domain), what stays as the client sent it (the stored
// copy, a bounce's null sender), what each attempt says it sent as, and a bad rule refused with
// the field named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import {
  startUpstreamServer,
  type ReceivedMessage,
  type RunningUpstream,
} from '../helpers/upstream-server.js';

let upstream: RunningUpstream;
let relay: TestRelaydesk;

beforeAll(async () => {
  upstream = await startUpstreamServer({ tls: 'none' });
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    senderRewrite: [
      { match: '*@printer.local', to: 'office@example.com' },
      { match: '/^www-data@/', to: 'web@example.com', from: 'always' },
    ],
  });
});
afterAll(async () => {
  await relay?.dispose();
  await upstream?.close();
});

/** Sends `raw` with the envelope given; what the upstream got and the delivery record. */
async function relayed(
  from: string,
  raw: string,
): Promise<{ got: ReceivedMessage; delivery: MessageDelivery; id: string }> {
  const before = upstream.messages.length;
  const info = await relay.transport().sendMail({
    envelope: { from, to: ['boss@customer.example'] },
    raw: raw.replace(/\n/g, '\r\n'),
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const delivery = await settled(relay, id, (d) => d.status === 'delivered');
  const got = upstream.messages[before] as ReceivedMessage;
  expect(upstream.messages).toHaveLength(before + 1);
  return { got, delivery, id };
}

const head = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0] as string;

describe('sender rewriting', () => {
  it('sends a scanner’s mail as the office mailbox: envelope and From, the display name kept, the stored copy untouched', async () => {
    const original =
      'From: "Scanner on floor 2" <scan@printer.local>\nSender: scan@printer.local\nTo: boss@customer.example\nSubject: Scan 0042\n\nAttached.\n';
    const { got, delivery, id } = await relayed('scan@printer.local', original);
    expect(got.mailFrom).toBe('office@example.com');
    expect(head(got.raw)).toContain('\r\nFrom: "Scanner on floor 2" <office@example.com>\r\n');
    expect(head(got.raw)).toContain('\r\nSender: office@example.com\r\n');
    expect(head(got.raw)).not.toMatch(/printer\.local/);
    expect(head(got.raw)).not.toMatch(/^Reply-To:/im);
    expect(got.raw.toString()).toContain('\r\n\r\nAttached.\r\n');
    const attempt = delivery.recipients[0]?.attempts[0];
    expect(attempt?.sentAs).toEqual({
      mailFrom: 'office@example.com',
      from: '"Scanner on floor 2" <office@example.com>',
      rule: 'senderRewrite[0] "*@printer.local"',
    });
    expect(attempt?.transcript).toContain('MAIL FROM:<office@example.com>');
    // the message kept and shown is what the scanner sent
    const stored = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(stored).toContain('From: "Scanner on floor 2" <scan@printer.local>');
    expect(stored).not.toContain('office@example.com');
  });

  it('with "from": "always" sends a web form’s message as the site, and the visitor is the Reply-To', async () => {
    const { got, delivery } = await relayed(
      'www-data@web1.internal',
      'From: Jane Visitor <jane@gmail.example>\nTo: boss@customer.example\nSubject: Contact form\n\nPlease call me.\n',
    );
    expect(got.mailFrom).toBe('web@example.com');
    expect(head(got.raw)).toMatch(/^From: Jane Visitor <web@example\.com>\r\n/m);
    expect(head(got.raw)).toMatch(/^Reply-To: Jane Visitor <jane@gmail\.example>\r\n/m);
    expect(delivery.recipients[0]?.attempts[0]?.sentAs?.rule).toBe(
      'senderRewrite[1] "/^www-data@/"',
    );

    // a Reply-To the form set itself is left as it is
    const { got: second } = await relayed(
      'www-data@web1.internal',
      'From: Jane Visitor <jane@gmail.example>\nReply-To: sales@shop.example\nTo: boss@customer.example\nSubject: Contact form\n\nAgain.\n',
    );
    expect(head(second.raw).match(/^Reply-To:.*$/gim)).toEqual(['Reply-To: sales@shop.example']);
  });

  it('leaves other senders and a bounce’s null sender alone, byte for byte', async () => {
    const message =
      'From: Alice <alice@example.org>\nTo: boss@customer.example\nSubject: Hello\n' +
      'Date: Sun, 06 Dec 2026 10:00:00 +0000\nMessage-ID: <hello@example.org>\n\nHi.\n';
    const { got, delivery } = await relayed('alice@example.org', message);
    expect(got.mailFrom).toBe('alice@example.org');
    expect(got.raw.toString()).toContain(message.replace(/\n/g, '\r\n'));
    expect(delivery.recipients[0]?.attempts[0]?.sentAs).toBeUndefined();

    // a bounce from the printer's domain keeps <> (a bounce from a real address could loop),
    // while its From is still what the upstream lets through
    const { got: bounce } = await relayed(
      '',
      'From: MAILER-DAEMON@printer.local\nTo: boss@customer.example\nSubject: Undelivered\n\nFailed.\n',
    );
    expect(bounce.mailFrom).toBe('');
    expect(head(bounce.raw)).toMatch(/^From: office@example\.com\r\n/m);
  });

  it('signs for the new From’s domain: rewriting comes before DKIM', async () => {
    const key = await relay.fetch('/api/v1/dkim/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'example.com', selector: 'office', algorithm: 'ed25519' }),
    });
    expect(key.status).toBe(201);
    // a new key waits for DNS; its record counts as published here
    await relay.fetch('/api/v1/dkim/keys/example.com/office', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: true }),
    });
    try {
      const { got, delivery } = await relayed(
        'scan@printer.local',
        'From: scan@printer.local\nTo: boss@customer.example\nSubject: Scan 0043\n\nAttached.\n',
      );
      expect(head(got.raw)).toMatch(/^DKIM-Signature:[^]*?\bd=example\.com;/m);
      expect(delivery.recipients[0]?.attempts[0]?.signedBy).toEqual([
        { domain: 'example.com', selector: 'office', algorithm: 'ed25519-sha256' },
      ]);
    } finally {
      await relay.fetch('/api/v1/dkim/keys/example.com/office', { method: 'DELETE' });
    }
  });

  it('says in the routing test what a sender goes to the upstream as, and follows a saved change', async () => {
    const test = async (sender: string) =>
      (
        await relay.api<{ sentAs: unknown }>('/api/v1/routing/test', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ recipient: 'boss@customer.example', sender }),
        })
      ).sentAs;
    expect(await test('scan@printer.local')).toEqual({
      mailFrom: 'office@example.com',
      rule: 'senderRewrite[0] "*@printer.local"',
    });
    expect(await test('alice@example.org')).toBeNull();
    const saved = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        senderRewrite: [{ match: '*@example.org', to: 'relay@example.com' }],
      }),
    });
    expect(saved.status).toBe(200);
    expect(await test('alice@example.org')).toEqual({
      mailFrom: 'relay@example.com',
      rule: 'senderRewrite[0] "*@example.org"',
    });
    const { got } = await relayed(
      'alice@example.org',
      'From: Alice <alice@example.org>\nTo: boss@customer.example\nSubject: Hello again\n\nHi.\n',
    );
    expect(got.mailFrom).toBe('relay@example.com');
    expect(head(got.raw)).toMatch(/^From: Alice <relay@example\.com>\r\n/m);
  });

  it('refuses a rule that is not one, naming the entry, the field and the fix', async () => {
    await expect(
      startTestRelaydesk({ senderRewrite: [{ match: '*@printer.local', to: 'the office' }] }),
    ).rejects.toThrow(
      'senderRewrite[0].to: "the office" is not an email address; give the address the upstream lets you send as, e.g. "office@example.com"',
    );
    await expect(
      startTestRelaydesk({ senderRewrite: [{ match: '/(/', to: 'office@example.com' }] }),
    ).rejects.toThrow(/^senderRewrite\[0\]\.match: "\/\(\/" is not a valid regex/);
    await expect(
      startTestRelaydesk({
        senderRewrite: [{ match: '*', to: 'office@example.com', from: 'yes' }],
      }),
    ).rejects.toThrow('senderRewrite[0].from: "yes" is not valid; give "matching"');
  });
});
