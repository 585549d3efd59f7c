// Why a queue action asked for by hand (hold, release, retry now, cancel) cannot apply to a
// message, in words for whoever asked. The queue itself skips recipients an event does not apply
// to, which is right for its own sweeps (retry everything deferred, hold what a suspended sender
// has waiting); but a person who holds a delivered message by its ID must hear that nothing was
// held, not get the ID back as if it had been (QA).
import type {
  DeliveryHandAction,
  MessageStatus,
  RecipientState,
} from '../../../preload/api-contract.js';
import { allows } from './delivery-transition.js';
import { messageStatus } from './recipient-state.js';

/** What each action applies to, as the sentence after the message's state. */
const appliesTo: Record<DeliveryHandAction, string> = {
  hold: 'only queued or deferred messages can be held',
  release: 'only held messages can be released',
  // no command line resends (a new delivery): name where it is done
  retry:
    'only queued or deferred messages can be retried now; to send one again, use Resend in its Delivery tab or POST /api/v1/queue/resend with {"IDs": [ID]}',
  cancel: 'only messages with recipients not yet sent (queued, deferred or held) can be cancelled',
};

function stateWords(
  status: MessageStatus,
  states: ReadonlySet<RecipientState>,
  action: DeliveryHandAction,
): string {
  switch (status) {
    case 'captured':
      return 'captured (never relayed)';
    case 'delivered':
      return 'already delivered';
    case 'failed':
      return `already failed (${[...states].join(', ')})`;
    case 'partial':
      return `already final (partly delivered: ${[...states].join(', ')})`;
    case 'cancelled':
      return 'already cancelled';
    case 'held':
      return action === 'hold' ? 'already held' : 'held';
    case 'quarantined':
      return 'quarantined (never relayed unless released from the quarantine)';
    case 'queued':
      // queued with none of its recipients waiting: each one is in the middle of an attempt
      if (!states.has('pending') && !states.has('deferred')) return 'being sent right now';
      return action === 'release' ? 'queued, not held' : 'queued';
  }
}

/**
 * Null when `action` changes at least one of the message's recipients; else the refusal, naming
 * the message, its state and what the action applies to.
 */
export function handActionRefusal(
  action: DeliveryHandAction,
  id: string,
  recipients: ReadonlyArray<{ state: RecipientState }> | undefined,
): string | null {
  const list = recipients ?? [];
  if (list.some((r) => allows(r.state, action))) return null;
  const states = new Set(list.map((r) => r.state));
  const status = messageStatus(list);
  // Resend (a new delivery) is the wrong way out for held mail: it sent a copy while the held
  // recipients stayed held. What a person who retries held mail wants is the release.
  if (action === 'retry' && status === 'held') {
    return `message ${id} is held: it is not sent until released; release it (relaydesk queue release ${id}, Release in the Queue view or POST /api/v1/queue/release)`;
  }
  return `message ${id} is ${stateWords(status, states, action)}; ${appliesTo[action]}`;
}
