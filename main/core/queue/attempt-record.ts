// What one upstream attempt means for one recipient: the attempt as kept in its log, and the
// verdict the transition function takes. A recipient the attempt has no result for (the
// session ended before RCPT) is deferred, never taken as sent.
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import type { DeliveryAttempt } from '../upstream/delivery-attempt.js';
import type { DeliveryEvent } from './delivery-transition.js';

export type SignedBy = NonNullable<DeliveryAttemptView['signedBy']>;

/** What was done to the message before it went: who signed it, what it was sent as. */
export interface MadeMessage {
  signedBy: SignedBy;
  sentAs: DeliveryAttemptView['sentAs'] | null;
  /** Why no DKIM key signed it, when keys are set up. */
  unsigned?: string;
  /** The Date and Message-ID it was sent with because it had none (addMissingHeaders). */
  added?: string[];
}

export function attemptEvent(
  attempt: DeliveryAttempt,
  deliverTo: string,
  { signedBy, sentAs, unsigned, added }: MadeMessage,
): Extract<DeliveryEvent, { type: 'attempt' }> {
  const result = attempt.recipients.find((x) => x.address === deliverTo);
  const reply = result?.reply ?? {
    code: null,
    enhanced: '4.4.0',
    text: 'no result for this recipient',
  };
  const outcome = result?.outcome ?? 'deferred';
  return {
    type: 'attempt',
    outcome,
    reason: result?.reason ?? reply.text,
    ...(attempt.upstreamWide ? { upstreamWide: attempt.upstreamWide } : {}),
    attempt: {
      startedAt: attempt.startedAt.toISOString(),
      endedAt: attempt.endedAt.toISOString(),
      upstream: attempt.upstream,
      tls: attempt.tls,
      authMechanism: attempt.authMechanism,
      reply: { code: reply.code, enhanced: reply.enhanced ?? null, text: reply.text },
      upstreamQueueId: outcome === 'relayed' ? attempt.upstreamQueueId : null,
      transcript: attempt.transcript,
      ...(signedBy.length > 0 ? { signedBy } : {}),
      ...(signedBy.length === 0 && unsigned ? { unsignedReason: unsigned } : {}),
      ...(sentAs ? { sentAs } : {}),
      ...(added && added.length > 0 ? { addedHeaders: added } : {}),
      ...(attempt.notSent ? { notSent: true as const } : {}),
    },
  };
}
