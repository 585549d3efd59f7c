// A message's delivery as the API answers it (HTTP and the desktop window's IPC): the core's
// records without their bookkeeping (the lifetime's start; whether it waits for the upstream to
// answer again only as the queue says it, `waitsForUpstream`), and with the rule's text also
// under its old name.
import type { MessageDelivery } from '../../preload/api-contract.js';
import { waitsForUpstream } from '../core/queue/recipient-state.js';
import type { MessageDeliveryRecord } from '../core/service/message-methods.js';

export function toDeliveryAnswer(delivery: MessageDeliveryRecord): MessageDelivery {
  return {
    ID: delivery.id,
    status: delivery.status,
    actions: delivery.actions,
    rateLimited: delivery.rateLimited,
    recipients: delivery.recipients.map((recipient) => {
      const {
        firstAttemptAt: _first,
        upstreamWait: _wait,
        delayWarnedAt: _warned,
        ...kept
      } = recipient;
      return {
        ...kept,
        ...(waitsForUpstream(recipient) ? { waitsForUpstream: true } : {}),
        // `route`: the rule's old name, still answered for clients written before the rename
        route: kept.rule,
      };
    }),
  };
}
