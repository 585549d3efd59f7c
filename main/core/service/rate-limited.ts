// What the API says of mail due now that the upstream's rate limit holds back: the Queue view's
// notice and the Delivery tab's next attempt.
import type { RateLimitedView } from '../../../preload/api-contract.js';
import type { DeliveryQueue } from '../queue/delivery-queue.js';
import type { RecipientDelivery } from '../message-record.js';

/** The limit reached and when the next message may go; null when it holds nothing back. */
export function rateLimitedView(queue: DeliveryQueue): RateLimitedView | null {
  const hold = queue.rateLimitHold();
  if (!hold) return null;
  return { limit: hold.limit, per: hold.per, until: new Date(hold.until).toISOString() };
}

/** A recipient the queue would send now but for the rate limit: waiting, and due. */
export function dueNow(
  recipient: Pick<RecipientDelivery, 'state' | 'nextAttemptAt'>,
  now: number,
): boolean {
  if (recipient.state === 'pending') return true;
  if (recipient.state !== 'deferred') return false;
  return recipient.nextAttemptAt === null || Date.parse(recipient.nextAttemptAt) <= now;
}
