// When two mail addresses are the same mailbox: the envelope against the headers (Bcc found,
// MAIL FROM against From). Local parts are case-sensitive in theory (RFC 5321 §2.4) but not in any
// mailbox people use, and domains never are: compared without case, brackets or spaces.

/** The address in the form it is compared in. */
export function addressKey(address: string): string {
  return address.trim().replace(/^<|>$/g, '').toLowerCase();
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
