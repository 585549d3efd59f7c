// The body of a delivery webhook (Relaydesk's own; a new-message webhook is Mailpit's message
// summary as is): the message's rolled-up status and each recipient's state and last reply.
import type { MessageRecord } from '../message-record.js';
import { messageStatus } from '../queue/recipient-state.js';

export interface DeliveryWebhookPayload {
  ID: string;
  MessageID: string;
  Subject: string;
  Status: string;
  Recipients: Array<{
    Address: string;
    DeliverTo: string;
    State: string;
    Attempts: number;
    LastReply: unknown;
  }>;
}

export function deliveryPayload(record: MessageRecord): DeliveryWebhookPayload {
  return {
    ID: record.id,
    MessageID: record.summary.messageId,
    Subject: record.summary.subject,
    Status: messageStatus(record.delivery),
    Recipients: (record.delivery ?? []).map((r) => ({
      Address: r.address,
      DeliverTo: r.deliverTo,
      State: r.state,
      Attempts: r.attempts.length,
      LastReply: r.attempts.at(-1)?.reply ?? null,
    })),
  };
}
