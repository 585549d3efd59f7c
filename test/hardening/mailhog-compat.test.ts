// MailHog compatibility through the API, with mail sent over SMTP: Content.Body, Size, Raw.Data
// and the MIME part bodies as MailHog returns them (without the CRLF that ends DATA), and
// `kind=containing` over the raw message as MailHog searches it: headers and undecoded bodies, so
// a quoted-printable form and an attachment's file name are found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailhogPage } from '../../main/server/mailhog/mailhog-message.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0, reverseDnsTimeoutMs: 0 });
  const transport = relay.transport();
  await transport.sendMail({
    envelope: { from: 'app@sender.example', to: ['b@team.example'] },
    raw: [
      'From: app@sender.example',
      'To: b@team.example',
      'Subject: parts',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hello',
      '--b--',
      '',
    ].join('\r\n'),
  });
  await transport.sendMail({
    from: 'app@sender.example',
    to: 'c@team.example',
    subject: 'encoded',
    text: 'Grüße, 1+1=2',
    textEncoding: 'quoted-printable',
    attachments: [{ filename: 'price-list.csv', content: 'secret,catalogue\n' }],
  });
});
afterAll(async () => relay?.dispose());

async function search(query: string): Promise<string[]> {
  const page = await relay.api<MailhogPage>(
    `/api/v2/search?kind=containing&query=${encodeURIComponent(query)}`,
  );
  return page.items.map((m) => m.Content.Headers.Subject?.[0] ?? '');
}

describe('MailHog content', () => {
  it('Body, Size, Raw.Data and part bodies end where MailHog ends them', async () => {
    const page = await relay.api<MailhogPage>('/api/v2/messages');
    const parts = page.items.find((m) => m.Content.Headers.Subject?.[0] === 'parts');
    expect(parts?.Content.Body).toBe('--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--');
    expect(parts?.Raw.Data.endsWith('hello\r\n--b--')).toBe(true);
    expect(parts?.Content.Size).toBe(Buffer.byteLength(parts?.Raw.Data ?? ''));
    expect(parts?.MIME?.Parts?.map((p) => p.Body)).toEqual(['hello', '--']);
    expect(parts?.MIME?.Parts?.[0]?.Headers).toEqual({ 'Content-Type': ['text/plain'] });
  });
});

describe('MailHog search: containing', () => {
  it('finds the quoted-printable form and an attachment file name, not decoded text', async () => {
    expect(await search('Gr=C3=BC=C3=9Fe, 1+1=3D2')).toEqual(['encoded']);
    expect(await search('price-list.csv')).toEqual(['encoded']);
    expect(await search(Buffer.from('secret,catalogue\n').toString('base64'))).toEqual(['encoded']);
    expect(await search('Grüße')).toEqual([]);
    expect(await search('secret,catalogue')).toEqual([]);
    // headers, whatever their case, and the Return-Path MailHog adds
    expect(await search('SUBJECT: PARTS')).toEqual([]);
    expect(await search('PARTS')).toEqual(['parts']);
    expect(await search('<app@sender.example>')).toEqual(['encoded', 'parts']);
  });
});
