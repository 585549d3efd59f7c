// When two mail addresses are the same mailbox: the envelope against the headers (Bcc found,
// MAIL FROM against From). Local parts are case-sensitive in theory (RFC 5321 §2.4) but not in any
// mailbox people use, and domains never are: compared without case, brackets or spaces. An IDN
// domain is one domain in either form: smtp-server gives the envelope's in U-labels (bücher.example)
// while a header may hold its A-labels (xn--bcher-kva.example), and the two read as a mismatch.
import { domainToASCII } from 'node:url';

/** The address in the form it is compared in: lower case, its domain in A-labels. */
export function addressKey(address: string): string {
  const bare = address.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  const domain = bare.slice(at + 1);
  // only a domain beyond printable ASCII (U-labels) is converted; one that is no valid IDN
  // stays as written ('' from domainToASCII)
  const ascii = at > 0 && /[^ -~]/.test(domain) ? domainToASCII(domain) : '';
  return (ascii ? `${bare.slice(0, at)}@${ascii}` : bare).toLowerCase();
}

/**
 * The address with its IDN domain in A-labels (`sender@xn--bcher-kva.example`), or null when the
 * domain has none other than as written. mailparser decodes the A-labels of a header into
 * U-labels, so the list shows `sender@bücher.example` while the header (what the app sent, and
 * what Mailpit's search finds) says `xn--bcher-kva`: search looks in both forms.
 */
export function asciiDomainForm(address: string): string | null {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  // the cheap test first: a search runs this for every address of every message
  if (at <= 0 || !/[^ -~]/.test(domain)) return null;
  const ascii = domainToASCII(domain);
  return ascii ? `${address.slice(0, at)}@${ascii}` : null;
}

/** The recipients whose address is not among `named`, in their order, each once. */
export function recipientsNotNamed(
  recipients: readonly string[],
  named: readonly string[],
): string[] {
  const seen = new Set(named.map(addressKey));
  return recipients.filter((recipient) => {
    const key = addressKey(recipient);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
