// Questions asked of recipients' delivery states: is one due, final, what does the message's
// status roll up to. The changes themselves are in delivery-transition.ts.
import type { MessageStatus, RecipientState } from '../../../preload/api-contract.js';
import type { RecipientDelivery } from '../message-record.js';
import { isGreylisting } from '../upstream/smtp-reply.js';
import { finalStates } from './delivery-transition.js';

export { finalStates };

const failedStates: ReadonlySet<RecipientState> = new Set(['bounced', 'expired', 'cancelled']);

export function isFinal(state: RecipientState): boolean {
  return finalStates.has(state);
}

/**
 * Deferred because the upstream failed as a whole, not for anything about this recipient: it goes
 * as soon as the upstream answers again (the API's `waitsForUpstream`).
 */
export function waitsForUpstream(recipient: RecipientDelivery): boolean {
  return recipient.state === 'deferred' && recipient.upstreamWait === 'waiting';
}

/**
 * Deferred by a greylisting reply (smtp-reply.ts isGreylisting), its wait not over: sent sooner
 * (the network back, a wake from sleep), it would only be greylisted again, its wait started anew.
 */
export function keepsGreylistWait(r: RecipientDelivery, now: number): boolean {
  return (
    r.state === 'deferred' &&
    !waitsForUpstream(r) &&
    r.nextAttemptAt !== null &&
    Date.parse(r.nextAttemptAt) > now &&
    isGreylisting(r.attempts.at(-1)?.reply)
  );
}

/** Due for an attempt: waiting and its time has come. */
export function isDue(recipient: RecipientDelivery, now: number): boolean {
  if (recipient.state === 'pending') return true;
  if (recipient.state !== 'deferred') return false;
  return recipient.nextAttemptAt === null || Date.parse(recipient.nextAttemptAt) <= now;
}

/** The message's status, rolled up from its recipients. */
export function messageStatus(
  recipients: readonly Pick<RecipientDelivery, 'state'>[] | undefined,
): MessageStatus {
  if (!recipients || recipients.every((r) => r.state === 'captured')) return 'captured';
  const states = new Set(recipients.map((r) => r.state));
  if (states.has('quarantined')) return 'quarantined';
  if (states.has('pending') || states.has('sending') || states.has('deferred')) return 'queued';
  if (states.has('held')) return 'held';
  const failed = recipients.filter((r) => failedStates.has(r.state)).length;
  if (failed === 0) return 'delivered';
  const succeeded = recipients.filter(
    (r) => r.state === 'relayed' || r.state === 'captured',
  ).length;
  if (succeeded > 0) return 'partial';
  // the spam of a stolen login, cancelled in bulk, was listed as "Failed" and counted with the
  // bounces in the tray, as if the upstream had refused it
  return recipients.every((r) => r.state === 'cancelled') ? 'cancelled' : 'failed';
}

/** A status with recipients still to be sent (or released): the queue's working set. */
export function hasDeliveryWork(status: MessageStatus): boolean {
  return status === 'queued' || status === 'held';
}

/** When nothing of the message is left to do: the moment its last recipient became final. */
export function settledAt(recipients: readonly RecipientDelivery[] | undefined): number | null {
  if (!recipients || recipients.length === 0) return null;
  if (!recipients.every((r) => isFinal(r.state))) return null;
  let last = 0;
  for (const r of recipients) {
    const at = r.history[r.history.length - 1]?.at;
    if (at) last = Math.max(last, Date.parse(at));
  }
  return last;
}
