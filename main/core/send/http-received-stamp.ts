// The Received stamp of a message submitted over the Send API: like our SMTP stamp (RFC 5321
// §4.4), with HTTP as the protocol, so the route view shows where it came in.
import { rfc5322Date } from '../mail/mail-date.js';

export function httpReceivedStamp(input: {
  clientIp: string;
  hostname: string;
  id: string;
  rcptTo: string[];
  date: Date;
}): string {
  const ip = input.clientIp.includes(':') ? `IPv6:${input.clientIp}` : input.clientIp;
  const single = input.rcptTo.length === 1 ? `\r\n\tfor <${input.rcptTo[0]}>` : '';
  return (
    `Received: from [${ip}] (unknown [${ip}])\r\n` +
    `\tby ${input.hostname} (Relaydesk) with HTTP id ${input.id}${single};` +
    ` ${rfc5322Date(input.date)}\r\n`
  );
}
