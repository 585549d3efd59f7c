// A quarantined message keeps no delivery list (applyVerdict drops it, so nothing can relay it),
// yet its Delivery view must say where each recipient stands, as Postfix's hold queue lists
// held mail: each envelope recipient stands in as `quarantined`, with the filter's reasons, as
// captured mail's recipients stand in as `captured` (queue/captured-recipients.ts). Derived from
// the verdict rather than stored: a stored list would make every reader of `delivery` (the
// queue's working set, the due list, retention, hand actions, the index's status) learn that a
// message can have recipients with nothing to send, and sidecars written before would still
// have none. At the release the quarantine becomes the first step of each recipient's history,
// written with the rest of the release in its one atomic sidecar rewrite, so a kill -9 leaves
// either the quarantined message or the released one, never half of each.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { newRecipient } from '../queue/delivery-transition.js';

/** Why the recipients are held, in the words of the filter's findings. */
function heldBecause(record: MessageRecord): string {
  const reasons = record.filter?.reasons ?? [];
  return `held in the quarantine${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
}

/** When the filter quarantined the message. */
function quarantinedAt(record: MessageRecord): string {
  return record.filter?.at ?? record.receivedAt;
}

/** The stand-ins of a message held in the quarantine: one per envelope recipient. */
export function quarantinedRecipients(record: MessageRecord): RecipientDelivery[] {
  return record.envelope.rcptTo.map((address) =>
    newRecipient({
      address,
      state: 'quarantined',
      rule: heldBecause(record),
      at: quarantinedAt(record),
    }),
  );
}

/**
 * The delivery planned at a release, each recipient's history starting with its time in the
 * quarantine (the version the queue's journal counts, history entries, only grows with it).
 */
export function withQuarantineHistory(
  record: MessageRecord,
  planned: readonly RecipientDelivery[],
): RecipientDelivery[] {
  const step = {
    state: 'quarantined' as const,
    at: quarantinedAt(record),
    reason: heldBecause(record),
  };
  return planned.map((r) => ({ ...r, history: [step, ...r.history] }));
}
