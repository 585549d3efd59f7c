// The address fields of a message `relaydesk sendmail` submits, with bare local names qualified:
// `To: root` becomes `To: root@<mailname>`, as Postfix's cleanup does for local submissions
// (append_at_myorigin; local_header_rewrite_clients keeps it to mail from sendmail/postdrop).
// cron, mailx and scripts write `To: root` and `From: root (Cron Daemon)`; the envelope is
// qualified already, but a reader's "Reply" to an unqualified From goes nowhere, and a smart
// host may refuse a From without a domain. Mail received over SMTP is never rewritten.
//
// Only a field that holds a bare local name changes; in it, only that name: display names,
// comments, quoting, folding and the other addresses stay byte for byte. Where the name is in
// the text is found with nodemailer's address parser, not by hand: each place the name is
// written is tried, and the one where appending `@domain` makes the parser read exactly that
// address for that entry, and every other entry as before, is the address (not a word of a
// display name, a comment or a quoted string).
import { isUtf8 } from 'node:buffer';
import { analyzeEmail } from '@hapi/address';
import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import { headerBlockEnd } from '../core/mail/header-block.js';

/** The fields Postfix rewrites in a local submission's header (cleanup_rewrite_sender/recip). */
const addressFields = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-bcc',
]);

/**
 * The address of an entry as the parser read it: `Name <root>` gives the address `root`, but a
 * lone `root` (or `root (Cron Daemon)`) comes back as a display name with no address.
 */
function writtenAddress(entry: MailboxAddress): string {
  return entry.address || entry.name;
}

/** A name with no domain that becomes an address with one (`root`, `www-data`, `jörg`). */
function isBareLocalName(address: string): boolean {
  if (address === '' || address.includes('@')) return false;
  // the local part is what is judged: a made-up domain stands in for a mailname such as `vm`
  return (
    analyzeEmail(`${address}@example.org`, {
      tlds: { deny: new Set<string>() },
      allowUnicode: true,
    }) === null
  );
}

function sameEntries(a: readonly MailboxAddress[], b: readonly MailboxAddress[]): boolean {
  return (
    a.length === b.length &&
    a.every((entry, i) => entry.address === b[i]?.address && entry.name === b[i]?.name)
  );
}

/**
 * The field's value cut at the commas that separate its addresses (RFC 5322 §3.4 address-list):
 * not one inside a quoted string, a comment, angle brackets or a group (`ops: a, b;`). The pieces
 * joined with commas are the value again, byte for byte. nodemailer's parser alone reads an
 * unquoted comma before a display name as part of that name, as mail clients' "Doe, John
 * <john@…>" habit wants, so `To: root, Ada <ada@…>` was one recipient, Ada, and root's copy went
 * nowhere; Postfix, which sendmail users come from, reads two, and so does this.
 */
export function addressListPieces(value: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  let comment = 0;
  let angle = false;
  let group = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && (quoted || comment > 0)) i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"' && comment === 0) quoted = true;
    else if (c === '(') comment++;
    else if (c === ')' && comment > 0) comment--;
    else if (comment > 0) continue;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ':' && !angle) group = true;
    else if (c === ';' && !angle) group = false;
    else if (c === ',' && !angle && !group) {
      pieces.push(value.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(value.slice(start));
  return pieces;
}

/** The entries of an address field, its list read as RFC 5322 does (addressListPieces). */
export function parsedAddressList(value: string): MailboxAddress[] {
  return addressListPieces(value).flatMap((piece) => addressparser(piece, { flatten: true }));
}

/**
 * The field's value (after the colon, folds included) with each bare local name qualified, or
 * null when it holds none (or none the parser confirms).
 */
export function qualifiedFieldValue(value: string, domain: string): string | null {
  const pieces = addressListPieces(value);
  if (pieces.length > 1) {
    const qualified = pieces.map((piece) => qualifiedPiece(piece, domain));
    if (qualified.every((piece) => piece === null)) return null;
    return qualified.map((piece, i) => piece ?? pieces[i]).join(',');
  }
  return qualifiedPiece(value, domain);
}

/** One address (or group) of a field, as qualifiedFieldValue. */
function qualifiedPiece(value: string, domain: string): string | null {
  let current = value;
  let entries = addressparser(current, { flatten: true });
  let changed = false;
  for (let index = 0; index < entries.length; index++) {
    const local = writtenAddress(entries[index] as MailboxAddress);
    if (!isBareLocalName(local)) continue;
    const qualified = `${local}@${domain}`;
    for (let at = current.indexOf(local); at !== -1; at = current.indexOf(local, at + 1)) {
      const candidate = `${current.slice(0, at)}${qualified}${current.slice(at + local.length)}`;
      const parsed = addressparser(candidate, { flatten: true });
      const others = (list: readonly MailboxAddress[]) => list.filter((_e, i) => i !== index);
      if (
        parsed.length === entries.length &&
        parsed[index]?.address === qualified &&
        sameEntries(others(parsed), others(entries))
      ) {
        current = candidate;
        entries = parsed;
        changed = true;
        break;
      }
    }
  }
  return changed ? current : null;
}

/**
 * The message with the bare local names in its From, Sender, Reply-To, To, Cc, Bcc (and their
 * Resent- forms) qualified with `domain`; the same Buffer when there are none.
 */
export function qualifyHeaderAddresses(raw: Buffer, domain: string): Buffer {
  const { bodyStart } = headerBlockEnd(raw);
  // a header that is no UTF-8 (8-bit ISO-8859-1 from an old PHP app) is read as latin1, which
  // gives back its bytes unchanged; as UTF-8 its Subject came out as U+FFFD
  const encoding = isUtf8(raw.subarray(0, bodyStart)) ? 'utf8' : 'latin1';
  const head = raw.subarray(0, bodyStart).toString(encoding);
  // whole fields: a line and the folded lines after it, each with its line ending
  const fields: string[] = [];
  for (const line of head.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  let changed = false;
  const out = fields.map((field) => {
    const colon = field.indexOf(':');
    if (colon <= 0 || !addressFields.has(field.slice(0, colon).trim().toLowerCase())) return field;
    const value = qualifiedFieldValue(field.slice(colon + 1), domain);
    if (value === null) return field;
    changed = true;
    return field.slice(0, colon + 1) + value;
  });
  if (!changed) return raw;
  return Buffer.concat([Buffer.from(out.join(''), encoding), raw.subarray(bodyStart)]);
}
