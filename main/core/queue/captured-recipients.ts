// Mail that was only captured keeps no delivery list (nothing was to be sent); its envelope
// recipients stand in as `captured` entries wherever one is needed: the Delivery view, and a
// release through the upstream (MailDev's Relay, smtp4dev's Relay, Mailpit's release), which
// starts the message's first delivery list from them.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { newRecipient } from './delivery-transition.js';

export function capturedRecipients(record: MessageRecord): RecipientDelivery[] {
  return record.envelope.rcptTo.map((address) =>
    newRecipient({
      address,
      state: 'captured',
      rule: `captured into ${record.mailbox}`,
      at: record.receivedAt,
    }),
  );
}

/** The delivery list as kept, or the captured stand-ins when none was. */
export function deliveryOrCaptured(record: MessageRecord): RecipientDelivery[] {
  return record.delivery ?? capturedRecipients(record);
}
