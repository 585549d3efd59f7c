// MailHog's `data.Message` JSON, as its v1 and v2 APIs serve it, built from a record and its raw
// bytes. Test suites written for MailHog read `items[0].Content.Headers.Subject[0]`,
// `To[0].Mailbox + "@" + To[0].Domain`, `Content.Body` and `MIME.Parts[n]`, and the `mailhog` npm
// client decodes Body by the part's Content-Transfer-Encoding and charset; so the fields keep
// MailHog's names, order, nulls and quirks (see mailhog-content.ts for how content is split).
import type { MessageRecord } from '../../core/message-record.js';
import {
  readMailhogContent,
  type MailhogContent,
  type MailhogMimeBody,
} from './mailhog-content.js';

export type { MailhogContent, MailhogMimeBody };

/** An SMTP forward- or reverse-path, split as MailHog's PathFromString splits it. */
export interface MailhogPath {
  /** Source-route hosts (`@a,@b:` before the address); null when there are none (Go nil). */
  Relays: string[] | null;
  Mailbox: string;
  Domain: string;
  /** Always "" in MailHog (its code says FIXME). */
  Params: string;
}

/** What the SMTP session carried, before any parsing. */
export interface MailhogRawMessage {
  From: string;
  To: string[];
  Data: string;
  Helo: string;
}

export interface MailhogMessage {
  ID: string;
  From: MailhogPath;
  To: MailhogPath[];
  Content: MailhogContent;
  /** RFC 3339 time the message was received. */
  Created: string;
  /** The parts of a multipart message, null otherwise. */
  MIME: MailhogMimeBody | null;
  Raw: MailhogRawMessage;
}

/** `GET /api/v2/messages` and `/api/v2/search`. */
export interface MailhogPage {
  total: number;
  count: number;
  start: number;
  items: MailhogMessage[];
}

/**
 * MailHog's session keeps the data without the CRLF before the final dot (it trims "\r\n.\r\n"),
 * so its Content.Body, Size and Raw.Data end without it; we store that line break as part of the
 * last line, and take it off here.
 */
function asMailhogData(raw: Uint8Array): Uint8Array {
  const n = raw.byteLength;
  return n >= 2 && raw[n - 2] === 0x0d && raw[n - 1] === 0x0a ? raw.subarray(0, n - 2) : raw;
}

export function toMailhogMessage(record: MessageRecord, stored: Uint8Array): MailhogMessage {
  const { envelope } = record;
  const mailFrom = withoutBrackets(envelope.mailFrom);
  const rcptTo = envelope.rcptTo.map(withoutBrackets);
  const raw = asMailhogData(stored);
  const { content, mime } = readMailhogContent(raw);
  addReceivingHeaders(content.Headers, record.id, mailFrom);
  return {
    ID: record.id,
    From: mailhogPath(mailFrom),
    To: rcptTo.map(mailhogPath),
    Content: content,
    Created: record.receivedAt,
    MIME: mime,
    Raw: {
      From: mailFrom,
      To: rcptTo,
      Data: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'),
      Helo: envelope.helo,
    },
  };
}

export function toMailhogPage(items: MailhogMessage[], start: number, total: number): MailhogPage {
  return { total, count: items.length, start, items };
}

/** MailHog's session hands over paths without angle brackets; a null sender is "". */
function withoutBrackets(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

/**
 * PathFromString. MailHog splits at any colon and the first "@"; we take a source route only when
 * the path starts with "@" and split at the last "@", which gives the same result for every
 * ordinary address and the right one for quoted local parts and IPv6 literals.
 */
export function mailhogPath(path: string): MailhogPath {
  let relays: string[] | null = null;
  let address = path;
  const colon = path.startsWith('@') ? path.indexOf(':') : -1;
  if (colon >= 0) {
    relays = path.slice(0, colon).split(',');
    address = path.slice(colon + 1);
  }
  const at = address.lastIndexOf('@');
  return {
    Relays: relays,
    Mailbox: at >= 0 ? address.slice(0, at) : address,
    Domain: at >= 0 ? address.slice(at + 1) : '',
    Params: '',
  };
}

/**
 * MailHog adds a Message-ID (its own ID) when the message has none, and appends the envelope
 * sender to Return-Path, whatever the header's casing. It also adds a Received line; ours is
 * already at the top of the stored message, so we add none.
 */
function addReceivingHeaders(headers: Record<string, string[]>, id: string, mailFrom: string) {
  const names = Object.keys(headers);
  const named = (lower: string): string | undefined =>
    names.find((name) => name.toLowerCase() === lower);

  if (named('message-id') === undefined) setHeader(headers, 'Message-ID', [id]);
  const returnPath = named('return-path') ?? 'Return-Path';
  setHeader(headers, returnPath, [...(headers[returnPath] ?? []), `<${mailFrom}>`]);
}

function setHeader(headers: Record<string, string[]>, name: string, values: string[]): void {
  Object.defineProperty(headers, name, {
    value: values,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
