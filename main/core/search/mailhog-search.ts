// MailHog's `GET /api/v2/search?kind=&query=` (storage/memory.go `Search`): one case-insensitive
// substring, no syntax.
// - from: the envelope sender as mailbox@domain, or the From header;
// - to: any envelope recipient as mailbox@domain, or the To header (not Cc);
// - containing: the body or any header value.
// MailHog looks at the raw message; we look at the record, so "containing" sees the decoded body
// text (base64 and quoted-printable bodies become searchable, which in MailHog they are not) and
// the headers the record keeps: Subject, the address headers, Message-ID, Return-Path and the
// HELO name MailHog writes into its Received line.
import type { MailAddress, MessageRecord } from '../message-record.js';
import { literalNeedle, type TextNeedle } from './text-needle.js';

export type MailhogSearchKind = 'from' | 'to' | 'containing';

/** Compiles a MailHog search once, for running it over many records. */
export function compileMailhogSearch(
  kind: MailhogSearchKind,
  query: string,
): (record: MessageRecord) => boolean {
  const needle = literalNeedle(query);
  switch (kind) {
    case 'from':
      return (r) =>
        needle.foundIn(envelopePath(r.envelope.mailFrom)) ||
        (r.summary.from !== null && addressContains(r.summary.from, needle));
    case 'to':
      return (r) =>
        r.envelope.rcptTo.some((rcpt) => needle.foundIn(envelopePath(rcpt))) ||
        addressesContain(r.summary.to, needle);
    case 'containing':
      return (r) => containing(r, needle);
  }
}

let lastSearch: { kind: MailhogSearchKind; query: string; test: (r: MessageRecord) => boolean } = {
  kind: 'containing',
  query: '',
  test: () => true,
};

/** One record against a MailHog search; the compiled search is reused across calls with the same query. */
export function matchesMailhogSearch(
  record: MessageRecord,
  kind: MailhogSearchKind,
  query: string,
): boolean {
  if (lastSearch.kind !== kind || lastSearch.query !== query) {
    lastSearch = { kind, query, test: compileMailhogSearch(kind, query) };
  }
  return lastSearch.test(record);
}

/** MailHog compares `Mailbox + "@" + Domain`, which drops source-route relays and angle brackets. */
function envelopePath(path: string): string {
  const bare = path.replace(/^<|>$/g, '');
  const colon = bare.startsWith('@') ? bare.indexOf(':') : -1;
  const address = colon >= 0 ? bare.slice(colon + 1) : bare;
  // A null sender still reads as "@" in MailHog (empty mailbox and domain).
  return address.includes('@') ? address : `${address}@`;
}

function addressContains(address: MailAddress, needle: TextNeedle): boolean {
  return needle.foundIn(address.Name) || needle.foundIn(address.Address);
}

function addressesContain(addresses: readonly MailAddress[], needle: TextNeedle): boolean {
  for (const a of addresses) if (addressContains(a, needle)) return true;
  return false;
}

function containing(record: MessageRecord, needle: TextNeedle): boolean {
  const s = record.summary;
  return (
    needle.foundIn(s.searchText) ||
    needle.foundIn(s.subject) ||
    (s.from !== null && addressContains(s.from, needle)) ||
    addressesContain(s.to, needle) ||
    addressesContain(s.cc, needle) ||
    addressesContain(s.bcc, needle) ||
    addressesContain(s.replyTo, needle) ||
    needle.foundIn(s.messageId) ||
    needle.foundIn(s.returnPath) ||
    needle.foundIn(record.envelope.mailFrom) ||
    needle.foundIn(record.envelope.helo)
  );
}
