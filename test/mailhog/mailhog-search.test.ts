import { describe, expect, it } from 'vitest';
import {
  compileMailhogSearch,
  matchesMailhogSearch,
  searchMailhogContaining,
  type MailhogAddressSearchKind,
} from '../../main/server/mailhog/mailhog-search.js';
import { address, makeRecord } from '../search/record-factory.js';

const newsletter = makeRecord({
  id: 'newsletter',
  envelope: {
    mailFrom: 'bounces+123@mailer.example',
    rcptTo: ['alice@example.com', 'hidden@example.net'],
    helo: 'mx1.mailer.example',
  },
  summary: {
    subject: 'Spring Sale',
    messageId: 'nl-2024@mailer.example',
    from: address('news@shop.example', 'Shop News'),
    to: [address('alice@example.com', 'Alice')],
    cc: [address('carol@example.org', 'Carol')],
    returnPath: 'bounces+123@mailer.example',
    searchText: 'twenty percent off everything',
  },
});

const bounce = makeRecord({
  id: 'bounce',
  envelope: { mailFrom: '', rcptTo: ['<Postmaster@Example.COM>'], helo: 'localhost' },
  summary: {
    subject: 'Undelivered Mail Returned to Sender',
    from: address('MAILER-DAEMON@example.com'),
    to: [address('postmaster@example.com')],
    searchText: 'this is the mail system at host example.com',
  },
});

const records = [newsletter, bounce];

function search(kind: MailhogAddressSearchKind, query: string): string[] {
  return records.filter((r) => matchesMailhogSearch(r, kind, query)).map((r) => r.id);
}

describe('MailHog v2 search', () => {
  it.each<[MailhogAddressSearchKind, string, string[]]>([
    // from: the envelope sender or the From header
    ['from', 'bounces+123@mailer', ['newsletter']],
    ['from', 'news@shop', ['newsletter']],
    ['from', 'SHOP NEWS', ['newsletter']],
    ['from', 'mailer-daemon', ['bounce']],
    ['from', 'alice', []],
    // a null sender reads as "@" (empty mailbox and domain), as in MailHog
    ['from', '@', ['newsletter', 'bounce']],
    // to: any envelope recipient (so Bcc'd ones too) or the To header, not Cc
    ['to', 'hidden@example.net', ['newsletter']],
    ['to', 'ALICE@example.com', ['newsletter']],
    ['to', 'postmaster@example.com', ['bounce']],
    ['to', 'carol', []],
    ['to', 'shop', []],
    // no syntax: regex characters are literal
    ['from', 'bounces+', ['newsletter']],
    ['to', '.*', []],
    // an empty query matches everything, as strings.Contains(x, "") does
    ['to', '', ['newsletter', 'bounce']],
  ])('%s=%s', (kind, query, expected) => {
    expect(search(kind, query)).toEqual(expected);
  });

  it('gives the same answers compiled once', () => {
    const test = compileMailhogSearch('to', 'example');
    expect(records.map(test)).toEqual([true, true]);
    expect(matchesMailhogSearch(newsletter, 'from', 'zz')).toBe(false);
    expect(matchesMailhogSearch(newsletter, 'to', 'zz')).toBe(false);
    expect(matchesMailhogSearch(newsletter, 'to', 'alice')).toBe(true);
  });
});

describe('MailHog v2 search: containing, over the raw message as MailHog reads it', () => {
  const raws = new Map<string, Buffer>([
    [
      'newsletter',
      Buffer.from(
        [
          'Received: from mx1.mailer.example by relay.test (Relaydesk)',
          'From: Shop News <news@shop.example>',
          'To: Alice <alice@example.com>',
          'Cc: Carol <carol@example.org>',
          'Subject: Spring Sale',
          'Message-ID: <nl-2024@mailer.example>',
          'Content-Type: multipart/mixed; boundary=b',
          '',
          '--b',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'twenty percent off every=',
          'thing, a=3Db',
          '--b',
          'Content-Type: application/pdf; name=price-list.pdf',
          'Content-Disposition: attachment; filename=price-list.pdf',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('secret catalogue').toString('base64'),
          '--b--',
          '',
        ].join('\r\n'),
      ),
    ],
    [
      'bounce',
      Buffer.from(
        'From: MAILER-DAEMON@example.com\r\nTo: postmaster@example.com\r\n' +
          'Subject: Undelivered Mail\r\n\r\nthis is the mail system at host example.com\r\n',
      ),
    ],
  ]);
  const read = async (id: string): Promise<Buffer> => {
    const raw = raws.get(id);
    if (!raw) throw new Error(`no ${id}`);
    return raw;
  };

  it.each<[string, string[]]>([
    // the body as sent: quoted-printable soft breaks and escapes, not the decoded text
    ['every=\r\nthing', ['newsletter']],
    ['a=3Db', ['newsletter']],
    ['everything', []],
    // an attachment's file name in its part headers, and its base64, not its decoded content
    ['price-list.pdf', ['newsletter']],
    [Buffer.from('secret catalogue').toString('base64').slice(0, 12), ['newsletter']],
    ['secret catalogue', []],
    // header values, case-insensitive, including the Return-Path MailHog adds
    ['spring sale', ['newsletter']],
    ['CAROL@example.org', ['newsletter']],
    ['nl-2024', ['newsletter']],
    ['mx1.mailer', ['newsletter']],
    ['<bounces+123@mailer.example>', ['newsletter']],
    ['mail system', ['bounce']],
    ['example.com', ['newsletter', 'bounce']],
    ['nowhere', []],
    ['to:alice', []],
    ['', ['newsletter', 'bounce']],
  ])('containing=%j', async (query, expected) => {
    const found = await searchMailhogContaining(records, read, query);
    expect(found.map((r) => r.id)).toEqual(expected);
  });

  it('skips a message whose file is gone', async () => {
    const found = await searchMailhogContaining(
      [...records, makeRecord({ id: 'deleted' })],
      read,
      '',
    );
    expect(found.map((r) => r.id)).toEqual(['newsletter', 'bounce']);
  });
});
