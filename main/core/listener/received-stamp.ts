// Our Received stamp (RFC 5321 §4.4, protocol names from RFC 3848 and RFC 6531):
//   Received: from <helo> (<rdns or unknown> [<ip>])
//   	by <hostname> (Relaydesk) with ESMTP[S][A] id <id>
//   	for <rcpt>; <RFC 5322 date>
// folded before `by` and `for` like Postfix does, so no line exceeds 998 octets.
import { domainToASCII } from 'node:url';
import { rfc5322Date } from '../mail/mail-date.js';
import { quotedMailbox } from '../mail/smtp-path.js';

export interface ReceivedStampInput {
  helo: string;
  clientHostname: string | null;
  clientIp: string;
  hostname: string;
  /** Whether the client greeted with EHLO (ESMTP) or HELO (SMTP). */
  extended: boolean;
  tls: boolean;
  authenticated: boolean;
  smtpUtf8: boolean;
  id: string;
  rcptTo: string[];
  date: Date;
}

/** RFC 3848 / RFC 6531 `with` keyword. */
export function receivedProtocol(
  input: Pick<ReceivedStampInput, 'extended' | 'tls' | 'authenticated' | 'smtpUtf8'>,
): string {
  const base = input.smtpUtf8 ? 'UTF8SMTP' : input.extended ? 'ESMTP' : 'SMTP';
  return `${base}${input.tls ? 'S' : ''}${input.authenticated ? 'A' : ''}`;
}

// The HELO name and addresses are the client's words: keep only characters that cannot break
// the header (no controls, CR/LF or spaces; no parentheses, semicolons or angle brackets that
// would change how parsers read the clauses). UTF-8 stays: with SMTPUTF8 the header may carry it.
function safeToken(value: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = value.replace(/[\u0000-\u0020\u007f-\u009f();<>]/g, '');
  return cleaned.slice(0, 255) || fallback;
}

// smtp-server hands over every IDN domain as U-labels, also when the client wrote A-labels
// (RCPT TO:<eleni@xn--mller-kva.example>, as nodemailer sends it) and never asked for SMTPUTF8.
// Such a message must keep 7-bit headers (RFC 6532 §3 allows UTF-8 in them only for SMTPUTF8
// mail), so the domain goes back to the A-labels the client wrote; it always has them (RFC 5890).
function wireDomain(domain: string, smtpUtf8: boolean): string {
  if (smtpUtf8 || !/\P{ASCII}/u.test(domain)) return domain;
  return domainToASCII(domain) || domain;
}

// `for` takes a Path (RFC 5321 §4.4): a quoted local part keeps its spaces, or the clause would
// name another mailbox ("john smith"@… is not "johnsmith"@…)
function forPath(address: string, smtpUtf8: boolean): string {
  const quoted = quotedMailbox(address);
  if (!quoted) {
    const at = address.lastIndexOf('@');
    const ascii =
      at > 0 ? `${address.slice(0, at)}@${wireDomain(address.slice(at + 1), smtpUtf8)}` : address;
    return safeToken(ascii, '');
  }
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const local = quoted.localPart.replace(/[\u0000-\u001f\u007f-\u009f();<>]/g, '');
  return `${local}@${safeToken(wireDomain(quoted.domain, smtpUtf8), '')}`.slice(0, 255);
}

function ipLiteral(ip: string): string {
  return ip.includes(':') ? `IPv6:${ip}` : ip;
}

export function buildReceivedStamp(input: ReceivedStampInput): string {
  const helo = safeToken(input.helo, `[${ipLiteral(input.clientIp)}]`);
  const rdns = input.clientHostname ? safeToken(input.clientHostname, 'unknown') : 'unknown';
  const protocol = receivedProtocol(input);
  const single = input.rcptTo.length === 1 ? input.rcptTo[0] : undefined;
  const forClause = single ? `\r\n\tfor <${forPath(single, input.smtpUtf8)}>` : '';
  return (
    `Received: from ${helo} (${rdns} [${ipLiteral(input.clientIp)}])\r\n` +
    `\tby ${input.hostname} (Relaydesk) with ${protocol} id ${input.id}${forClause};` +
    ` ${rfc5322Date(input.date)}\r\n`
  );
}
