// When the sender is warned that a message is still deferred, as Postfix's delay_warning_time
// does: once per message, when an attempt leaves recipients deferred longer than the setting
// after the message's arrival, only while failure reports (DSN) are on, never to the null
// sender (a report about a report could loop, RFC 3464 §2). Pure: the queue passes the clock.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import type { Settings } from '../settings/settings-schema.js';

export type DelayWarningSettings = Pick<Settings, 'dsn' | 'delayWarningHours'>;

/**
 * The recipients to warn of now: those still deferred, when one of them has waited past the
 * setting and no recipient of the message was warned before. Empty otherwise.
 */
export function recipientsToWarn(
  record: MessageRecord,
  now: number,
  settings: DelayWarningSettings,
): RecipientDelivery[] {
  const hours = settings.delayWarningHours;
  if (!settings.dsn || hours <= 0 || record.envelope.mailFrom === '') return [];
  const delivery = record.delivery ?? [];
  // once per message, as Postfix clears the message's warning time when it has sent one
  if (delivery.some((r) => r.delayWarnedAt !== undefined)) return [];
  if (now - Date.parse(record.receivedAt) < hours * 3_600_000) return [];
  return delivery.filter((r) => r.state === 'deferred');
}

/** The history's words for the warning sent. */
export function delayWarningReason(sender: string, waitedMs: number, hours: number): string {
  const waited = Math.round((waitedMs / 3_600_000) * 10) / 10;
  return `delay warning sent to <${sender}>: still deferred ${waited} h after arrival (warning after ${hours} h)`;
}
