// The life of one recipient, as pure functions over its record:
//   pending → sending → relayed | deferred | bounced;  deferred → pending when due;
//   expired past the lifetime; held and cancelled by hand; captured for mail kept locally.
// Every change is appended to the recipient's history with its time and reason.
import type { MessageStatus, RecipientState } from '../../../preload/api-contract.js';
import type { RecipientDelivery } from '../message-record.js';

export const finalStates: ReadonlySet<RecipientState> = new Set([
  'relayed',
  'bounced',
  'expired',
  'cancelled',
  'captured',
]);

const failedStates: ReadonlySet<RecipientState> = new Set(['bounced', 'expired', 'cancelled']);

export function isFinal(state: RecipientState): boolean {
  return finalStates.has(state);
}

export function transition(
  recipient: RecipientDelivery,
  state: RecipientState,
  at: Date,
  reason: string,
  changes: Partial<Pick<RecipientDelivery, 'nextAttemptAt' | 'firstAttemptAt'>> = {},
): RecipientDelivery {
  return {
    ...recipient,
    ...changes,
    state,
    history: [...recipient.history, { state, at: at.toISOString(), reason }],
  };
}

/** Due for an attempt: waiting and its time has come. */
export function isDue(recipient: RecipientDelivery, now: number): boolean {
  if (recipient.state === 'pending') return true;
  if (recipient.state !== 'deferred') return false;
  return recipient.nextAttemptAt === null || Date.parse(recipient.nextAttemptAt) <= now;
}

/** The message's status, rolled up from its recipients. */
export function messageStatus(recipients: readonly RecipientDelivery[] | undefined): MessageStatus {
  if (!recipients || recipients.every((r) => r.state === 'captured')) return 'captured';
  const states = new Set(recipients.map((r) => r.state));
  if (states.has('pending') || states.has('sending') || states.has('deferred')) return 'queued';
  if (states.has('held')) return 'held';
  const failed = recipients.filter((r) => failedStates.has(r.state)).length;
  if (failed === 0) return 'delivered';
  const succeeded = recipients.filter(
    (r) => r.state === 'relayed' || r.state === 'captured',
  ).length;
  return succeeded > 0 ? 'partial' : 'failed';
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
