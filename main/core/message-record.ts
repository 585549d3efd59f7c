// What the spool keeps about one message besides its raw bytes (the JSON sidecar), and what the
// in-memory index holds for the list and for search.
import type { Envelope, MailAddress, RecipientDeliveryView } from '../../preload/api-contract.js';
import type { AddressCheck } from './address-check/address-checker.js';
import type { FilterVerdict } from './filter/message-filter.js';

export type { Envelope, MailAddress };

/**
 * A recipient's delivery as kept in the sidecar (the API's view, plus bookkeeping; the advice is
 * worked out from the last reply when asked for, never stored, and waitsForUpstream from
 * upstreamWait).
 */
export interface RecipientDelivery extends Omit<
  RecipientDeliveryView,
  'advice' | 'waitsForUpstream'
> {
  /** When the first attempt started: the lifetime counts from here. */
  firstAttemptAt: string | null;
  /**
   * Deferred because the upstream as a whole failed, not for anything about this recipient
   * (`waiting`): due at once when the upstream answers again, not at its retry time.
   * `released`: made due for that; a 4xx to MAIL FROM right after is then this message's own
   * (the upstream took the others), so it keeps its retry times instead of going at every
   * delivery that succeeds.
   */
  upstreamWait?: 'waiting' | 'released';
  /**
   * When the sender was warned that this recipient is still deferred (a delay report, Postfix's
   * delay_warning_time): never warned twice, also after a restart; a resend starts anew.
   */
  delayWarnedAt?: string;
}

/** The facts read from the message's MIME structure, computed once when it is received. */
export interface ParsedSummary {
  messageId: string;
  subject: string;
  /** The Date header as RFC 3339, or null when absent or unreadable. */
  date: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  returnPath: string;
  attachments: number;
  inline: number;
  snippet: string;
  /** Plain text of the body (text part, or HTML stripped), cut to a budget, for word search. */
  searchText: string;
  /** Why the MIME structure could not be read; the raw source is still kept and shown. */
  parseError: string | null;
}

export interface MessageRecord {
  id: string;
  mailbox: string;
  /** RFC 3339 time at which the message was accepted. */
  receivedAt: string;
  /** Size in bytes of the stored .eml (with our Received header). */
  size: number;
  read: boolean;
  tags: string[];
  envelope: Envelope;
  summary: ParsedSummary;
  /** What the listener noticed and repaired, e.g. bare LF line endings. */
  notes: string[];
  /** Per-recipient delivery; absent for mail that was only captured. */
  delivery?: RecipientDelivery[];
  /** Verdicts of the address check made at RCPT (recipients, and the sender when checked). */
  addressChecks?: AddressCheck[];
  /** What the content filter decided (virus scan, attachment policy); absent when it is off. */
  filter?: FilterVerdict;
}

/**
 * A recipient's delivery as written before the routing rule's text was renamed from `route` to
 * `rule` (the word belongs to the Received-chain analysis): old sidecars, index rows and queue
 * journal lines still say `route`.
 */
export function withRuleName<T extends object>(recipient: T): T {
  if ('rule' in recipient || !('route' in recipient)) return recipient;
  const { route, ...rest } = recipient as T & { route: unknown };
  return { ...rest, rule: route } as T;
}
