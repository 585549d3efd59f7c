// What one delivery attempt leaves behind: the upstream it reached and a result per recipient.
// The queue reads these to decide retries and pauses; both halves of the attempt (opening the
// session, the envelope and DATA exchange) fill them in the same way.
import {
  localEnhancedCode,
  type Classification,
  type SmtpReply,
  type SmtpStage,
} from './smtp-reply.js';

export interface DeliveryEnvelope {
  /** `''` or `'<>'` is the null sender. */
  mailFrom: string;
  rcptTo: string[];
}

/** A factory, not a stream: a fallback upstream needs the body from the start again. */
export type MessageSource = Buffer | (() => NodeJS.ReadableStream);

export type RecipientOutcome = 'relayed' | 'deferred' | 'bounced';

/** Where an attempt failed for every recipient alike (see DeliveryAttempt.upstreamWide). */
export type UpstreamWideFailure = 'session' | 'mail';

export interface RecipientResult {
  address: string;
  outcome: RecipientOutcome;
  /** The upstream's reply; `code: null` when there was none (network, TLS, local refusal). */
  reply: SmtpReply;
  /** One line for logs and the GUI. */
  reason: string;
}

export interface DeliveryAttempt {
  startedAt: Date;
  endedAt: Date;
  /** The upstream this attempt ended with (the fallback when the primary was unreachable). */
  upstream: { host: string; ip: string | null; port: number };
  tls: { version: string; cipher: string } | null;
  authMechanism: string | null;
  recipients: RecipientResult[];
  /** Set when the failure concerns the upstream as a whole; every recipient is then deferred. */
  pauseUpstream: null | { reason: string; fix: string; unreachable?: true };
  /**
   * Set when the attempt failed whoever the recipients were, so that nothing was learnt about
   * them: `session` when no session could be had or it was gone before MAIL FROM was answered
   * (refused, timed out, 421 greeting, TLS, a 4xx to EHLO), `mail` when MAIL FROM got a 4xx.
   * Unset when the upstream took part in the transaction: it answers.
   */
  upstreamWide?: UpstreamWideFailure;
  /**
   * The attempt never left this machine: the message could not be made for sending (its file
   * unreadable, its signing failed). It says nothing of the upstream.
   */
  notSent?: true;
  upstreamQueueId: string | null;
  transcript: string;
  /** Upstreams tried first and found unreachable. */
  unreachable: Array<{ host: string; port: number; reason: string }>;
  /**
   * No connection was made to the upstream it ended with (refused, no DNS record, timed out
   * connecting): the address tried, when there was one, and the errno-style code. Postfix logs
   * such an attempt `relay=none, … (connect to host[addr]:port: Connection refused)`.
   */
  notConnected?: { address: string | null; code: string };
}

export const localReply = (enhanced: string, text: string): SmtpReply => ({
  code: null,
  enhanced,
  text,
});

export function resultFrom(
  address: string,
  stage: SmtpStage,
  c: Classification,
  reply: SmtpReply | null,
): RecipientResult {
  const outcome: RecipientOutcome = c.outcome === 'pause-upstream' ? 'deferred' : c.outcome;
  return {
    address,
    outcome,
    reply: reply ?? localReply(localEnhancedCode(outcome, stage), c.reason),
    reason: c.reason,
  };
}
