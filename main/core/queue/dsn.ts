// Delivery Status Notifications (RFC 3464) for recipients that failed for good, or that are
// still deferred long after arrival (a delay warning, Postfix's delay_warning_time): a
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

/** One failed recipient as a report states it. */
export interface ReportedRecipient {
  address: string;
  /** Where a redirect sent it, when not to `address`. */
  deliverTo?: string;
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  /** The human line's reason, after `<address>: `. */
  human: string;
  /** RFC 3464 Diagnostic-Code, e.g. `smtp; 550 5.1.1 …`. */
  diagnosticCode?: string;
  remoteMta?: string;
  lastAttempt?: Date;
  /** A delayed recipient's RFC 3464 §2.3.9 Will-Retry-Until: when its lifetime ends. */
  willRetryUntil?: Date;
}

/** Everything a non-delivery report says, whoever found the failure. */
export interface FailureReport {
  /** Relaydesk's ID of the message reported on. */
  queueId: string;
  /** The envelope sender the report is addressed to. */
  sender: string;
  arrivalDate: Date;
  recipients: ReportedRecipient[];
  /** The reported message's header, as it came (text/rfc822-headers). */
  originalHeaders: Buffer;
  reportingHost: string;
  now: Date;
  /** The human part's paragraph before the recipients' lines. */
  intro?: string;
  /** The human part's paragraphs after them. */
  details?: string[];
  /** After `Undelivered Mail Returned to Sender: ` in the Subject (the original's subject). */
  subjectTail?: string;
  /**
   * RFC 3464 §2.3.3 Action of every recipient: `failed` (the default), or `delayed` for a
   * warning that the message is still being retried (then the Subject is Postfix's "Delayed
   * Mail (still being retried)").
   */
  action?: 'failed' | 'delayed';
}

/** The raw DSN message, addressed to the original envelope sender. */
export function buildDsn(input: DsnInput): Buffer {
  const { record, failed } = input;
  return renderDsn({
    queueId: record.id,
    sender: record.envelope.mailFrom,
    arrivalDate: new Date(record.receivedAt),
    recipients: failed.map((r) => {
      const d = diagnostic(r);
      const last = r.attempts[r.attempts.length - 1];
      const why = r.state === 'expired' ? 'could not be delivered in time' : 'was refused';
      return {
        address: r.address,
        ...(r.deliverTo !== r.address ? { deliverTo: r.deliverTo } : {}),
        status: d.status,
        human: `${why}: ${d.text}`,
        ...(d.code ? { diagnosticCode: d.code } : {}),
        ...(last ? { remoteMta: last.upstream.host, lastAttempt: new Date(last.endedAt) } : {}),
      };
    }),
    originalHeaders: input.raw.subarray(0, bodyOffset(input.raw)),
    reportingHost: input.reportingHost,
    now: input.now,
  });
}

export interface DelayInput extends Omit<DsnInput, 'failed'> {
  /** The recipients still deferred. */
  delayed: RecipientDelivery[];
  /** How long the message has waited, in hours, for the human part. */
  waitedHours: number;
  /** Measured from the first attempt, as the queue's lifetime is. */
  lifetimeMs: number;
}

/**
 * The delay warning (`Action: delayed`), as Postfix's delay_warning_time sends it: the last
 * reply as Diagnostic-Code, its 4.x.x status, and until when the message is tried. Only a
 * warning: the sender need not send again, and gets the failure report later if it fails.
 */
export function buildDelayDsn(input: DelayInput): Buffer {
  const { record } = input;
  const hours = (h: number): string => `${Math.round(h * 10) / 10} hour${h === 1 ? '' : 's'}`;
  return renderDsn({
    queueId: record.id,
    sender: record.envelope.mailFrom,
    arrivalDate: new Date(record.receivedAt),
    action: 'delayed',
    intro: [
      '####################################################################',
      '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
      '####################################################################',
      '',
      `Your message could not be delivered for ${hours(input.waitedHours)}.`,
      `It will be retried until it is ${hours(input.lifetimeMs / 3_600_000)} old.`,
      '',
      'The mail system will keep trying to deliver it to:',
    ].join('\r\n'),
    recipients: input.delayed.map((r) => {
      const d = diagnostic(r);
      const last = r.attempts[r.attempts.length - 1];
      // a deferral's status is transient (RFC 3464 §2.3.4: 4.x.x with `delayed`), whatever
      // the reply's own code said
      const status = /^4\.\d{1,3}\.\d{1,3}$/.test(d.status) ? d.status : '4.0.0';
      const first = Date.parse(r.firstAttemptAt ?? record.receivedAt);
      return {
        address: r.address,
        ...(r.deliverTo !== r.address ? { deliverTo: r.deliverTo } : {}),
        status,
        human: `delayed: ${d.text}`,
        ...(d.code ? { diagnosticCode: d.code } : {}),
        ...(last ? { remoteMta: last.upstream.host, lastAttempt: new Date(last.endedAt) } : {}),
        willRetryUntil: new Date(first + input.lifetimeMs),
      };
    }),
    originalHeaders: input.raw.subarray(0, bodyOffset(input.raw)),
    reportingHost: input.reportingHost,
    now: input.now,
  });
}

/** A multipart/report (RFC 3464) from MAILER-DAEMON, sent from the null sender. */
export function renderDsn(report: FailureReport): Buffer {
  const { reportingHost, now, sender } = report;
  const action = report.action ?? 'failed';
  const boundary = `relaydesk-dsn-${randomBytes(8).toString('hex')}`;
  const human = report.recipients
    .map((r) => `<${oneLine(r.address)}>: ${oneLine(r.human)}`)
    .join('\r\n');
  const perRecipient = report.recipients
    .map((r) =>
      [
        `Final-Recipient: rfc822; ${oneLine(r.address)}`,
        ...(r.deliverTo ? [`X-Redirected-To: rfc822; ${oneLine(r.deliverTo)}`] : []),
        `Action: ${action}`,
        `Status: ${r.status}`,
        ...(r.remoteMta ? [`Remote-MTA: dns; ${oneLine(r.remoteMta)}`] : []),
        ...(r.diagnosticCode ? [`Diagnostic-Code: ${oneLine(r.diagnosticCode)}`] : []),
        ...(r.lastAttempt ? [`Last-Attempt-Date: ${rfc5322Date(r.lastAttempt)}`] : []),
        ...(r.willRetryUntil ? [`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`] : []),
      ].join('\r\n'),
    )
    .join('\r\n\r\n');
  const subjectTail = report.subjectTail ? oneLine(report.subjectTail) : '';
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${reportingHost}>`,
    `To: <${oneLine(sender)}>`,
    `Subject: ${action === 'delayed' ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}${subjectTail ? `: ${subjectTail}` : ''}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <dsn-${report.queueId}-${now.getTime()}@${reportingHost}>`,
    `Auto-Submitted: auto-replied`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ].join('\r\n');
  const intro = report.intro ?? 'Your message could not be delivered to one or more recipients:';
  const details = (report.details ?? []).map((p) => `\r\n${p}\r\n`).join('');
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
      `This is the mail system at ${reportingHost} (Relaydesk).\r\n\r\n` +
      `${intro}\r\n${human ? `\r\n${human}\r\n` : ''}${details}`,
    `--${boundary}\r\nContent-Type: message/delivery-status\r\n\r\n` +
      `Reporting-MTA: dns; ${reportingHost}\r\n` +
      `X-Relaydesk-Queue-ID: ${report.queueId}\r\n` +
      `Arrival-Date: ${rfc5322Date(report.arrivalDate)}\r\n\r\n` +
      `${perRecipient}\r\n`,
    `--${boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n`,
  ];
  return Buffer.concat([
    Buffer.from(`${head}\r\n\r\n${parts.join('')}`, 'utf8'),
    report.originalHeaders,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
