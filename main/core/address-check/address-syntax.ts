// The syntax of an address as a relay sees it in RCPT TO: RFC 5321 §4.1.2 mailbox, with UTF-8
// in the local part and IDN domains (RFC 6531 SMTPUTF8). The checking is @hapi/address's (the
// validator behind joi); this module only turns its findings into reasons a user can act on.
import { analyzeEmail } from '@hapi/address';
import { domainToASCII } from 'node:url';

export type SyntaxResult =
  | { ok: false; reason: string }
  | {
      ok: true;
      localPart: string;
      /** The domain as written (may be Unicode). */
      domain: string;
      /** The domain in A-labels, for DNS. */
      asciiDomain: string;
      /** The local part needs SMTPUTF8 (non-ASCII characters). */
      needsSmtpUtf8: boolean;
      /** A quoted local part: valid, but refused by many servers. */
      quoted: boolean;
    };

const reasons: Record<string, string> = {
  EMPTY_STRING: 'the address is empty',
  MISSING_AT_CHAR: 'there is no @ between the mailbox and the domain',
  MULTIPLE_AT_CHAR: 'there is more than one @',
  EMPTY_LOCAL: 'the part before the @ is empty',
  ADDRESS_TOO_LONG: 'the address is longer than 254 octets (RFC 5321 §4.5.3.1)',
  LOCAL_TOO_LONG: 'the part before the @ is longer than 64 octets (RFC 5321 §4.5.3.1.1)',
  EMPTY_LOCAL_SEGMENT: 'the part before the @ has two dots in a row, or starts or ends with a dot',
  INVALID_LOCAL_CHARS: 'the part before the @ holds characters an address cannot have',
  DOMAIN_NON_EMPTY_STRING: 'the domain is empty',
  DOMAIN_TOO_LONG: 'the domain is longer than 255 octets',
  DOMAIN_INVALID_UNICODE_CHARS: 'the domain holds characters a domain name cannot have',
  DOMAIN_INVALID_CHARS:
    'the domain holds characters a domain name cannot have (an IP literal is not accepted)',
  DOMAIN_SEGMENTS_COUNT:
    'the domain has no dot (a bare host name such as "localhost" cannot be relayed to)',
  DOMAIN_EMPTY_SEGMENT: 'the domain has two dots in a row, or starts or ends with a dot',
  DOMAIN_LONG_SEGMENT: 'a label of the domain is longer than 63 octets',
};

/**
 * What to give instead, for the forms addresses are pasted in from a mail client or a
 * spreadsheet (`Name <address>`, spaces around it), which the validator would call bad
 * characters in the mailbox or the domain.
 */
function pastedFormHint(address: string): string | null {
  const bracketed = /<([^<>]*)>\s*$/.exec(address);
  if (bracketed) {
    return `give the bare address (${bracketed[1]?.trim() ?? ''}), without a name or angle brackets`;
  }
  // a quoted mailbox may hold spaces; elsewhere one is a pasted extra (a name, a second column)
  const unquoted = address.replace(/^"(?:[^"\\\r\n]|\\[ -~])*"@/, '@');
  if (/\s/.test(unquoted) && address.trim() !== '') {
    return 'there is a space or tab in or around the address; give the address alone';
  }
  return null;
}

export function checkSyntax(address: string): SyntaxResult {
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : '';
  // RFC 5321 allows a quoted local part; the validator does not, so its domain is checked alone
  const quoted = /^"(?:[^"\\\r\n]|\\[ -~])*"$/.test(local);
  const analysed = quoted ? `quoted@${address.slice(at + 1)}` : address;
  // the validator sees a stand-in for a quoted local part, so the lengths are checked here
  // (RFC 5321 §4.5.3.1.1: 64 octets with the quotes)
  if (quoted && Buffer.byteLength(address) > 254) {
    return { ok: false, reason: `syntax: ${reasons.ADDRESS_TOO_LONG}` };
  }
  if (quoted && Buffer.byteLength(local) > 64) {
    return { ok: false, reason: `syntax: ${reasons.LOCAL_TOO_LONG}` };
  }
  const problem = analyzeEmail(analysed, {
    // DNS says which top-level domains exist; a built-in list would refuse new ones
    tlds: { deny: new Set<string>() },
    allowUnicode: true,
  });
  if (problem)
    return {
      ok: false,
      reason: `syntax: ${pastedFormHint(address) ?? reasons[problem.code] ?? problem.error}`,
    };
  const domain = address.slice(at + 1);
  return {
    ok: true,
    localPart: local,
    domain,
    asciiDomain: domainToASCII(domain).toLowerCase(),
    // eslint-disable-next-line no-control-regex -- ASCII is the point
    needsSmtpUtf8: /[^\u0000-\u007f]/.test(local),
    quoted,
  };
}
