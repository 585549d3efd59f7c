// Mailpit lists a recipient that is in the envelope (RCPT TO) but in no To, Cc or Bcc header as
// Bcc (Laravel and others send Bcc that way, with no header), in the summary, the message and
// `bcc:` search. Mailpit does it by writing a Bcc header into the stored message; we keep the
// bytes as received (and a relayed message must never gain a header naming its Bcc recipients),
// so the addresses are added to the parsed summary only.
import { recipientsNotNamed } from '../mail/address-key.js';
import type { MailAddress, ParsedSummary } from '../message-record.js';

export function withEnvelopeBcc(summary: ParsedSummary, rcptTo: readonly string[]): ParsedSummary {
  const named = [...summary.to, ...summary.cc, ...summary.bcc].map((a) => a.Address);
  const missing: MailAddress[] = recipientsNotNamed(rcptTo, named).map((address) => ({
    Name: '',
    Address: address,
  }));
  return missing.length === 0 ? summary : { ...summary, bcc: [...summary.bcc, ...missing] };
}
