// One log line per attempt, in the shape people grep Postfix logs for:
//   <id>: to=<rcpt>, relay=host[ip]:port, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { oneLine } from '../text/sanitise.js';

const postfixStatus: Record<string, string> = {
  relayed: 'sent',
  deferred: 'deferred',
  bounced: 'bounced',
  expired: 'expired',
};

export function attemptLogLine(
  record: MessageRecord,
  recipient: RecipientDelivery,
  attempt: DeliveryAttemptView,
): string {
  const delay = (Date.parse(attempt.endedAt) - Date.parse(record.receivedAt)) / 1000;
  const relay = `${attempt.upstream.host}[${attempt.upstream.ip ?? 'unknown'}]:${attempt.upstream.port}`;
  const reply = attempt.reply.code
    ? `${attempt.reply.code} ${attempt.reply.enhanced ? `${attempt.reply.enhanced} ` : ''}${attempt.reply.text}`
    : attempt.reply.text;
  const orig =
    recipient.deliverTo !== recipient.address ? `, orig_to=<${oneLine(recipient.address)}>` : '';
  return (
    `${record.id}: to=<${oneLine(recipient.deliverTo)}>${orig}, relay=${relay}, delay=${delay.toFixed(2)}, ` +
    `dsn=${attempt.reply.enhanced ?? (attempt.reply.code ? `${String(attempt.reply.code)[0]}.0.0` : '4.0.0')}, ` +
    `status=${postfixStatus[recipient.state] ?? recipient.state} (${oneLine(reply)})`
  );
}
