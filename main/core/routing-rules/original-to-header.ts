// The one change a redirect makes to the message: X-Original-To header fields naming the real
// recipients, so whoever reads the staging inbox sees who the mail was meant for.
//
// - One field per original recipient, each holding one bare address, as Postfix's local(8) and
//   virtual(8) write it (`X-Original-To: qa@example.com`). Filters and test helpers that read
//   X-Original-To expect a single address, not a list.
// - The fields go at the very top, above our Received stamp, which is where Postfix puts its
//   delivery fields (X-Original-To, Delivered-To) too. Inserting there needs no parsing, so
//   the rest of the message stays byte for byte what the client sent; an X-Original-To from an
//   earlier hop is left alone below ours.
// - Addresses are the client's words. Control characters (CR and LF above all) are removed, so an
//   address cannot end the field and start a new one (header injection); the value stays on one
//   line within the 998-octet limit of RFC 5322 §2.1.1. UTF-8 is kept (SMTPUTF8, RFC 6532).
// - Lines end in CRLF, like the spool's copy of the message (the listener normalises to CRLF).
import { withoutControlCharacters } from '../text/sanitise.js';

const FIELD_NAME = 'X-Original-To: ';
const MAX_LINE_OCTETS = 998;

/** The address as a safe one-line field value, cut at a character boundary if it is too long. */
function fieldValue(address: string): string {
  const value = withoutControlCharacters(address).trim();
  const room = MAX_LINE_OCTETS - FIELD_NAME.length;
  if (Buffer.byteLength(value, 'utf8') <= room) return value;
  let kept = '';
  let octets = 0;
  for (const char of value) {
    octets += Buffer.byteLength(char, 'utf8');
    if (octets > room) break;
    kept += char;
  }
  return kept;
}

/** The header fields, one per distinct original recipient, empty ones left out. */
export function originalToFields(originalRecipients: readonly string[]): string {
  const seen = new Set<string>();
  let fields = '';
  for (const address of originalRecipients) {
    const value = fieldValue(address);
    if (value === '' || seen.has(value)) continue;
    seen.add(value);
    fields += `${FIELD_NAME}${value}\r\n`;
  }
  return fields;
}

/**
 * The message to send to a redirect target: the X-Original-To fields, then `raw` unchanged.
 * With no usable original recipient the same bytes come back.
 */
export function applyRedirect(raw: Buffer, originalRecipients: readonly string[]): Buffer {
  const fields = originalToFields(originalRecipients);
  return fields === '' ? raw : Buffer.concat([Buffer.from(fields, 'utf8'), raw]);
}
