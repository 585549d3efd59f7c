// DKIM signing (RFC 6376, relaxed/relaxed; RFC 8463 for Ed25519) of the exact bytes that go to
// the upstream, after every change Relaydesk makes (redirect's X-Original-To), so nothing we add
// later can break the signature. One DKIM-Signature per active selector: during a rotation the
// old and the new key both sign.
//
// mailauth's own signer lists only the header fields present, so it cannot over-sign; From is
// over-signed here (listed once more than it occurs), which stops anyone adding a second From
// under our signature (RFC 6376 §8.15). The body hash is mailauth's canonicaliser.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { RelaxedHash } from 'mailauth/lib/dkim/body/relaxed.js';
import { headerBlockEnd } from '../mail/header-block.js';
import type { SigningKey } from './key-store.js';

/**
 * What is signed when present: nodemailer's list (the RFC 6376 §5.4.1 set) plus
 * List-Unsubscribe-Post (RFC 8058 needs it signed) and Feedback-ID, as ZoneMTA signs.
 */
export const signedHeaderFields = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'Resent-Date',
  'Resent-From',
  'Resent-Sender',
  'Resent-To',
  'Resent-Cc',
  'Resent-Message-ID',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Help',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
  'Feedback-ID',
];

/** Fields signed once more than they occur, so none can be added after signing. */
const overSigned = new Set(['from']);

export interface DkimSignature {
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
}

interface HeaderLine {
  /** Lower-case field name. */
  key: string;
  name: string;
  /** The whole field, folds included, without its final CRLF ('latin1' text: bytes kept). */
  line: string;
}

/** The header block of a CRLF message as fields, and where the body starts. */
function splitMessage(raw: Buffer): { headers: HeaderLine[]; body: Buffer } {
  const { headerEnd, bodyStart } = headerBlockEnd(raw);
  const headerText = raw.subarray(0, headerEnd).toString('latin1');
  const body = raw.subarray(bodyStart);
  const headers: HeaderLine[] = [];
  for (const line of headerText.split('\r\n')) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) last.line += `\r\n${line}`;
    else {
      const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim();
      headers.push({ key: name.toLowerCase(), name, line });
    }
  }
  return { headers: headers.filter((h) => h.name !== ''), body };
}

/** RFC 6376 §3.4.2 relaxed header canonicalisation. */
function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).trim().toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** The domain of the first From address, lower case; null without one. */
export function fromDomain(raw: Buffer): string | null {
  const from = splitMessage(raw).headers.find((h) => h.key === 'from');
  if (!from) return null;
  const value = Buffer.from(from.line.slice(from.line.indexOf(':') + 1), 'latin1').toString('utf8');
  const address = addressparser(value, { flatten: true })[0]?.address ?? '';
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).toLowerCase() : null;
}

/** RFC 6376 §5.4.2: the fields to sign, several instances of one from the bottom up. */
function selectHeaders(
  headers: readonly HeaderLine[],
  fields: readonly string[],
): { signedLines: string[]; names: string[] } {
  const signedLines: string[] = [];
  const names: string[] = [];
  for (const field of fields) {
    const key = field.toLowerCase();
    for (const h of headers.filter((x) => x.key === key).reverse()) {
      signedLines.push(relaxedHeader(h.line));
      names.push(h.name);
    }
    if (overSigned.has(key)) names.push(field);
  }
  return { signedLines, names };
}

/** Folds a tag list at the "; " boundaries so no line passes 78 characters where it can help. */
function fold(tags: string[]): string {
  let out = 'DKIM-Signature:';
  let lineLength = out.length;
  for (const [i, tag] of tags.entries()) {
    const piece = ` ${tag}${i < tags.length - 1 ? ';' : ''}`;
    // b= starts a line of its own: the signature folded after it then lines up
    if ((lineLength + piece.length > 78 || tag === 'b=') && lineLength > 16) {
      out += '\r\n';
      lineLength = 0;
    }
    out += piece;
    lineLength += piece.length;
  }
  return out;
}

/** Base64 folded in lines of 72, which verifiers read as FWS inside b= (RFC 6376 §3.5). */
function foldBase64(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 72) parts.push(text.slice(i, i + 72));
  return parts.join('\r\n ');
}

/**
 * Signs `raw` (CRLF line endings, as the spool keeps it) with each key; the signatures go on top,
 * the rest of the message is unchanged.
 */
export function signMessage(
  raw: Buffer,
  keys: readonly SigningKey[],
  options: { now: Date; headerFields?: readonly string[] },
): { raw: Buffer; signatures: DkimSignature[] } {
  if (keys.length === 0) return { raw, signatures: [] };
  const { headers, body } = splitMessage(raw);
  const bodyHasher = new RelaxedHash('sha256', false);
  bodyHasher.update(body);
  const bodyHash = bodyHasher.digest('base64');

  const time = Math.floor(options.now.getTime() / 1000);
  const added: string[] = [];
  const signatures: DkimSignature[] = [];
  for (const key of keys) {
    const { signedLines, names } = selectHeaders(
      headers,
      key.headerFields ?? options.headerFields ?? signedHeaderFields,
    );
    const algorithm = key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
    const header = fold([
      'v=1',
      `a=${algorithm}`,
      'c=relaxed/relaxed',
      `d=${key.domain}`,
      `s=${key.selector}`,
      `t=${time}`,
      `h=${names.join(':')}`,
      `bh=${bodyHash}`,
      'b=',
    ]);
    const data = Buffer.from([...signedLines, relaxedHeader(header)].join('\r\n'), 'latin1');
    const privateKey = createPrivateKey(key.privateKey);
    // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data, RSA the data with SHA-256
    const signature =
      key.algorithm === 'rsa'
        ? sign('sha256', data, privateKey)
        : sign(null, createHash('sha256').update(data).digest(), privateKey);
    added.push(`${header}${foldBase64(signature.toString('base64'))}\r\n`);
    signatures.push({ domain: key.domain, selector: key.selector, algorithm });
  }
  return { raw: Buffer.concat([Buffer.from(added.join(''), 'latin1'), raw]), signatures };
}
