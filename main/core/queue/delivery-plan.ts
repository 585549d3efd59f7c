// What happens to a newly accepted message, from the routing decisions of its recipients:
// the mailbox it is listed in, and a delivery entry per recipient when any is relayed.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import type { RecipientDecision } from '../routing-rules/index.js';
import { newRecipient } from './delivery-transition.js';

/** Messages that are only relayed are listed here. */
export const outboxMailbox = 'outbox';

export interface DeliveryPlan {
  mailbox: string;
  delivery: RecipientDelivery[] | undefined;
}

export function planDelivery(decisions: readonly RecipientDecision[], at: Date): DeliveryPlan {
  const captured = decisions.find((d) => d.action.type === 'capture');
  // one record, one mailbox: the first capturing rule names it (recipients split across
  // mailboxes are listed in the first one; the delivery view shows each recipient's rule)
  const mailbox = captured?.action.type === 'capture' ? captured.action.mailbox : outboxMailbox;
  const relayed = decisions.some((d) => d.action.type === 'relay' || d.action.type === 'redirect');
  if (!relayed) return { mailbox, delivery: undefined };
  const delivery = decisions
    .filter((d) => d.action.type !== 'reject')
    .map((d) =>
      newRecipient({
        address: d.recipient,
        deliverTo: d.action.type === 'redirect' ? d.action.to : d.recipient,
        state: d.action.type === 'capture' ? 'captured' : 'pending',
        rule: d.explanation,
        at,
      }),
    );
  return { mailbox, delivery };
}

export function isRelayed(record: MessageRecord): boolean {
  return record.delivery?.some((r) => r.state !== 'captured') ?? false;
}
