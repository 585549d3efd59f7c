// Mailpit's search syntax (internal/storage/search.go), evaluated in memory over message records
// instead of compiled to SQL. Every word of the query is one condition and all of them must hold;
// a word starting with `!` or `-` is excluded instead. The words are compiled once, here, so that
// `matchesQuery` can run over 100,000 records per keystroke without allocating.
//
// Where Mailpit's behaviour is an accident of SQL we do the plain thing and say so:
// - `to:`/`from:`… look in each address's name and address; Mailpit runs LIKE over the JSON of the
//   address list, so `to:address` matches every message there (the JSON key).
// - a bad date or size is a SearchSyntaxError; Mailpit logs it and ignores the word (a bad size
//   even becomes a text search for "larger:abc").
// - words without an ASCII letter or digit (e.g. 日本) are searched; Mailpit drops them.
// - a word made only of ASCII signs (`-`, `!`, `@`, `<>`) is skipped: it is what a person types on
//   the way to an exclusion, an operator or a phrase, and would match nearly every message.
import { asciiDomainForm } from '../mail/address-key.js';
import type { MailAddress, MessageRecord } from '../message-record.js';
import { parseMessageSize } from './message-size.js';
import { splitQueryWords } from './query-words.js';
import { parseSearchDate, parseSearchTimeZone, type SearchTimeZone } from './search-date.js';
import { cleanSearchWord } from './search-words.js';
import { literalNeedle, looseNeedle, type TextNeedle } from './text-needle.js';

export type SearchField =
  | 'text'
  | 'to'
  | 'from'
  | 'cc'
  | 'bcc'
  | 'reply-to'
  | 'addressed'
  | 'subject'
  | 'message-id'
  | 'tag'
  | 'mailbox'
  | 'is'
  | 'has'
  | 'larger'
  | 'smaller'
  | 'before'
  | 'after';

export interface SearchTerm {
  readonly field: SearchField;
  /**
   * The value as it is compared: lowercased (and for most fields cleaned the way Mailpit cleans
   * it) for text, `read`/`unread`/`tagged`/`attachment`/`inline` for is:/has:, bytes for sizes,
   * an ISO instant for dates.
   */
  readonly value: string;
  readonly negated: boolean;
  /** True when the record satisfies this word, negation included. */
  readonly matches: (record: MessageRecord) => boolean;
}

export interface SearchQuery {
  readonly source: string;
  /** The conditions, cheapest first: that is the order `matchesQuery` checks them in. */
  readonly terms: readonly SearchTerm[];
}

export interface SearchOptions {
  /**
   * The searcher's time zone for dates typed without one (Mailpit's `tz` parameter): an IANA name,
   * `Local`, or an offset such as `+02:00`. Defaults to this machine's zone.
   */
  timeZone?: string;
}

type AddressField = 'to' | 'from' | 'cc' | 'bcc' | 'reply-to';

/** Checked in this order, so `reply-to:` is never read as `to:`. */
const PREFIXED_FIELDS: readonly SearchField[] = [
  'reply-to',
  'to',
  'from',
  'cc',
  'bcc',
  'addressed',
  'subject',
  'message-id',
  'tag',
  'mailbox',
  'after',
  'before',
  'larger',
  'smaller',
];

const FLAGS: Record<string, { field: 'is' | 'has'; value: string }> = {
  'is:read': { field: 'is', value: 'read' },
  'is:unread': { field: 'is', value: 'unread' },
  'is:tagged': { field: 'is', value: 'tagged' },
  'has:attachment': { field: 'has', value: 'attachment' },
  'has:attachments': { field: 'has', value: 'attachment' },
  'has:inline': { field: 'has', value: 'inline' },
  'has:inlines': { field: 'has', value: 'inline' },
};

/** Relative cost of checking a field, to check flags before scanning body text. */
const COST: Record<SearchField, number> = {
  is: 0,
  has: 0,
  mailbox: 0,
  tag: 1,
  larger: 1,
  smaller: 1,
  before: 2,
  after: 2,
  'message-id': 3,
  subject: 3,
  from: 3,
  to: 4,
  cc: 4,
  bcc: 4,
  'reply-to': 4,
  addressed: 5,
  text: 6,
};

/**
 * A word worth searching for: a letter or digit, or any character beyond ASCII. Emoji and signs
 * such as ✅, 🎉, € or — are in subjects and bodies a web app sends; skipped like `-`, `🎉` matched
 * every message, and `DELETE /api/v1/search?query=🎉` deleted every one.
 */
const SEARCHABLE = /[A-Za-z0-9\u0080-\u{10ffff}]/u;

/** Compiles a Mailpit search query; throws SearchSyntaxError on a malformed one. */
export function parseSearchQuery(query: string, options: SearchOptions = {}): SearchQuery {
  let zone: SearchTimeZone | undefined;
  const timeZone = (): SearchTimeZone => (zone ??= parseSearchTimeZone(options.timeZone));

  const terms: SearchTerm[] = [];
  for (const typed of splitQueryWords(query)) {
    if (cleanSearchWord(typed) === '') continue;
    let word = typed;
    let negated = false;
    if (word.length > 1 && (word.startsWith('-') || word.startsWith('!'))) {
      negated = true;
      word = word.slice(1);
    }
    if (!SEARCHABLE.test(word)) continue;
    const term = compileWord(word, negated, timeZone);
    if (term) terms.push(term);
  }
  terms.sort((a, b) => COST[a.field] - COST[b.field]);
  return { source: query, terms };
}

/** True when the record satisfies every condition of the query (an empty query matches all). */
export function matchesQuery(record: MessageRecord, query: SearchQuery): boolean {
  for (const term of query.terms) if (!term.matches(record)) return false;
  return true;
}

function compileWord(
  word: string,
  negated: boolean,
  timeZone: () => SearchTimeZone,
): SearchTerm | null {
  const lower = word.toLowerCase();
  const flag = FLAGS[lower];
  if (flag) return term(flag.field, flag.value, negated, flagTest(flag.value));

  for (const field of PREFIXED_FIELDS) {
    const prefix = `${field}:`;
    if (!lower.startsWith(prefix)) continue;
    const typedValue = word.slice(prefix.length);
    if (typedValue.trim() === '') return null;
    return compilePrefixed(field, prefix, typedValue, negated, timeZone);
  }

  // Anything else, `foo:bar` and `is:unknown` included, is text, as in Mailpit.
  const needle = looseNeedle(word);
  if (needle.text === '') return null;
  return term('text', needle.text, negated, (r) => textContains(r, needle));
}

function compilePrefixed(
  field: SearchField,
  prefix: string,
  typedValue: string,
  negated: boolean,
  timeZone: () => SearchTimeZone,
): SearchTerm | null {
  switch (field) {
    case 'subject': {
      // Mailpit matches the subject with the word as typed, not cleaned.
      const needle = literalNeedle(typedValue);
      return term(field, needle.text, negated, (r) => needle.foundIn(r.summary.subject));
    }
    case 'message-id': {
      const needle = looseNeedle(typedValue);
      if (needle.text === '') return null;
      return term(field, needle.text, negated, (r) => needle.foundIn(r.summary.messageId));
    }
    case 'addressed': {
      const needle = looseNeedle(typedValue);
      if (needle.text === '') return null;
      return term(field, needle.text, negated, (r) => anyAddressContains(r, needle));
    }
    case 'tag': {
      const name = cleanSearchWord(typedValue);
      if (name === '') return null;
      return term(field, name, negated, (r) => r.tags.some((t) => t.toLowerCase() === name));
    }
    case 'mailbox': {
      const name = cleanSearchWord(typedValue);
      if (name === '') return null;
      return term(field, name, negated, (r) => r.mailbox.toLowerCase() === name);
    }
    case 'larger':
    case 'smaller': {
      const bytes = parseMessageSize(prefix, typedValue);
      // Mailpit's exclusions flip the comparison rather than negate it: !larger:N is Size < N.
      const larger = (field === 'larger') !== negated;
      const test = larger
        ? (r: MessageRecord) => r.size > bytes
        : (r: MessageRecord) => r.size < bytes;
      return { field, value: String(bytes), negated, matches: test };
    }
    case 'before':
    case 'after': {
      const instant = parseSearchDate(prefix, typedValue, timeZone());
      // As in Mailpit both bounds are inclusive, and an exclusion flips the comparison.
      const onOrAfter = (field === 'after') !== negated;
      const test = onOrAfter
        ? (r: MessageRecord) => Date.parse(r.receivedAt) >= instant
        : (r: MessageRecord) => Date.parse(r.receivedAt) <= instant;
      return { field, value: new Date(instant).toISOString(), negated, matches: test };
    }
    default: {
      const addressField = field as AddressField;
      const needle = looseNeedle(typedValue);
      if (needle.text === '') return null;
      return term(field, needle.text, negated, (r) =>
        addressFieldContains(r, addressField, needle),
      );
    }
  }
}

function term(
  field: SearchField,
  value: string,
  negated: boolean,
  test: (record: MessageRecord) => boolean,
): SearchTerm {
  return { field, value, negated, matches: negated ? (r) => !test(r) : test };
}

function flagTest(value: string): (record: MessageRecord) => boolean {
  switch (value) {
    case 'read':
      return (r) => r.read;
    case 'unread':
      return (r) => !r.read;
    case 'tagged':
      return (r) => r.tags.length > 0;
    case 'attachment':
      return (r) => r.summary.attachments > 0;
    default:
      return (r) => r.summary.inline > 0;
  }
}

function addressFieldContains(
  record: MessageRecord,
  field: AddressField,
  needle: TextNeedle,
): boolean {
  const s = record.summary;
  switch (field) {
    case 'from':
      return s.from !== null && addressContains(s.from, needle);
    case 'to':
      return addressesContain(s.to, needle);
    case 'cc':
      return addressesContain(s.cc, needle);
    case 'bcc':
      return addressesContain(s.bcc, needle);
    case 'reply-to':
      return addressesContain(s.replyTo, needle);
  }
}

function addressContains(address: MailAddress, needle: TextNeedle): boolean {
  if (needle.foundIn(address.Name) || needle.foundIn(address.Address)) return true;
  // the header's A-labels, as the index has them too (index-row.ts)
  const ascii = asciiDomainForm(address.Address);
  return ascii !== null && needle.foundIn(ascii);
}

function addressesContain(addresses: readonly MailAddress[], needle: TextNeedle): boolean {
  for (const a of addresses) if (addressContains(a, needle)) return true;
  return false;
}

/** `addressed:` — From, To, Cc, Bcc or Reply-To. */
function anyAddressContains(record: MessageRecord, needle: TextNeedle): boolean {
  const s = record.summary;
  return (
    (s.from !== null && addressContains(s.from, needle)) ||
    addressesContain(s.to, needle) ||
    addressesContain(s.cc, needle) ||
    addressesContain(s.bcc, needle) ||
    addressesContain(s.replyTo, needle)
  );
}

/**
 * Plain words: Mailpit's search text is From, Subject, To, Cc, Bcc, Reply-To, Return-Path and the
 * body; we also look in the Message-ID, which Mailpit users type into the box expecting a hit.
 */
function textContains(record: MessageRecord, needle: TextNeedle): boolean {
  const s = record.summary;
  return (
    needle.foundIn(s.subject) ||
    anyAddressContains(record, needle) ||
    needle.foundIn(s.messageId) ||
    needle.foundIn(s.returnPath) ||
    needle.foundIn(s.searchText)
  );
}
