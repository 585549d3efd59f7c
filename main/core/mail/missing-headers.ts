// The Date and Message-ID a relayed message lacks, added on its way to the upstream, as Postfix's
// `always_add_missing_headers` adds them. Mail from a scanner, a printer or a hand-built script
// often has neither, and receivers refuse it: Gmail with "550-5.7.1 Messages missing a valid
// Message-ID header are not accepted", unless a server on the way adds one, which a cloud
// service does and an ISP's Postfix does not for mail from its customers (it adds them only for
// its own machine's mail). The stored copy stays as it came.
import { headerBlockEnd } from './header-block.js';
import { readHeaderFields } from '../message/header-fields.js';

export interface CompletedMessage {
  raw: Buffer;
  /** The fields added, as written (`Message-ID: <…>`), for the attempt's record. */
  added: string[];
}

/** RFC 5322's date-time, e.g. `Thu, 03 Dec 2026 07:40:00 +0000`. */
function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/ GMT$/, ' +0000');
}

/**
 * `raw` with a Date (when it came in) and a Message-ID (`<ID@hostname>`, from Relaydesk's own ID
 * of the message) where it has none, at the end of its header block. Both are the same at every
 * attempt: a message resent after a partial delivery must keep its Message-ID, or receivers
 * cannot tell the copies apart.
 */
export function withMissingHeaders(
  raw: Buffer,
  message: { id: string; receivedAt: Date; hostname: string },
): CompletedMessage {
  const present = new Set(readHeaderFields(raw).map((f) => f.name.toLowerCase()));
  const added: string[] = [];
  if (!present.has('date')) added.push(`Date: ${rfc5322Date(message.receivedAt)}`);
  if (!present.has('message-id')) added.push(`Message-ID: <${message.id}@${message.hostname}>`);
  if (added.length === 0) return { raw, added };
  const { headerEnd, bodyStart } = headerBlockEnd(raw);
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  // a message of fields alone (no empty line) ends at its last field's line break, or mid-line
  const lastLineOpen = bodyStart === headerEnd && headerEnd > 0 && raw[headerEnd - 1] !== 0x0a;
  const insert = (lastLineOpen ? eol : '') + added.map((field) => field + eol).join('');
  return {
    raw: Buffer.concat([
      raw.subarray(0, headerEnd),
      Buffer.from(insert, 'utf8'),
      raw.subarray(headerEnd),
    ]),
    added,
  };
}
