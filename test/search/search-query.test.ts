import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageIndex } from '../../main/core/index/message-index.js';
import {
  matchesQuery,
  parseSearchQuery,
  SearchSyntaxError,
  type SearchOptions,
} from '../../main/core/search/index.js';
import type { MessageRecord } from '../../main/core/message-record.js';
import { address, makeRecord } from './record-factory.js';

const invoice = makeRecord({
  id: 'invoice',
  read: true,
  size: 50_000,
  tags: ['Finance'],
  receivedAt: '2024-03-01T09:00:00.000Z',
  summary: {
    messageId: 'inv-42@shop.example',
    subject: 'Invoice #42 for March',
    from: address('billing@shop.example', 'Billing Dept'),
    to: [address('alice@example.com', 'Alice Liddell')],
    cc: [address('carol@example.org', 'Carol')],
    attachments: 1,
    searchText: 'please find your invoice attached. total: 10 eur <ref;abc>',
  },
});

const welcome = makeRecord({
  id: 'welcome',
  mailbox: 'Staging',
  size: 3_000,
  receivedAt: '2024-03-15T18:30:00.000Z',
  summary: {
    messageId: 'welcome-1@app.example',
    subject: 'Welcome aboard, Bob',
    from: address('team@app.example', 'Team'),
    to: [address('bob@example.com', 'Bob')],
    bcc: [address('audit@example.com')],
    replyTo: [address('support@app.example', 'Support')],
    inline: 1,
    searchText: 'hello bob, thanks for signing up 🎉 — the team',
  },
});

const report = makeRecord({
  id: 'report',
  read: true,
  size: 1_500_000,
  tags: ['weekly', 'Finance'],
  receivedAt: '2024-04-02T00:00:00.000Z',
  summary: {
    messageId: 'r-7@firma.example',
    subject: 'Wöchentlicher Bericht',
    from: address('joerg@firma.example', 'Jörg Müller'),
    to: [address('alice@example.com', 'Alice Liddell')],
    returnPath: 'bounce@firma.example',
    searchText: 'die äpfel sind reif. 日本語のテキスト',
  },
});

const records = [invoice, welcome, report];

// The same records in the SQLite index: every query below is answered by both the in-memory
// matcher and the index's SQL, and the two must agree.
const indexDir = mkdtempSync(join(tmpdir(), 'relaydesk-search-'));
const index = new MessageIndex();
index.open(join(indexDir, 'index.sqlite'));
await index.rebuild(async (add) => add(records.map((r) => structuredClone(r))));
afterAll(() => {
  index.close();
  rmSync(indexDir, { recursive: true, force: true });
});

function inIndex(compiled: ReturnType<typeof parseSearchQuery>): string[] {
  return index
    .page(0, 100, compiled)
    .records.map((r) => r.id)
    .sort();
}

function search(query: string, options?: SearchOptions): string[] {
  const compiled = parseSearchQuery(query, options);
  const found = records.filter((r) => matchesQuery(r, compiled)).map((r) => r.id);
  expect(inIndex(compiled), `the index's answer to ${query}`).toEqual([...found].sort());
  return found;
}

describe('Mailpit search: operators', () => {
  it.each<[string, string[]]>([
    ['', ['invoice', 'welcome', 'report']],
    ['   ', ['invoice', 'welcome', 'report']],
    // plain words: subject, addresses, message-id, return-path and body text, any case
    ['invoice', ['invoice']],
    ['INVOICE', ['invoice']],
    ['alice', ['invoice', 'report']],
    ['Liddell', ['invoice', 'report']],
    ['audit@example.com', ['welcome']],
    ['support', ['welcome']],
    ['inv-42@shop.example', ['invoice']],
    ['bounce@firma', ['report']],
    ['signing', ['welcome']],
    ['äpfel', ['report']],
    ['ÄPFEL', ['report']],
    ['日本語', ['report']],
    ['wöchentlicher', ['report']],
    // emoji and signs beyond ASCII are searched, as Mailpit does: skipped, they matched everything
    ['🎉', ['welcome']],
    ['—', ['welcome']],
    ['subject:🎉', []],
    // Mailpit cleans < > " , ; ( ) out of both sides
    ['"ref abc"', ['invoice']],
    ['<ref;abc>', ['invoice']],
    ['"aboard bob"', ['welcome']],
    ['hello bob', ['welcome']],
    ['"bob hello"', []],
    // address fields: name or address, substring
    ['to:alice', ['invoice', 'report']],
    ['to:"alice liddell"', ['invoice', 'report']],
    ['to:bob@example.com', ['welcome']],
    ['to:carol', []],
    ['from:billing', ['invoice']],
    ['FROM:Billing', ['invoice']],
    ['from:"jörg müller"', ['report']],
    ['from:JÖRG', ['report']],
    ['cc:carol@example.org', ['invoice']],
    ['bcc:audit', ['welcome']],
    ['reply-to:support@app.example', ['welcome']],
    ['reply-to:alice', []],
    ['addressed:alice', ['invoice', 'report']],
    ['addressed:audit', ['welcome']],
    ['addressed:support', ['welcome']],
    ['addressed:carol', ['invoice']],
    // subject is matched as typed (not cleaned), ignoring case
    ['subject:march', ['invoice']],
    ['subject:"Invoice #42"', ['invoice']],
    ['subject:"aboard, bob"', ['welcome']],
    ['subject:"aboard bob"', []],
    ['subject:wöchentlicher', ['report']],
    ['message-id:inv-42', ['invoice']],
    ['message-id:<inv-42@shop.example>', ['invoice']],
    // tags and mailboxes are whole names, any case
    ['tag:finance', ['invoice', 'report']],
    ['tag:Weekly', ['report']],
    ['tag:week', []],
    ['mailbox:staging', ['welcome']],
    ['mailbox:default', ['invoice', 'report']],
    ['mailbox:stag', []],
    // flags
    ['is:read', ['invoice', 'report']],
    ['is:unread', ['welcome']],
    ['IS:UNREAD', ['welcome']],
    ['is:tagged', ['invoice', 'report']],
    ['has:attachment', ['invoice']],
    ['has:attachments', ['invoice']],
    ['has:inline', ['welcome']],
    ['has:inlines', ['welcome']],
    // sizes: k and m are powers of 1024, comparisons strict
    ['larger:10k', ['invoice', 'report']],
    ['larger:1M', ['report']],
    ['larger:1.5m', []],
    ['smaller:3000', []],
    ['smaller:3001', ['welcome']],
    ['smaller:48.8KB', ['welcome']],
    ['smaller:48.9KB', ['invoice', 'welcome']],
    ['smaller:49kb', ['invoice', 'welcome']],
    ['larger:0', ['invoice', 'welcome', 'report']],
    // dates compare with the time the message was received, both bounds inclusive
    ['after:2024-03-15T18:30:00Z', ['welcome', 'report']],
    ['before:2024-03-15T18:30:00Z', ['invoice', 'welcome']],
    ['after:2024-03-02 before:2024-04-01', ['welcome']],
  ])('%s', (query, expected) => {
    expect(search(query, { timeZone: 'UTC' })).toEqual(expected);
  });

  it('treats unknown operators and is:/has: values as plain words, as Mailpit does', () => {
    const withColon = makeRecord({ summary: { searchText: 'ticket foo:bar was opened' } });
    expect(matchesQuery(withColon, parseSearchQuery('foo:bar'))).toBe(true);
    expect(parseSearchQuery('is:starred').terms).toMatchObject([
      { field: 'text', value: 'is:starred', negated: false },
    ]);
    expect(parseSearchQuery('has:pdf').terms[0]?.field).toBe('text');
  });

  it('skips words with nothing to search for', () => {
    for (const query of ['to:', 'subject:', 'before:', 'larger:', '-', '!', '<>', '"" ;', '@']) {
      expect(parseSearchQuery(query).terms, query).toEqual([]);
    }
  });
});

describe('Mailpit search: negation', () => {
  it.each<[string, string[]]>([
    ['!invoice', ['welcome', 'report']],
    ['-invoice', ['welcome', 'report']],
    ['!to:alice', ['welcome']],
    ['-from:billing@shop.example', ['welcome', 'report']],
    ['!addressed:alice', ['welcome']],
    ['!subject:march', ['welcome', 'report']],
    ['!message-id:inv-42', ['welcome', 'report']],
    ['!tag:finance', ['welcome']],
    ['-mailbox:staging', ['invoice', 'report']],
    ['!is:read', ['welcome']],
    ['!is:unread', ['invoice', 'report']],
    ['!is:tagged', ['welcome']],
    ['!has:attachment', ['welcome', 'report']],
    ['-has:inline', ['invoice', 'report']],
    ['!"ref abc"', ['welcome', 'report']],
    ['-"aboard bob"', ['invoice', 'report']],
    ['!日本語', ['invoice', 'welcome']],
    ['!🎉', ['invoice', 'report']],
    // a second sign is part of the word: "--x" excludes "-x"
    ['--invoice', ['invoice', 'welcome', 'report']],
  ])('%s', (query, expected) => {
    expect(search(query)).toEqual(expected);
  });

  it('flips size and date comparisons instead of negating them, as Mailpit does', () => {
    // !larger:N is Size < N, so a message of exactly N bytes matches neither larger:N nor !larger:N
    expect(search('larger:3000')).toEqual(['invoice', 'report']);
    expect(search('!larger:3000')).toEqual([]);
    expect(search('!smaller:3000')).toEqual(['invoice', 'report']);
    expect(search('!smaller:3001')).toEqual(['invoice', 'report']);
    // !after:T is Created <= T, so a message received exactly at T matches both
    const at = { timeZone: 'UTC' };
    expect(search('after:2024-03-15T18:30:00Z', at)).toEqual(['welcome', 'report']);
    expect(search('!after:2024-03-15T18:30:00Z', at)).toEqual(['invoice', 'welcome']);
    expect(search('!before:2024-03-15T18:30:00Z', at)).toEqual(['welcome', 'report']);
  });

  it('records the negation on the term', () => {
    expect(parseSearchQuery('!to:alice -is:read').terms).toMatchObject([
      { field: 'is', value: 'read', negated: true },
      { field: 'to', value: 'alice', negated: true },
    ]);
  });
});

describe('Mailpit search: quoting and combining', () => {
  it.each<[string, string[]]>([
    // every word must hold
    ['alice march', ['invoice']],
    ['alice !march', ['report']],
    ['subject:invoice !from:admin@example.com is:tagged', ['invoice']],
    ['to:alice is:read tag:weekly larger:1m', ['report']],
    ['to:alice is:unread', []],
    // quotes group words and vanish wherever they are
    ['"subject:welcome aboard"', ['welcome']],
    ['subject:"welcome aboard"', ['welcome']],
    ['sub"ject:welcome abo"ard', ['welcome']],
    ['"welcome aboard" is:unread', ['welcome']],
    ['to:"Alice Liddell" "invoice attached"', ['invoice']],
    ['!"invoice attached" to:alice', ['report']],
    ['-"to:alice liddell"', ['welcome']],
    // any whitespace separates words
    ['alice\tmarch', ['invoice']],
    ['alice\n  march', ['invoice']],
  ])('%s', (query, expected) => {
    expect(search(query)).toEqual(expected);
  });

  it('compiles each word to one term with its lowercased needle', () => {
    const { terms, source } = parseSearchQuery('Subject:"Weekly Report" FROM:Bob "Hello, World"');
    expect(source).toBe('Subject:"Weekly Report" FROM:Bob "Hello, World"');
    expect(terms.map(({ field, value, negated }) => ({ field, value, negated }))).toEqual([
      { field: 'subject', value: 'weekly report', negated: false },
      { field: 'from', value: 'bob', negated: false },
      { field: 'text', value: 'hello world', negated: false },
    ]);
  });

  it('checks cheap conditions before body text', () => {
    const fields = parseSearchQuery('hello to:bob larger:1k is:read').terms.map((t) => t.field);
    expect(fields).toEqual(['is', 'larger', 'to', 'text']);
  });
});

describe('Mailpit search: dates and time zones', () => {
  const at = (receivedAt: string): MessageRecord => makeRecord({ receivedAt });
  const matches = (record: MessageRecord, query: string, options?: SearchOptions) =>
    matchesQuery(record, parseSearchQuery(query, options));

  it.each<[string, string]>([
    ['2024-01-31', '2024-01-31T00:00:00.000Z'],
    ['2024/01/31', '2024-01-31T00:00:00.000Z'],
    ['2024.1.5', '2024-01-05T00:00:00.000Z'],
    ['20240131', '2024-01-31T00:00:00.000Z'],
    ['01/31/2024', '2024-01-31T00:00:00.000Z'],
    ['31 Jan 2024', '2024-01-31T00:00:00.000Z'],
    ['31-January-2024', '2024-01-31T00:00:00.000Z'],
    ['Jan 31, 2024', '2024-01-31T00:00:00.000Z'],
    ['January 31st 2024', '2024-01-31T00:00:00.000Z'],
    ['2024-01-31 13:45', '2024-01-31T13:45:00.000Z'],
    ['2024-01-31T13:45:30', '2024-01-31T13:45:30.000Z'],
    ['2024-01-31T13:45:30.25', '2024-01-31T13:45:30.250Z'],
    ['2024-01-31T13:45:00Z', '2024-01-31T13:45:00.000Z'],
    ['2024-01-31T13:45:00+02:00', '2024-01-31T11:45:00.000Z'],
    ['2024-01-31 13:45 -0500', '2024-01-31T18:45:00.000Z'],
    ['Wed, 31 Jan 2024 13:45:00 +0100', '2024-01-31T12:45:00.000Z'],
    ['1706708700', '2024-01-31T13:45:00.000Z'],
    ['1706708700000', '2024-01-31T13:45:00.000Z'],
  ])('reads %s', (typed, instant) => {
    const [term] = parseSearchQuery(`after:"${typed}"`, { timeZone: 'UTC' }).terms;
    expect(term).toMatchObject({ field: 'after', value: instant });
  });

  it('reads a date without a zone in the searcher’s time zone', () => {
    const midnight = (timeZone: string) =>
      parseSearchQuery('before:2024-07-01', { timeZone }).terms[0]?.value;
    expect(midnight('UTC')).toBe('2024-07-01T00:00:00.000Z');
    expect(midnight('+02:00')).toBe('2024-06-30T22:00:00.000Z');
    expect(midnight('-0530')).toBe('2024-07-01T05:30:00.000Z');
    // named zones follow daylight saving time: Berlin is +02:00 in July, +01:00 in January
    expect(midnight('Europe/Berlin')).toBe('2024-06-30T22:00:00.000Z');
    expect(
      parseSearchQuery('before:2024-01-01', { timeZone: 'Europe/Berlin' }).terms[0]?.value,
    ).toBe('2023-12-31T23:00:00.000Z');
    expect(midnight('Pacific/Auckland')).toBe('2024-06-30T12:00:00.000Z');
    expect(midnight('America/New_York')).toBe('2024-07-01T04:00:00.000Z');
    // across the spring-forward gap the offset after the change applies
    expect(
      parseSearchQuery('after:"2024-03-10 12:00"', { timeZone: 'America/New_York' }).terms[0]
        ?.value,
    ).toBe('2024-03-10T16:00:00.000Z');
    // an explicit offset in the date wins over the zone
    expect(
      parseSearchQuery('after:2024-07-01T00:00:00Z', { timeZone: 'Asia/Tokyo' }).terms[0]?.value,
    ).toBe('2024-07-01T00:00:00.000Z');
  });

  it('uses this machine’s zone when none is given', () => {
    const local = new Date(2024, 6, 1).toISOString();
    expect(parseSearchQuery('before:2024-07-01').terms[0]?.value).toBe(local);
    expect(parseSearchQuery('before:2024-07-01', { timeZone: 'Local' }).terms[0]?.value).toBe(
      local,
    );
  });

  it('filters by the time the message was received', () => {
    const utc = { timeZone: 'UTC' };
    expect(matches(at('2024-03-01T23:59:59.999Z'), 'before:2024-03-02', utc)).toBe(true);
    expect(matches(at('2024-03-02T00:00:00.000Z'), 'before:2024-03-02', utc)).toBe(true);
    expect(matches(at('2024-03-02T00:00:00.001Z'), 'before:2024-03-02', utc)).toBe(false);
    expect(matches(at('2024-03-02T00:00:00.000Z'), 'after:2024-03-02', utc)).toBe(true);
    expect(matches(at('2024-03-01T23:59:59.999Z'), 'after:2024-03-02', utc)).toBe(false);
    // receivedAt may carry an offset of its own
    expect(matches(at('2024-03-02T00:30:00+01:00'), 'before:2024-03-02', utc)).toBe(true);
    const tokyo = { timeZone: 'Asia/Tokyo' };
    expect(matches(at('2024-03-01T16:00:00Z'), 'after:2024-03-02', tokyo)).toBe(true);
    expect(matches(at('2024-03-01T14:59:59Z'), 'after:2024-03-02', tokyo)).toBe(false);
  });

  it('ignores the time zone, even a bad one, when the query has no date', () => {
    expect(() => parseSearchQuery('to:alice', { timeZone: 'Mars/Olympus_Mons' })).not.toThrow();
  });
});

describe('Mailpit search: malformed input', () => {
  it.each<[string, SearchOptions, string, RegExp]>([
    ['subject:"weekly report', {}, '"', /never closed.*second "/],
    [
      '"a" "b',
      {},
      '"',
      /^the quoted phrase "b is never closed: close it with a second " \(e\.g\. subject:"weekly report"\)$/,
    ],
    [
      'before:yesterday',
      {},
      'before:',
      /before: "yesterday" cannot be read: use a date such as 2024-01-31/,
    ],
    ['after:2024-13-01', {}, 'after:', /after: "2024-13-01"/],
    ['after:2024-02-30', {}, 'after:', /2024-02-30/],
    ['!before:"2024-01-01 25:00"', {}, 'before:', /2024-01-01 25:00/],
    [
      'larger:10G',
      {},
      'larger:',
      /larger: "10G" cannot be read: use bytes, or a number with k, kb, m or mb/,
    ],
    ['smaller:-5', {}, 'smaller:', /"-5"/],
    ['SMALLER:big', {}, 'smaller:', /smaller: "big"/],
    [
      'after:2024-01-01',
      { timeZone: 'Mars/Olympus_Mons' },
      'tz',
      /tz "Mars\/Olympus_Mons" is not a known time zone: use an IANA time zone name/,
    ],
  ])('%s', (query, options, term, message) => {
    let thrown: unknown;
    try {
      parseSearchQuery(query, options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SearchSyntaxError);
    const error = thrown as SearchSyntaxError;
    expect(error.name).toBe('SearchSyntaxError');
    expect(error.term).toBe(term);
    expect(error.message).toMatch(message);
  });

  it('throws nothing but SearchSyntaxError, whatever is typed', () => {
    const word = fc.oneof(
      fc.string(),
      fc.constantFrom('to:', 'before:', 'after:', 'larger:', 'smaller:', 'is:', '!', '-', '"'),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), fc.string(), (words, timeZone) => {
        try {
          const query = parseSearchQuery(words.join(''), { timeZone });
          for (const r of records) matchesQuery(r, query);
        } catch (err) {
          if (!(err instanceof SearchSyntaxError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Mailpit search: laws', () => {
  // Not starting with - or !: quotes do not protect a sign from being read as exclusion.
  const word = fc.stringMatching(/^[a-zA-Z0-9äÖ@._ ,<>][a-zA-Z0-9äÖ@._ ,<>-]{0,7}$/);
  const field = fc.constantFrom(
    '',
    'to:',
    'from:',
    'cc:',
    'addressed:',
    'subject:',
    'tag:',
    'message-id:',
  );

  it('an excluded word matches exactly the records the word does not', () => {
    fc.assert(
      fc.property(field, word, (prefix, value) => {
        const typed = `${prefix}"${value}"`;
        const plain = parseSearchQuery(typed);
        const excluded = parseSearchQuery(`!${typed}`);
        fc.pre(plain.terms.length === 1);
        for (const r of records) {
          expect(matchesQuery(r, excluded)).toBe(!matchesQuery(r, plain));
        }
      }),
    );
  });

  it('the index answers every word as the in-memory matcher does', () => {
    fc.assert(
      fc.property(fc.boolean(), field, word, (excluded, prefix, value) => {
        const compiled = parseSearchQuery(`${excluded ? '!' : ''}${prefix}"${value}"`);
        const found = records.filter((r) => matchesQuery(r, compiled)).map((r) => r.id);
        expect(inIndex(compiled)).toEqual(found.sort());
      }),
    );
  });

  it('words AND together', () => {
    fc.assert(
      fc.property(field, word, field, word, (p1, v1, p2, v2) => {
        const a = `${p1}"${v1}"`;
        const b = `${p2}"${v2}"`;
        for (const r of records) {
          expect(matchesQuery(r, parseSearchQuery(`${a} ${b}`))).toBe(
            matchesQuery(r, parseSearchQuery(a)) && matchesQuery(r, parseSearchQuery(b)),
          );
        }
      }),
    );
  });
});
