// Address lists in From/Sender/To/Cc (RFC 5322 §3.4): display names, quoted strings with commas,
// comments, angle addresses, groups (`undisclosed-recipients:;`) and quoted local parts
// (`"q u"@example.net`, whose quoted words are the address, not a display name). Only the
// addr-specs matter for comparing the headers with the envelope. Nodemailer's parser, as the
// rest of core uses, rather than a hand-written split that took a quoted local part for a name.
import addressparser from 'nodemailer/lib/addressparser';

/** The addr-specs in the field, as written. */
export function addressList(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((entry) => entry.address.trim())
    .filter((address) => address.length > 0);
}

export function firstAddress(value: string): string | null {
  return addressList(value)[0] ?? null;
}
