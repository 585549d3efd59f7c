// DKIM of what a support engineer gives Analyze: a whole signed .eml is verified (mailauth, as
// the captured-message check does it, over our resolver); a header block alone only lists its
// signers. Before, Analyze said nothing of DKIM at all (`authentication: []` without an
// Authentication-Results field), and a paste with no Received field showed only "no route".
import type { AnalyzedDkim, AnalyzedDkimSignature } from '../../../preload/auth-contract.js';
import type { AuthenticationResult } from '../../../preload/route-contract.js';
import type { DnsResolver } from '../dns/dns-resolver.js';
import { headerBlockEnd, splitHeaderBlock } from '../mail/header-block.js';
import { verifyDkim } from './auth-check.js';

/** The tags of a DKIM-Signature value; folding whitespace removed from each value. */
function signatureTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const tag = part.slice(0, eq).trim().toLowerCase();
    if (!tags.has(tag)) tags.set(tag, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** A signer as its field names it, before any verification. */
function signer(value: string): AnalyzedDkimSignature & { b: string } {
  const tags = signatureTags(value);
  return {
    domain: tags.get('d') ?? '',
    selector: tags.get('s') ?? '',
    algorithm: tags.get('a') ?? '',
    signedHeaders: (tags.get('h') ?? '').split(':').filter(Boolean),
    verdict: null,
    b: tags.get('b') ?? '',
  };
}

/**
 * The message as a receiver verifies it: with CRLF line ends. A paste reaches us with LF only
 * (a browser's text field turns every CRLF into LF), and a body hash is over CRLF lines; a text
 * that has CRLF anywhere is taken as written.
 */
function withCrlf(raw: Buffer): Buffer {
  return raw.includes('\r\n')
    ? raw
    : Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
}

/** Whether anything but blank lines follows the header block: a body to hash. */
function hasBody(raw: Buffer): boolean {
  const { bodyStart } = headerBlockEnd(raw);
  return bodyStart < raw.length && /[^\s]/.test(raw.subarray(bodyStart).toString('latin1'));
}

const headerOnlyNote =
  'Only the header block was given, so DKIM is not verified: each signature covers the body too ' +
  '(its body hash, bh=), which cannot be checked without it. Paste or drop the whole message ' +
  '(the .eml, or Gmail’s “Show original” → Download original) to verify the signatures.';

const unsignedNote =
  'No DKIM-Signature field: the message is not DKIM-signed, so receivers cannot tie it to a domain ' +
  'by DKIM (DMARC then rests on SPF alone).';

/**
 * An unsigned paste whose own Authentication-Results say a receiver checked a DKIM signature:
 * the message was signed, and the copy lost the field (Outlook's "Internet headers" and some
 * webmail header views leave DKIM-Signature out). Saying "not DKIM-signed" right above the
 * receiver's "dkim=pass" contradicts what the reader sees; this says which to believe.
 */
export function withReceiversDkim(
  dkim: AnalyzedDkim,
  authentication: readonly AuthenticationResult[],
): AnalyzedDkim {
  if (dkim.state !== 'unsigned') return dkim;
  // the top-most first: the receiver nearest the reader
  const seen = authentication.find((r) => r.method === 'dkim' && r.result !== 'none');
  if (!seen) return dkim;
  const who = seen.authservId ? `${seen.authservId} (its ${seen.header})` : `the ${seen.header}`;
  // header.i is an identity (`@gmail.com`, `user@example.com`): its domain is what a reader knows
  const domain = seen.properties['header.d'] ?? seen.properties['header.i']?.split('@').pop();
  return {
    ...dkim,
    state: 'not-in-copy',
    note:
      `No DKIM-Signature field in what was given, yet ${who} reported dkim=${seen.result}` +
      `${domain ? ` for ${domain}` : ''}: the message was signed, and the signature was left out ` +
      'of this copy (a mail program’s header view can drop it). Paste or drop the whole message ' +
      '(the .eml, or Gmail’s “Show original” → Download original) to verify it.',
  };
}

/** The DKIM signatures of `text`, verified when it has a body. */
export async function analyzeDkim(dns: DnsResolver, text: string | Buffer): Promise<AnalyzedDkim> {
  const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const signers = splitHeaderBlock(raw)
    .filter((field) => field.name.toLowerCase() === 'dkim-signature')
    .map((field) => signer(field.value));
  const listed = signers.map(({ b: _b, ...rest }) => rest);
  if (signers.length === 0) {
    return { state: 'unsigned', note: unsignedNote, offline: false, signatures: [] };
  }
  if (!hasBody(raw)) {
    return { state: 'header-only', note: headerOnlyNote, offline: false, signatures: listed };
  }
  const verified = await verifyDkim(dns, withCrlf(raw));
  // matched by b= (the signature itself), not by position: mailauth leaves out a signature it
  // cannot read (an unknown algorithm, no d= or s=)
  const unused = [...verified.signatures];
  const signatures = signers.map(({ b, ...listedSigner }) => {
    const at = unused.findIndex((v) => v.b === b);
    const found = at >= 0 ? unused.splice(at, 1)[0] : undefined;
    return {
      ...listedSigner,
      verdict: found?.verdict ?? {
        result: 'permerror',
        badge: 'fail' as const,
        reason:
          'the signature cannot be verified: it lacks d= or s=, or names an algorithm or canonicalization DKIM does not define (RFC 6376 §3.5)',
        domain: listedSigner.domain,
        selector: listedSigner.selector,
        aligned: false,
      },
    };
  });
  return { state: 'verified', note: '', offline: verified.offline, signatures };
}
