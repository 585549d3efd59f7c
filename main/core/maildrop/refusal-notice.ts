// The non-delivery notice of a message `relaydesk sendmail` left in the drop folder that the
// relay then refused for good (a routing rule, the size limit, a mail loop, a suspended sender)
// or could not read. sendmail had exited 0, so cron or PHP's mail() believes the mail is on its
// way; Postfix bounces such mail to its local sender. On a desktop relay that sender
// (`www-data@host`, `root@host`) is a local address no upstream would deliver, so the notice is
// listed in the Inbox, where the user sees it, and never relayed.
import { dirname } from 'node:path';
import { bodyOffset, readHeaderFields } from '../message/header-fields.js';
import type { FailureReport, ReportedRecipient } from '../queue/dsn.js';
import { oneLine, withoutControlCharacters } from '../text/sanitise.js';
import type { DropRefusal } from './maildrop-pickup.js';

/** A header value from the dropped message, made safe for one line of our text. */
function shown(value: string): string {
  const line = withoutControlCharacters(oneLine(value));
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** RFC 3463 status: the refusal's own enhanced code when it has one. */
function statusOf(refusal: DropRefusal, reason: string): string {
  if (refusal.status) return refusal.status;
  const enhanced = /\b5\.\d{1,3}\.\d{1,3}\b/.exec(reason);
  if (enhanced) return enhanced[0];
  return refusal.readable ? '5.0.0' : '5.3.0';
}

export function refusalReport(input: {
  refusal: DropRefusal;
  reportingHost: string;
  now: Date;
  /** The ID the report is filed under: the drop file's name, or the stored message's. */
  queueId: string;
}): FailureReport {
  const { refusal } = input;
  const { envelope } = refusal;
  const fields = refusal.raw ? readHeaderFields(refusal.raw) : [];
  const field = (name: string): string | undefined => {
    const found = fields.find((f) => f.name.toLowerCase() === name);
    return found ? shown(found.value) : undefined;
  };
  const subject = field('subject');
  const recipients: ReportedRecipient[] = (
    refusal.recipients ?? (envelope.rcptTo ?? []).map((address) => ({ address, reason: '' }))
  ).map((r) => {
    const reason = r.reason || refusal.reason;
    return {
      address: r.address,
      status: statusOf(refusal, reason),
      human: `was refused: ${reason}`,
      ...(/^\d{3} /.test(reason) ? { diagnosticCode: `smtp; ${reason}` } : {}),
    };
  });
  const who =
    envelope.user === undefined
      ? 'an unknown local user'
      : `local user ${shown(envelope.user)}${envelope.uid === undefined || envelope.uid === null ? '' : ` (uid ${envelope.uid})`}`;
  const when = envelope.queuedAt ? ` at ${envelope.queuedAt}` : '';
  const handed = `${who} handed to \`relaydesk sendmail\`${when}, kept in the drop folder while the relay could not take it,`;
  const intro = !refusal.readable
    ? `A file in the drop folder of \`relaydesk sendmail\` could not be taken in. Nothing in it will be delivered${recipients.length ? ' to:' : '.'}`
    : refusal.keptAt === null
      ? `A message that ${handed} was taken in for its other recipients (as message ${refusal.takenAs}), but will not be delivered to:`
      : `A message that ${handed} was refused when the relay took it in. It will not be delivered to:`;
  const described = [
    ['From', field('from')],
    ['To', field('to')],
    ['Cc', field('cc')],
    ['Subject', subject],
    ['Message-ID', field('message-id')],
    [
      'Envelope sender',
      envelope.mailFrom === undefined ? undefined : `<${shown(envelope.mailFrom)}>`,
    ],
    ['Left by', refusal.readable || envelope.user === undefined ? undefined : `${who}${when}`],
  ]
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, value]) => `  ${name}: ${value}`);
  const details = [
    described.length > 0
      ? `The message:\r\n${described.join('\r\n')}`
      : 'Nothing could be read of the message.',
  ];
  // the recipients' lines say why, unless there are none to say it
  if (recipients.length === 0) details.push(`Why: ${shown(refusal.reason)}`);
  if (refusal.keptAt !== null) {
    details.push(
      refusal.readable
        ? `The file is kept as ${refusal.keptAt}. To have the relay take it in again once the cause is fixed, move it back into ${dirname(dirname(refusal.keptAt))}.`
        : `The file is kept as ${refusal.keptAt}.`,
    );
  }
  return {
    queueId: input.queueId,
    sender: envelope.mailFrom ?? '',
    arrivalDate: new Date(envelope.queuedAt ?? input.now),
    recipients,
    // a damaged file may have no end of header: what a header block could be, no more
    originalHeaders: refusal.raw
      ? refusal.raw.subarray(0, Math.min(bodyOffset(refusal.raw), 64 * 1024))
      : Buffer.alloc(0),
    reportingHost: input.reportingHost,
    now: input.now,
    intro,
    details,
    subjectTail: subject ?? (refusal.readable ? undefined : 'a drop file that cannot be read'),
  };
}
