import type { MessageDelivery, RecipientDeliveryView, RecipientState } from '../api/contract';
import { attemptReply, recipientStateLabels } from './delivery-format';

/**
 * The recipients of a partly delivered message that did not get it, each with its state and
 * last reply, above the cards. Each card lists every attempt (six rows for a smart host that was
 * down a while), so the one bounced recipient of three was the last thing on a long tab, as a
 * Postfix bounce names the failed recipients first.
 */
export function notDelivered(delivery: MessageDelivery): RecipientDeliveryView[] {
  if (delivery.status !== 'partial') return [];
  // a recipient captured by a rule got the message as it asked (kept here): not a failure
  return delivery.recipients.filter((r) => failedStates.has(r.state));
}

const failedStates: ReadonlySet<RecipientState> = new Set(['bounced', 'expired', 'cancelled']);

export function DeliverySummary({
  delivery,
  onShow,
}: {
  delivery: MessageDelivery;
  /** Brings the recipient's card, with its attempts, into view. */
  onShow(address: string): void;
}) {
  const missed = notDelivered(delivery);
  if (missed.length === 0) return null;
  const total = delivery.recipients.length;
  return (
    <div className="delivery-summary" data-testid="delivery-summary">
      <p>
        Not delivered to {missed.length} of {total} recipients:
      </p>
      <ul>
        {missed.map((recipient) => {
          const last = recipient.attempts.at(-1);
          return (
            <li key={recipient.address} data-testid="delivery-summary-recipient">
              <button
                type="button"
                className="link-button"
                onClick={() => onShow(recipient.address)}
              >
                {recipient.address}
              </button>{' '}
              — {recipientStateLabels[recipient.state]}
              {last && `: ${attemptReply(last)}`}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
