// The queue grouped the way a user asks about it: what is being sent, what waits and why. Pure.
import type { RecipientState } from '../api/contract.js';
import type {
  QueuedMessage,
  QueuedRecipient,
  QueueView,
  RateLimitedView,
  UpstreamPauseView,
} from '../api/contract.js';
import { nextAttemptTime, relativeTime, replyLine } from '../delivery/delivery-format.js';

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

/**
 * Messages per waiting state, for the sidebar (one with recipients in two states counts in both).
 * Hold, Retry and Cancel act on whole messages and their confirms count messages: counted by
 * recipient, the sidebar said "291 held" beside "Cancel 31 messages held?".
 */
export function queueCounts(queue: QueueView | null): Partial<Record<RecipientState, number>> {
  const counts: Partial<Record<RecipientState, number>> = {};
  for (const message of queue?.messages ?? []) {
    const states = new Set(message.recipients.map((recipient) => recipient.state));
    for (const { state } of waitingStates) {
      if (states.has(state)) counts[state] = (counts[state] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * A group's count beside its title: the view lists one entry per recipient, so where messages
 * have several it says both ("31 messages, 243 recipients"), as the sidebar counts messages.
 */
export function groupCount(group: QueueGroup): string {
  const messages = new Set(group.entries.map((entry) => entry.message.ID)).size;
  if (messages === group.entries.length) return String(messages);
  return `${messages} message${messages === 1 ? '' : 's'}, ${group.entries.length} recipients`;
}

/**
 * Deferred recipients whose last reply says the upstream itself is failing (no reply, 4xx); not
 * one whose message could not be made here (lastNotSent): that is no fault of the upstream.
 */
export function failingUpstream(queue: QueueView | null): QueuedRecipient | null {
  for (const message of queue?.messages ?? []) {
    for (const recipient of message.recipients) {
      if (
        recipient.state === 'deferred' &&
        !recipient.lastNotSent &&
        recipient.lastReply &&
        recipient.lastReply.code === null
      ) {
        return recipient;
      }
    }
  }
  return null;
}

/** What the Queue view says of a recipient's next try, and the full time for its tooltip. */
export interface NextTry {
  text: string;
  at: string | null;
}

/** No retry time, or one within the few seconds the view calls "due now" (nextAttemptTime). */
function dueNow(nextAttemptAt: string | null, now: number): boolean {
  return nextAttemptAt === null || Date.parse(nextAttemptAt) - now < 5000;
}

/**
 * A recipient due now that the upstream's rate limit holds back: it waits for the limit, not for
 * a retry time (the view's notice says when the next message goes). Null for any other.
 */
export function rateLimitedTry(
  recipient: Pick<QueuedRecipient, 'state' | 'nextAttemptAt'>,
  rateLimited: RateLimitedView | null,
  now: number = Date.now(),
): NextTry | null {
  if (!rateLimited) return null;
  const { state, nextAttemptAt } = recipient;
  const due = state === 'pending' || (state === 'deferred' && dueNow(nextAttemptAt, now));
  return due ? { text: 'waits for the rate limit', at: rateLimited.until } : null;
}

/**
 * When a recipient is tried next, as the queue says it. A time already past is never shown as
 * "… ago": while relaying is paused nothing is tried until the upstream resumes, and otherwise
 * the attempt is due now. Mail that waits for an upstream that did not answer goes by itself
 * when it answers again: the view says so, and when it is probed next, rather than a retry time
 * that may be an hour away, so that the admin sees that nothing needs doing.
 */
export function nextTry(
  recipient: Pick<QueuedRecipient, 'state' | 'nextAttemptAt' | 'waitsForUpstream'>,
  pause: Pick<UpstreamPauseView, 'unreachable' | 'nextProbeAt' | 'probingSince'> | null,
  now: number = Date.now(),
): NextTry {
  const { state, nextAttemptAt } = recipient;
  // held (by hand, or by a suspension for review) is never tried, whatever retry time it kept
  // from before: "next try due now" under a suspended sender's mail read as if it were going out
  if (state === 'held') return { text: 'not sent until released', at: null };
  // a pause that waits for a person (a rejected login, by hand) keeps no retry time
  if (pause && !pause.unreachable) return { text: nextTryText(null, true, now), at: null };
  // a probe is out: the one it carries is being tried, the rest wait for its answer
  if (pause?.probingSince && state === 'sending')
    return { text: 'a probe: does the upstream answer again?', at: null };
  const due = dueNow(nextAttemptAt, now);
  if (pause && (state === 'pending' || recipient.waitsForUpstream || due)) {
    const answers = 'goes when the upstream answers again';
    if (pause.probingSince) return { text: `${answers} — probing now`, at: null };
    if (!pause.nextProbeAt) return { text: answers, at: null };
    const when = nextAttemptTime(pause.nextProbeAt, now);
    return { text: `${answers} — next probe ${when}`, at: pause.nextProbeAt };
  }
  if (!pause && recipient.waitsForUpstream && nextAttemptAt && !due) {
    return {
      text: `goes when the upstream takes mail again — next try ${relativeTime(nextAttemptAt, now)} at the latest`,
      at: nextAttemptAt,
    };
  }
  return { text: nextTryText(nextAttemptAt, !!pause, now), at: nextAttemptAt };
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

/**
 * What follows a waiting recipient's reason in the Queue view: the upstream's last reply, when
 * the reason does not already quote it. A reply without a code is Relaydesk's own account of a
 * session that failed before the upstream answered (refused, timed out, STARTTLS not offered):
 * the reason already says it, and "last reply: no reply 4.7.4 …" read as a reply that was none.
 */
export function lastReplyNote(recipient: Pick<QueuedRecipient, 'why' | 'lastReply'>): string {
  const reply = recipient.lastReply;
  if (!reply || reply.code === null || recipient.why.includes(reply.text)) return '';
  return ` — last reply: ${replyLine(reply)}`;
}
