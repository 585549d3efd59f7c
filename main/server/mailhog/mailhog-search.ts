// MailHog's `GET /api/v2/search?kind=&query=` (storage/memory.go `Search`): one case-insensitive
// substring, no syntax.
// - from: the envelope sender as mailbox@domain, or the From header;
// - to: any envelope recipient as mailbox@domain, or the To header (not Cc);
// - containing: the raw message as MailHog reads it: Content.Body with its transfer encoding
//   untouched (so a quoted-printable `=3D` or the base64 of an attachment is what is found, and an
//   attachment's file name in its part headers is found too) or any header value, including
//   the Return-Path and Message-ID MailHog adds. This needs each message's raw bytes, so it is
//   `searchMailhogContaining`; from and to work on the records alone.
import type { MailAddress, MessageRecord } from '../../core/message-record.js';
import { toMailhogMessage, type MailhogContent } from './mailhog-message.js';
import { literalNeedle, type TextNeedle } from '../../core/search/text-needle.js';

export type MailhogSearchKind = 'from' | 'to' | 'containing';
export type MailhogAddressSearchKind = Exclude<MailhogSearchKind, 'containing'>;

/** Compiles a MailHog from/to search once, for running it over many records. */
export function compileMailhogSearch(
  kind: MailhogAddressSearchKind,
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
  }
}

let lastSearch: {
  kind: MailhogAddressSearchKind;
  query: string;
  test: (r: MessageRecord) => boolean;
} = { kind: 'from', query: '', test: () => true };

/** One record against a MailHog search; the compiled search is reused across calls with the same query. */
export function matchesMailhogSearch(
  record: MessageRecord,
  kind: MailhogAddressSearchKind,
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

/** MailHog's `containing` over one message's content: the undecoded body or a header value. */
export function mailhogContentContains(content: MailhogContent, query: string): boolean {
  const needle = literalNeedle(query);
  if (needle.foundIn(content.Body)) return true;
  for (const values of Object.values(content.Headers)) {
    for (const value of values) if (needle.foundIn(value)) return true;
  }
  return false;
}

/**
 * MailHog's `containing` over messages, reading each one's raw bytes (MailHog searched its
 * stored messages the same way, one by one). A message deleted meanwhile is skipped.
 */
export async function searchMailhogContaining(
  records: Iterable<MessageRecord>,
  readRaw: (id: string) => Promise<Uint8Array>,
  query: string,
): Promise<MessageRecord[]> {
  const found: MessageRecord[] = [];
  for (const record of records) {
    let raw: Uint8Array;
    try {
      raw = await readRaw(record.id);
    } catch {
      continue;
    }
    if (mailhogContentContains(toMailhogMessage(record, raw).Content, query)) found.push(record);
  }
  return found;
}
