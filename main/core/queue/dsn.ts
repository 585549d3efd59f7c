// Delivery Status Notifications (RFC 3464) for recipients that failed for good: a
// multipart/report with a human part, a message/delivery-status part and the original headers
// (text/rfc822-headers, RFC 6522), sent from the null sender so that it can never cause another.
import { randomBytes } from 'node:crypto';
import { bodyOffset } from '../message/header-fields.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { rfc5322Date } from '../mail/mail-date.js';
import { oneLine } from '../text/sanitise.js';

export interface DsnInput {
  record: MessageRecord;
  failed: RecipientDelivery[];
  /** The original message, for its headers. */
  raw: Buffer;
  reportingHost: string;
  now: Date;
}

function diagnostic(r: RecipientDelivery): { status: string; code: string; text: string } {
  const last = r.attempts[r.attempts.length - 1];
  const reply = last?.reply;
  const status = reply?.enhanced ?? (r.state === 'expired' ? '4.4.7' : '5.0.0');
  // RFC 3464 §2.3.6: the diagnostic is the reply as the remote MTA sent it, so its enhanced
  // code stays in (`smtp; 550 5.1.1 <bob@…>: Recipient address rejected`), as Postfix writes it
  const text = reply?.code
    ? [reply.code, reply.enhanced, oneLine(reply.text)].filter((part) => part).join(' ')
    : oneLine(reply?.text || (r.history.at(-1)?.reason ?? ''));
  return { status, code: reply?.code ? `smtp; ${text}` : '', text };
}

/** The raw DSN message, addressed to the original envelope sender. */
export function buildDsn(input: DsnInput): Buffer {
  const { record, failed, reportingHost, now } = input;
  const boundary = `relaydesk-dsn-${randomBytes(8).toString('hex')}`;
  const sender = record.envelope.mailFrom;
  const human = failed
    .map((r) => {
      const d = diagnostic(r);
      const why = r.state === 'expired' ? 'could not be delivered in time' : 'was refused';
      return `<${oneLine(r.address)}>: ${why}: ${d.text}`;
    })
    .join('\r\n');
  const perRecipient = failed
    .map((r) => {
      const d = diagnostic(r);
      const last = r.attempts[r.attempts.length - 1];
      return [
        `Final-Recipient: rfc822; ${oneLine(r.address)}`,
        ...(r.deliverTo !== r.address ? [`X-Redirected-To: rfc822; ${oneLine(r.deliverTo)}`] : []),
        `Action: failed`,
        `Status: ${d.status}`,
        ...(last ? [`Remote-MTA: dns; ${oneLine(last.upstream.host)}`] : []),
        ...(d.code ? [`Diagnostic-Code: ${d.code}`] : []),
        ...(last ? [`Last-Attempt-Date: ${rfc5322Date(new Date(last.endedAt))}`] : []),
      ].join('\r\n');
    })
    .join('\r\n\r\n');
  const originalHeaders = input.raw.subarray(0, bodyOffset(input.raw));
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${reportingHost}>`,
    `To: <${oneLine(sender)}>`,
    `Subject: Undelivered Mail Returned to Sender`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <dsn-${record.id}-${now.getTime()}@${reportingHost}>`,
    `Auto-Submitted: auto-replied`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ].join('\r\n');
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
      `This is the mail system at ${reportingHost} (Relaydesk).\r\n\r\n` +
      `Your message could not be delivered to one or more recipients:\r\n\r\n${human}\r\n`,
    `--${boundary}\r\nContent-Type: message/delivery-status\r\n\r\n` +
      `Reporting-MTA: dns; ${reportingHost}\r\n` +
      `X-Relaydesk-Queue-ID: ${record.id}\r\n` +
      `Arrival-Date: ${rfc5322Date(new Date(record.receivedAt))}\r\n\r\n` +
      `${perRecipient}\r\n`,
    `--${boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n`,
  ];
  return Buffer.concat([
    Buffer.from(`${head}\r\n\r\n${parts.join('')}`, 'utf8'),
    originalHeaders,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
