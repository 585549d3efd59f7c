// The bodies of the webhooks, built from the service's records at the edge as the WebSocket's
// events are. A new message is Mailpit's message summary as is; a delivery change is Relaydesk's
// own: the message's rolled-up status and each recipient's state and last reply.
import type { MessageSummary } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../../core/message-record.js';
import { summaryStatus } from '../../core/filter/quarantine-release.js';
import { toMessageSummary } from '../mailpit/mailpit-shapes.js';

export function newMessagePayload(record: MessageRecord): MessageSummary {
  return toMessageSummary(record);
}

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
    Status: summaryStatus(record),
    Recipients: (record.delivery ?? []).map((r) => ({
      Address: r.address,
      DeliverTo: r.deliverTo,
      State: r.state,
      Attempts: r.attempts.length,
      LastReply: r.attempts.at(-1)?.reply ?? null,
    })),
  };
}
