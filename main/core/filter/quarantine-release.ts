// Releasing a quarantined message by hand, as Postfix's `postsuper -H` does for mail a milter
// quarantined into the hold queue, or amavisd-release for its quarantine: for a false positive
// (an attachment rule that hit a legitimate file). The message goes back to the mailbox it was
// for and, where its recipients' rules relay, into the queue through the normal relay path. Its
// verdict stays on it, with the time of the release, so what the filter found is never lost.
import type { MessageStatus } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import { planDelivery } from '../queue/delivery-plan.js';
import { applyDelivery } from '../queue/delivery-transition.js';
import { defaultRetrySchedule } from '../queue/retry-schedule.js';
import { QueueError } from '../queue/queue-error.js';
import { messageStatus } from '../queue/recipient-state.js';
import type { RecipientDecision } from '../routing-rules/index.js';
import { quarantineMailbox } from './message-filter.js';
import { withQuarantineHistory } from './quarantined-recipients.js';

export const releasedTag = 'released';

/** The note applyVerdict leaves, read back for the mailbox the message was for. */
const wasFor = /^quarantined: kept here and never relayed \(was for (.+)\)$/;

/** The mailbox a quarantined message was for, from its note; null for a sidecar without one. */
export function mailboxBeforeQuarantine(record: Pick<MessageRecord, 'notes'>): string | null {
  for (const note of record.notes) {
    const found = wasFor.exec(note);
    if (found?.[1]) return found[1];
  }
  return null;
}

/**
 * The searches that list the quarantine: every message it took (a released one keeps the
 * `quarantined` tag as its history, with `released`), and those it still holds.
 */
export const everQuarantinedQuery = 'tag:quarantined';
export const heldInQuarantineQuery = 'tag:quarantined !tag:released';

/** Whether the filter quarantined the message and it has not been released since. */
export function isHeldInQuarantine(record: Pick<MessageRecord, 'filter'>): boolean {
  return record.filter?.action === 'quarantined' && record.filter.released === undefined;
}

/**
 * A message's status as the API's summaries and the webhooks tell it. One held in the quarantine
 * keeps no delivery list, so it read `captured`, mail that was meant to be relayed and waits for
 * a release; its Delivery view said `quarantined` all along.
 */
export function summaryStatus(record: Pick<MessageRecord, 'filter' | 'delivery'>): MessageStatus {
  return isHeldInQuarantine(record) ? 'quarantined' : messageStatus(record.delivery);
}

/**
 * Why a release cannot be done, in words naming the message and the fix; null when it can.
 * A virus verdict needs `confirmVirus`: releasing it sends a virus to its recipients, which a
 * script or a click must not do by the way.
 */
export function releaseRefusal(record: MessageRecord, confirmVirus: boolean): QueueError | null {
  const { filter } = record;
  if (!filter || filter.action !== 'quarantined') {
    return new QueueError(
      `message ${record.id} is not quarantined (it is in ${record.mailbox}); only a message the filter quarantined can be released from the quarantine (a held message is released with POST /api/v1/queue/release)`,
      409,
    );
  }
  if (filter.released !== undefined) {
    return new QueueError(
      `message ${record.id} was already released from the quarantine at ${filter.released}; it is not quarantined now, and a release happens once; to send it again, use Resend in its Delivery tab or POST /api/v1/queue/resend with {"IDs": ["${record.id}"]}`,
      409,
    );
  }
  if (filter.scan === 'infected' && !confirmVirus) {
    return new QueueError(
      `message ${record.id} is quarantined for a virus (${filter.signature ?? 'found by clamd'}): releasing it sends the virus to its recipients; to release it anyway, send {"ConfirmVirus": true} (relaydesk queue release --virus ${record.id})`,
      409,
    );
  }
  return null;
}

export interface ReleasedMessage {
  record: MessageRecord;
  /** The recipients queued for relaying (their rules relay or redirect them). */
  relayed: string[];
  /** Why they wait held instead of going (a suspension of its sender); null when they go. */
  heldBy: string | null;
  /** Recipients the rules now reject: left out. */
  refused: string[];
}

/**
 * The record after its release at `at`: in the mailbox it was for, tagged `released` (the
 * `quarantined` tag stays, as the Quarantine view's history), a note with the time, the verdict
 * marked released, and a delivery planned from `decisions` (the routing rules now, as for a
 * message just received: a recipient they relay is queued, one they capture is listed), each
 * recipient's history starting with its time in the quarantine.
 */
export function releasedRecord(
  record: MessageRecord,
  decisions: readonly RecipientDecision[],
  at: Date,
  /**
   * The hold reason of a suspension that covers its sender now, if one does. The message joins
   * the queue as one just received, and one just received from a suspended sender is refused:
   * released, it waits held for review with what the sender had queued, instead of going out
   * past the suspension. Held in the same write as the release, so a crash cannot send it.
   */
  suspended: string | null = null,
): ReleasedMessage {
  const planned = planDelivery(decisions, at);
  const plan = suspended
    ? {
        ...planned,
        delivery: planned.delivery?.map((r) =>
          r.state === 'pending'
            ? applyDelivery(r, { type: 'hold', reason: suspended }, at, defaultRetrySchedule)
            : r,
        ),
      }
    : planned;
  const mailbox = mailboxBeforeQuarantine(record) ?? plan.mailbox;
  const when = at.toISOString();
  const relayed = (plan.delivery ?? [])
    .filter((r) => r.state === 'pending' || r.state === 'held')
    .map((r) => r.address);
  const heldBy = suspended && relayed.length > 0 ? suspended : null;
  const refused = decisions.filter((d) => d.action.type === 'reject').map((d) => d.recipient);
  const notes = [
    ...record.notes,
    `released from the quarantine by hand at ${when}${relayed.length > 0 ? `: queued for ${relayed.join(', ')}` : ''}${heldBy ? `, ${heldBy}` : ''}`,
    ...(refused.length > 0
      ? [`not queued for ${refused.join(', ')}: the routing rules now reject them`]
      : []),
  ];
  const tags = record.tags.includes(releasedTag) ? record.tags : [...record.tags, releasedTag];
  const filter = record.filter && { ...record.filter, released: when };
  const { delivery: _none, filter: _old, ...rest } = record;
  return {
    record: {
      ...rest,
      mailbox: mailbox === quarantineMailbox ? plan.mailbox : mailbox,
      tags,
      notes,
      ...(plan.delivery ? { delivery: withQuarantineHistory(record, plan.delivery) } : {}),
      ...(filter ? { filter } : {}),
    },
    relayed,
    heldBy,
    refused,
  };
}
