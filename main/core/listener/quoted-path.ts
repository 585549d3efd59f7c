// MAIL FROM and RCPT TO with a quoted local part that holds a space:
// `RCPT TO:<"john smith"@example.net>` is valid (RFC 5321 §4.1.2 Quoted-string) and Postfix takes
// it, but smtp-server's parser splits the line at whitespace and answers 501. Such a path is read
// here with the RFC's grammar; the quoted string is swapped for a plain stand-in while
// smtp-server parses the rest (the domain, its punycode, the ESMTP parameters), so every other
// check stays the library's own.
import { quotedStringSource } from '../mail/smtp-path.js';

export type AddressCommandParser<P extends { address: string }> = (
  name: string,
  command: Buffer | string,
) => P | false;

// Path = "<" [ A-d-l ":" ] Mailbox ">" (RFC 5321 §4.1.2), then SP-separated parameters
const QUOTED_PATH_COMMAND = new RegExp(
  `^([^:]*:[ \\t]*)<(?:@[^\\s,:@<>]+(?:,@[^\\s,:@<>]+)*:)?(${quotedStringSource})@([^\\s<>"]+)>((?:[ \\t].*)?)$`,
  's',
);
// a dot-atom no client sends, so it can be found again in the parsed address
const STAND_IN = 'relaydesk.quoted.local.part';
// RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets
const MAX_MAILBOX_OCTETS = 254;

/**
 * Parses an address command as smtp-server's `_parseAddressCommand` does, also when the local
 * part is a Quoted-string with spaces (kept with its quotes, as RFC 5321 needs it on the way out).
 */
export function parseAddressCommand<P extends { address: string }>(
  original: AddressCommandParser<P>,
  name: string,
  command: Buffer | string,
): P | false {
  const line = command.toString();
  // every MAIL and RCPT comes here: only a path with a quote needs more than the library's parse
  if (!line.includes('"')) return original(name, command);
  const match = QUOTED_PATH_COMMAND.exec(line);
  if (!match) return original(name, command);
  const [, verb = '', localPart = '', domain = '', parameters = ''] = match;
  if (Buffer.byteLength(`${localPart}@${domain}`) > MAX_MAILBOX_OCTETS) return false;
  const parsed = original(name, `${verb}<${STAND_IN}@${domain}>${parameters}`);
  if (!parsed || !parsed.address.startsWith(`${STAND_IN}@`)) return parsed;
  return { ...parsed, address: localPart + parsed.address.slice(STAND_IN.length) };
}
