// "Resend": a message sent again, to `to` when given (e.g. a captured message released to
// someone), else to its recipients that bounced, expired or were cancelled, or, when none did and
// the message was captured, to the recipients it was captured for (MailDev's Relay sends a
// captured message to its own recipients). A new lifetime starts for each; a recipient still
// waiting or being sent is left as it is.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { deliveryOrCaptured } from './captured-recipients.js';
import { allows, applyDelivery, newRecipient } from './delivery-transition.js';
import { QueueError } from './queue-error.js';
import { isPlainAddress } from '../routing-rules/routing-action.js';
import { show } from '../routing-rules/settings-errors.js';
import { isFinal } from './recipient-state.js';
import type { RetrySchedule } from './retry-schedule.js';

/**
 * The addresses given to resend to, checked before any message changes. They go to the upstream
 * in RCPT TO as given, and a smart host qualifies a bare name with its own domain (Postfix's
 * append_at_myorigin), so "bob" typed for bob@client.example would reach a colleague instead of
 * failing; Mailpit's release refuses such an address with 400 as well.
 */
export function resendAddresses(to: string[]): string[] {
  const addresses = to.map((address) => address.trim());
  const wrong = addresses.filter((address) => !isPlainAddress(address));
  if (wrong.length > 0) {
    throw new QueueError(
      `To: ${wrong.map(show).join(', ')} ${wrong.length === 1 ? 'is not an email address' : 'are not email addresses'}; give each recipient whole, like jane@example.com (nothing was resent)`,
    );
  }
  return addresses;
}

/** The addresses a resend goes to: `to`, else as the comment at the top says. */
export function resendTargets(record: MessageRecord, to: string[] | null): string[] {
  const list = deliveryOrCaptured(record);
  const failed = list.filter((r) => ['bounced', 'expired', 'cancelled'].includes(r.state));
  return (to ?? (failed.length > 0 ? failed : list.filter((r) => r.state === 'captured'))).map(
    (r) => (typeof r === 'string' ? r : r.address),
  );
}

export function resentDelivery(
  record: MessageRecord,
  to: string[] | null,
  at: Date,
  policy: RetrySchedule,
): RecipientDelivery[] {
  const list = deliveryOrCaptured(record);
  const targets = resendTargets(record, to);
  if (targets.length === 0) {
    throw new QueueError(
      `message ${record.id} has no bounced, expired, cancelled or captured recipient; give "To" to resend it to other addresses`,
    );
  }
  const resend = { type: 'resend', reason: 'resent by hand' } as const;
  for (const address of targets) {
    const index = list.findIndex((r) => r.address.toLowerCase() === address.toLowerCase());
    const existing = index >= 0 ? list[index] : undefined;
    if (existing && !isFinal(existing.state)) continue;
    if (existing && allows(existing.state, resend.type)) {
      const sent = applyDelivery(existing, resend, at, policy);
      // the Delivery view names the rule beside the state: "Relayed" under "captured into inbox"
      // read as a contradiction
      list[index] =
        existing.state === 'captured'
          ? { ...sent, rule: `released by hand (${existing.rule})` }
          : sent;
    } else list.push(newRecipient({ address, state: 'pending', rule: 'resent by hand', at }));
  }
  return list;
}
