// The mailbox of an SMTP path (RFC 5321 §4.1.2): `Local-part "@" Domain`, where the local part is
// a dot-string or a Quoted-string. A quoted local part may hold spaces and `@`
// (`"john smith"@example.net`), so a path cannot be split at whitespace or at the first `@`.
// qtextSMTP and quoted-pairSMTP as RFC 5321 defines them, with RFC 6531's UTF-8 in qtext; no
// control character anywhere (they would end up in replies, logs and Received lines).

// eslint-disable-next-line no-control-regex -- the control characters are what is excluded
const QUOTED_STRING = /"(?:[^"\\\u0000-\u001f\u007f-\u009f]|\\[\u0020-\u007e])*"/;
const QUOTED_LOCAL_PART = new RegExp(`^${QUOTED_STRING.source}(?=@)`);

export interface QuotedMailbox {
  /** The Quoted-string with its quotes, exactly as written. */
  localPart: string;
  /** Everything after the `@` that ends the local part. */
  domain: string;
}

/** The parts of an address whose local part is a Quoted-string, or null for any other. */
export function quotedMailbox(address: string): QuotedMailbox | null {
  const match = QUOTED_LOCAL_PART.exec(address);
  if (!match) return null;
  return { localPart: match[0], domain: address.slice(match[0].length + 1) };
}

/**
 * Whether an address has characters no SMTP path may carry: CR, LF and angle brackets anywhere,
 * whitespace outside a quoted local part.
 */
export function unfitForPath(address: string): boolean {
  if (/[\r\n<>]/.test(address)) return true;
  const quoted = quotedMailbox(address);
  return /\s/.test(quoted ? quoted.domain : address);
}

/** The source pattern of a Quoted-string, for parsers that read one inside a longer line. */
export const quotedStringSource = QUOTED_STRING.source;
