// The delivery state of one recipient as one pure function: (recipient, event, clock, retry
// policy) → the recipient after the event. Which event may move which state is data (the table
// below); anything else is refused with an error naming the recipient, its state and the event,
// so a bug in the queue shows up as a clear message instead of a recipient sent twice.
import type {
  DeliveryAttemptView,
  DeliveryHandAction,
  RecipientState,
} from '../../../preload/api-contract.js';
import type { RecipientDelivery } from '../message-record.js';
import type { RecipientOutcome, UpstreamWideFailure } from '../upstream/delivery-attempt.js';
import { nextAttemptAt, type RetrySchedule } from './retry-schedule.js';

export type DeliveryEvent =
  /** An attempt starts: the recipient is handed to the upstream. */
  | { type: 'start' }
  /** The attempt ended; `outcome` is the upstream's verdict for this recipient. */
  | {
      type: 'attempt';
      attempt: DeliveryAttemptView;
      outcome: RecipientOutcome;
      reason: string;
      /** The attempt failed for every recipient alike (see DeliveryAttempt.upstreamWide). */
      upstreamWide?: UpstreamWideFailure;
    }
  /** Relaydesk stopped while sending: sent again (at-least-once). */
  | { type: 'interrupt'; reason: string }
  /** Held back until a later time (e.g. the upstream's warm-up cap), with the reason. */
  | { type: 'gate'; until: Date; reason: string }
  | { type: 'hold'; reason: string }
  /**
   * Still held, for another reason: what held it went away (a suspension lifted) while
   * something else still does, and the Queue view must name that, not the lifted one.
   */
  | { type: 'rehold'; reason: string }
  | { type: 'release'; reason: string }
  /** Due at once ("Retry now", network back, wake from sleep). */
  | { type: 'retry'; reason: string }
  /** Due at once: deferred because the upstream failed as a whole, and it answers again. */
  | { type: 'upstream-back'; reason: string }
  | { type: 'cancel'; reason: string }
  /** Sent again by hand after a final failure: a new lifetime starts. */
  | { type: 'resend'; reason: string }
  /** The sender was warned that the recipient is still deferred; its state stays as it is. */
  | { type: 'delay-warning'; reason: string };

export type DeliveryEventType = DeliveryEvent['type'];

interface Rule {
  from: readonly RecipientState[];
  to: readonly RecipientState[];
}

/** Every allowed change: the states an event applies to, and the states it can lead to. */
export const deliveryTransitions = {
  start: { from: ['pending', 'deferred'], to: ['sending'] },
  attempt: { from: ['sending'], to: ['relayed', 'bounced', 'deferred', 'expired'] },
  interrupt: { from: ['sending'], to: ['pending'] },
  gate: { from: ['pending', 'deferred'], to: ['deferred', 'expired'] },
  hold: { from: ['pending', 'deferred'], to: ['held'] },
  rehold: { from: ['held'], to: ['held'] },
  release: { from: ['held'], to: ['pending'] },
  retry: { from: ['pending', 'deferred'], to: ['pending'] },
  'upstream-back': { from: ['deferred'], to: ['pending'] },
  cancel: { from: ['pending', 'deferred', 'held'], to: ['cancelled'] },
  resend: { from: ['bounced', 'expired', 'cancelled', 'relayed', 'captured'], to: ['pending'] },
  'delay-warning': { from: ['deferred'], to: ['deferred'] },
} as const satisfies Record<DeliveryEventType, Rule>;

/**
 * The states a recipient's delivery entry starts in (see newRecipient). `quarantined` only as the
 * Delivery view's stand-in for a message the filter holds (filter/quarantined-recipients.ts):
 * never stored, so no event leaves it; a release plans a new delivery.
 */
export const initialStates = ['pending', 'captured', 'quarantined'] as const;

/** States no queue event leaves; only a resend by hand (a new delivery) reopens one. */
export const finalStates: ReadonlySet<RecipientState> = new Set([
  'relayed',
  'bounced',
  'expired',
  'cancelled',
  'captured',
]);

export class DeliveryTransitionError extends Error {
  override name = 'DeliveryTransitionError';
}

export function allows(state: RecipientState, event: DeliveryEventType): boolean {
  return (deliveryTransitions[event].from as readonly RecipientState[]).includes(state);
}

/** The actions a user takes on waiting recipients (the queue's buttons and POST /api/v1/queue/…). */
export const handActions: readonly DeliveryHandAction[] = ['retry', 'hold', 'release', 'cancel'];

/**
 * The hand actions that would move at least one of these recipients, by the table above: the
 * buttons worth offering (a delivered message has none; a held one can be released or cancelled).
 */
export function applicableActions(
  recipients: readonly Pick<RecipientDelivery, 'state'>[],
): DeliveryHandAction[] {
  return handActions.filter((action) => recipients.some((r) => allows(r.state, action)));
}

/** The recipient after `event` at `now`; throws DeliveryTransitionError when not allowed. */
export function applyDelivery(
  recipient: RecipientDelivery,
  event: DeliveryEvent,
  now: Date,
  policy: RetrySchedule,
): RecipientDelivery {
  if (!allows(recipient.state, event.type)) {
    const from = deliveryTransitions[event.type].from.join(', ');
    throw new DeliveryTransitionError(
      `recipient ${recipient.address} is ${recipient.state}: "${event.type}" applies only to ${from}`,
    );
  }
  const next = step(recipient, event, now, policy);
  if (!(deliveryTransitions[event.type].to as readonly RecipientState[]).includes(next.state)) {
    // cannot happen unless step() and the table disagree; refuse rather than record it
    throw new DeliveryTransitionError(
      `recipient ${recipient.address}: "${event.type}" led to ${next.state}, not in the table`,
    );
  }
  return next;
}

function step(
  r: RecipientDelivery,
  event: DeliveryEvent,
  now: Date,
  policy: RetrySchedule,
): RecipientDelivery {
  const at = now.toISOString();
  switch (event.type) {
    case 'start':
      return enter(r, 'sending', now, `attempt ${r.attempts.length + 1}`, {
        firstAttemptAt: r.firstAttemptAt ?? at,
      });
    case 'attempt': {
      const { upstreamWait: before, ...rest } = r;
      const tried = { ...rest, attempts: [...r.attempts, event.attempt] };
      if (event.outcome !== 'deferred')
        return enter(tried, event.outcome, now, event.reason, { nextAttemptAt: null });
      const first = Date.parse(r.firstAttemptAt ?? at);
      const next = nextAttemptAt(tried.attempts.length, first, now, policy);
      if (!next) return expire(tried, now, policy, event.reason);
      const waits = waitsForUpstream(event.upstreamWide, before);
      return enter(tried, 'deferred', now, event.reason, {
        nextAttemptAt: next.toISOString(),
        ...(waits ? { upstreamWait: 'waiting' as const } : {}),
      });
    }
    case 'interrupt':
      return enter(r, 'pending', now, event.reason);
    case 'gate': {
      // a recipient whose lifetime has started is not held back beyond it
      const first = r.firstAttemptAt === null ? null : Date.parse(r.firstAttemptAt);
      if (first !== null && event.until.getTime() - first >= policy.lifetimeMs)
        return expire(r, now, policy, event.reason);
      // it waits for the gate's time (the warm-up's next day), no longer for an upstream that
      // did not answer before: kept, that said "goes when the upstream takes mail again" and
      // sent it back through the gate each time the upstream was seen to answer
      const { upstreamWait, ...rest } = r;
      const gated = upstreamWait === 'waiting' ? rest : r;
      return enter(gated, 'deferred', now, event.reason, {
        nextAttemptAt: event.until.toISOString(),
      });
    }
    case 'hold':
    case 'rehold':
      return enter(r, 'held', now, event.reason);
    case 'release':
    case 'retry':
      return enter(r, 'pending', now, event.reason, { nextAttemptAt: null });
    case 'upstream-back':
      return enter(r, 'pending', now, event.reason, {
        nextAttemptAt: null,
        upstreamWait: 'released',
      });
    case 'cancel':
      return enter(r, 'cancelled', now, event.reason, { nextAttemptAt: null });
    case 'delay-warning':
      return {
        ...r,
        delayWarnedAt: at,
        history: [...r.history, { state: r.state, at, reason: event.reason, notice: event.type }],
      };
    case 'resend': {
      const { upstreamWait: _wait, delayWarnedAt: _warned, ...fresh } = r;
      return enter(fresh, 'pending', now, event.reason, {
        nextAttemptAt: null,
        firstAttemptAt: null,
      });
    }
  }
}

/**
 * Whether a deferral waits for the upstream to answer again rather than for its retry time. No
 * session, or one lost before MAIL FROM, says nothing of the message; a 4xx to MAIL FROM does not
 * either, unless it came right after the upstream answered again and took the others, when it is
 * about this message (its sender), which must not go again at every delivery that succeeds.
 */
function waitsForUpstream(
  failure: UpstreamWideFailure | undefined,
  before: RecipientDelivery['upstreamWait'],
): boolean {
  if (failure === 'session') return true;
  return failure === 'mail' && before !== 'released';
}

function expire(
  r: RecipientDelivery,
  now: Date,
  policy: RetrySchedule,
  reason: string,
): RecipientDelivery {
  const hours = Math.round((policy.lifetimeMs / 3_600_000) * 100) / 100;
  return enter(r, 'expired', now, `lifetime of ${hours} h exceeded: ${reason}`, {
    nextAttemptAt: null,
  });
}

/** Every change is appended to the recipient's history with its time and reason. */
function enter(
  r: RecipientDelivery,
  state: RecipientState,
  now: Date,
  reason: string,
  changes: Partial<
    Pick<RecipientDelivery, 'nextAttemptAt' | 'firstAttemptAt' | 'upstreamWait'>
  > = {},
): RecipientDelivery {
  return {
    ...r,
    ...changes,
    state,
    history: [...r.history, { state, at: now.toISOString(), reason }],
  };
}

/** The one way a recipient's delivery entry comes to exist. */
export function newRecipient(input: {
  address: string;
  /** The redirect target; the address itself when absent. */
  deliverTo?: string;
  state: (typeof initialStates)[number];
  /** Which routing rule decided, in words; also the first history entry's reason. */
  rule: string;
  at: Date | string;
}): RecipientDelivery {
  const at = typeof input.at === 'string' ? input.at : input.at.toISOString();
  return {
    address: input.address,
    deliverTo: input.deliverTo ?? input.address,
    state: input.state,
    rule: input.rule,
    nextAttemptAt: null,
    firstAttemptAt: null,
    attempts: [],
    history: [{ state: input.state, at, reason: input.rule }],
  };
}
