// A flush ("Retry all deferred", `relaydesk queue flush`, as `postqueue -f`) also lifts a pause
// that a failure set (not one by hand): the mail that waited for the upstream without an
// attempt of its own goes too. The flush's answer counts only the deferred messages it made
// due, so "0 deferred message(s) to be tried now" came just before that mail was sent.
import type { QueueView } from './relay-contract.js';

/**
 * The messages, besides `flushed`, that a flush sends by lifting the pause: those with a
 * recipient still pending while the upstream was paused by a failure. `before` is the queue as
 * read before the flush (after it, the pause is gone).
 */
export function sentByLiftedPause(before: QueueView, flushed: readonly string[]): number {
  const paused = before.upstream.paused;
  if (!paused || paused.byHand) return 0;
  return before.messages.filter(
    (message) =>
      !flushed.includes(message.ID) && message.recipients.some((r) => r.state === 'pending'),
  ).length;
}
