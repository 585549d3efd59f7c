import { describe, expect, it } from 'vitest';
import {
  compileMailhogSearch,
  matchesMailhogSearch,
  type MailhogSearchKind,
} from '../../main/core/search/index.js';
import { address, makeRecord } from './record-factory.js';

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

function search(kind: MailhogSearchKind, query: string): string[] {
  return records.filter((r) => matchesMailhogSearch(r, kind, query)).map((r) => r.id);
}

describe('MailHog v2 search', () => {
  it.each<[MailhogSearchKind, string, string[]]>([
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
    // containing: body and headers
    ['containing', 'percent off', ['newsletter']],
    ['containing', 'spring sale', ['newsletter']],
    ['containing', 'carol@example.org', ['newsletter']],
    ['containing', 'nl-2024', ['newsletter']],
    ['containing', 'mx1.mailer', ['newsletter']],
    ['containing', 'mail system', ['bounce']],
    ['containing', 'example.com', ['newsletter', 'bounce']],
    ['containing', 'nowhere', []],
    // no syntax: quotes, colons and regex characters are literal
    ['containing', 'to:alice', []],
    ['containing', '.*', []],
    ['from', 'bounces+', ['newsletter']],
    // an empty query matches everything, as strings.Contains(x, "") does
    ['containing', '', ['newsletter', 'bounce']],
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
