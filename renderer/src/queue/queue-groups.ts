// The queue grouped the way a user asks about it: what is being sent, what waits and why. Pure.
import type { RecipientState } from '../api/contract.js';
import type { QueuedMessage, QueuedRecipient, QueueView } from '../api/contract.js';
import { nextAttemptTime } from '../delivery/delivery-format.js';

export interface QueueEntry {
  message: QueuedMessage;
  recipient: QueuedRecipient;
}

export interface QueueGroup {
  state: RecipientState;
  title: string;
  entries: QueueEntry[];
}

/** The states with work left, in the order a user reads them. */
export const waitingStates: { state: RecipientState; title: string }[] = [
  { state: 'sending', title: 'Sending' },
  { state: 'pending', title: 'Waiting to be sent' },
  { state: 'deferred', title: 'Deferred' },
  { state: 'held', title: 'Held' },
];

export function groupQueue(queue: QueueView): QueueGroup[] {
  return waitingStates
    .map(({ state, title }) => ({
      state,
      title,
      entries: queue.messages.flatMap((message) =>
        message.recipients
          .filter((recipient) => recipient.state === state)
          .map((recipient) => ({ message, recipient })),
      ),
    }))
    .filter((group) => group.entries.length > 0);
}

/** Recipients per waiting state, for the sidebar. */
export function queueCounts(queue: QueueView | null): Partial<Record<RecipientState, number>> {
  const counts: Partial<Record<RecipientState, number>> = {};
  for (const message of queue?.messages ?? []) {
    for (const recipient of message.recipients) {
      if (!waitingStates.some((w) => w.state === recipient.state)) continue;
      counts[recipient.state] = (counts[recipient.state] ?? 0) + 1;
    }
  }
  return counts;
}

/** Deferred recipients whose last reply says the upstream itself is failing (no reply, 4xx). */
export function failingUpstream(queue: QueueView | null): QueuedRecipient | null {
  for (const message of queue?.messages ?? []) {
    for (const recipient of message.recipients) {
      if (
        recipient.state === 'deferred' &&
        recipient.lastReply &&
        recipient.lastReply.code === null
      ) {
        return recipient;
      }
    }
  }
  return null;
}

/**
 * When a recipient is tried next, as the queue says it. A time already past is never shown as
 * "… ago": while relaying is paused nothing is tried until the upstream resumes, and otherwise
 * the attempt is due now.
 */
export function nextTryText(
  nextAttemptAt: string | null,
  paused: boolean,
  now: number = Date.now(),
): string {
  const waits = 'waits for the upstream to resume';
  if (nextAttemptAt === null) return paused ? waits : '';
  const when = nextAttemptTime(nextAttemptAt, now);
  if (when !== 'due now') return `next try ${when}`;
  return paused ? waits : 'next try due now';
}
