// One log line per attempt, in the shape people grep Postfix logs for:
//   <id>: to=<rcpt>, relay=host[ip]:port, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import type { LogRecord } from '../logs/log-record.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { oneLine } from '../text/sanitise.js';

const postfixStatus: Record<string, string> = {
  relayed: 'sent',
  deferred: 'deferred',
  bounced: 'bounced',
  expired: 'expired',
};

/** The record of one attempt for one recipient: sent is `info`, anything else `warn`. */
export function attemptLogRecord(
  record: MessageRecord,
  recipient: RecipientDelivery,
  attempt: DeliveryAttemptView,
): LogRecord {
  const delay = (Date.parse(attempt.endedAt) - Date.parse(record.receivedAt)) / 1000;
  const reply = attempt.reply.code
    ? `${attempt.reply.code} ${attempt.reply.enhanced ? `${attempt.reply.enhanced} ` : ''}${attempt.reply.text}`
    : attempt.reply.text;
  const status = postfixStatus[recipient.state] ?? recipient.state;
  return {
    level: status === 'sent' ? 'info' : 'warn',
    event: 'message',
    id: record.id,
    fields: {
      to: `<${oneLine(recipient.deliverTo)}>`,
      orig_to:
        recipient.deliverTo !== recipient.address ? `<${oneLine(recipient.address)}>` : undefined,
      relay: `${attempt.upstream.host}[${attempt.upstream.ip ?? 'unknown'}]:${attempt.upstream.port}`,
      delay: delay.toFixed(2),
      dsn:
        attempt.reply.enhanced ??
        (attempt.reply.code ? `${String(attempt.reply.code)[0]}.0.0` : '4.0.0'),
      status: `${status} (${oneLine(reply)})`,
    },
  };
}
