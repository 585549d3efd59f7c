// The Received stamp of a message that came from no network client: one taken in from the drop
// folder, and one Relaydesk wrote itself (a failure report, a delay warning). It has no `from`
// clause: Postfix's pickup writes `Received: by host (Postfix, from userid 1000) id …; date` the
// same way, and so does its bounce daemon for the reports it writes (RFC 5321 §4.4 makes `from`
// optional). The route view reads it as the message's first hop, on this machine.
import { rfc5322Date } from './mail-date.js';

export function localReceivedStamp(input: {
  hostname: string;
  uid: number | null;
  id: string;
  rcptTo: string[];
  date: Date;
}): string {
  const who = input.uid === null ? '' : `, from userid ${input.uid}`;
  const single = input.rcptTo.length === 1 ? `\r\n\tfor <${input.rcptTo[0]}>` : '';
  return (
    `Received: by ${input.hostname} (Relaydesk${who})\r\n` +
    `\tid ${input.id}${single}; ${rfc5322Date(input.date)}\r\n`
  );
}
