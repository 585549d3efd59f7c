// The API contract's shapes for relaying, users and logs: what the queue, the upstream test, the
// routing test, the users and the logs answer with. Types only (see api-contract.ts); the core
// builds these values and RelayService's return types make the compiler check that they fit.
import type {
  MessageStatus,
  MessageSummary,
  RecipientState,
  SmtpReplyView,
} from './api-contract.js';

export interface MailboxCount {
  Name: string;
  Total: number;
  Unread: number;
}

/** Why the upstream is paused (authentication refused, TLS failure, …) and what to do. */
export interface UpstreamPauseView {
  reason: string;
  fix: string;
  since: string;
  /** Paused by the user: only the user resumes it (not a wake-up or the network coming back). */
  byHand?: boolean;
  /**
   * Nothing answered (connection refused, no DNS record): the upstream is tried again by itself
   * (1, 2, then every 5 minutes; within a minute for new mail), and what waits goes when it
   * answers. Any other pause (a rejected login, a certificate, by hand) waits for a person, so
   * no retry time means anything until it ends.
   */
  unreachable?: boolean;
  /** While paused because nothing answered: when the upstream is tried next (RFC 3339). */
  nextProbeAt?: string;
  /** While a probe of that upstream is under way: when it began (and no nextProbeAt). */
  probingSince?: string;
}

/** The queue actions taken by hand on a message's waiting recipients (resend aside). */
export type DeliveryHandAction = 'retry' | 'hold' | 'release' | 'cancel';

export interface QueuedRecipient {
  address: string;
  deliverTo: string;
  state: RecipientState;
  nextAttemptAt: string | null;
  /** How many attempts were made. */
  attempts: number;
  lastReply: SmtpReplyView | null;
  /** The reason of the last state change, in words. */
  why: string;
  /** What the last refusal means and what to change, when Relaydesk knows (see delivery). */
  advice?: { detail: string; fix: string };
  /**
   * Deferred because the upstream failed as a whole (refused, 421, a 4xx to MAIL FROM), not for
   * anything about this recipient: it goes as soon as the upstream answers again (takes another
   * message, or a probe of a paused upstream gets through), `nextAttemptAt` at the latest.
   */
  waitsForUpstream?: boolean;
  /** The last attempt never left this machine (see DeliveryAttemptView.notSent). */
  lastNotSent?: true;
}

export interface QueuedMessage extends MessageSummary {
  /** The envelope's MAIL FROM (`''` for the null sender): what mailq lists, not the From header. */
  sender: string;
  status: MessageStatus;
  recipients: QueuedRecipient[];
  /** The hand actions that would change at least one of its recipients now. */
  actions: DeliveryHandAction[];
}

export interface QueueView {
  upstream: { configured: boolean; paused: UpstreamPauseView | null };
  messages: QueuedMessage[];
  /**
   * How many messages the filter holds in the quarantine, whatever `state` asked for: they are
   * in no delivery list (`?state=quarantined` lists them), as Postfix's mailq shows its hold
   * queue beside the rest, so the plain listing can say that mail is held.
   */
  quarantined: number;
  /**
   * Mail due now that the rate limit (Settings → Upstream) holds back: the limit reached and when
   * the next message may go. Null when the rate limit holds nothing back.
   */
  rateLimited: RateLimitedView | null;
}

export interface RateLimitedView {
  /** `limit` messages a `per`. */
  limit: number;
  per: 'second' | 'minute' | 'hour' | 'day';
  /** When the next message may go (ISO 8601). */
  until: string;
}

/** The messages a queue action changed. */
export interface QueueActionResult {
  IDs: string[];
}

export type UpstreamSecurityName = 'starttls' | 'tls' | 'none';

export interface UpstreamPresetView {
  id: string;
  label: string;
  host: string;
  port: number;
  security: UpstreamSecurityName;
  alternativePorts: ReadonlyArray<{ port: number; security: UpstreamSecurityName }>;
  /** A fixed SMTP user name, when the provider has one (SendGrid's literal `apikey`). */
  user?: string;
  notes: string[];
}

export interface ConnectionTestStepView {
  step: 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'tls' | 'certificate' | 'auth';
  ok: boolean;
  /** What happened, in plain words. */
  detail: string;
  /** What to change when the step failed. */
  fix?: string;
}

export interface CertificateView {
  subject: string;
  issuer: string;
  names: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  verification: string;
  ok: boolean;
}

export interface ConnectionTestView {
  ok: boolean;
  steps: ConnectionTestStepView[];
  capabilities: string[];
  certificate: CertificateView | null;
  /** The SMTP conversation, AUTH secrets masked. */
  transcript: string;
}

/** What the "Test an address" form sends. */
export interface RoutingTestInput {
  recipient: string;
  /** The envelope sender; empty for the null sender. */
  sender?: string;
  /** The SMTP AUTH user, or null for an unauthenticated client. */
  user?: string | null;
}

export type RoutingActionView =
  | { type: 'capture'; mailbox: string }
  | { type: 'relay' }
  | { type: 'redirect'; to: string }
  | { type: 'reject'; code: number; enhanced: string; text: string };

export interface RoutingExplanationView {
  decision: {
    action: RoutingActionView;
    /** Position of the deciding rule, from 0; null when none matched (the default applies). */
    ruleIndex: number | null;
    ruleName: string | null;
    explanation: string;
  };
  rules: Array<{
    index: number;
    name: string | null;
    matched: boolean;
    chosen: boolean;
    reasons: string[];
  }>;
  /** The MAIL FROM a "Send as" rule gives the sender at the upstream; null when none applies. */
  sentAs: { mailFrom: string; rule: string } | null;
}

/** An SMTP AUTH user as shown: never the password, not even hashed. */
/** An (address, user) pair locked out of SMTP AUTH after repeated failures. */
export interface AuthLockoutView {
  Address: string;
  User: string;
  Failures: number;
  /** When the lockout ends unless it is released or failures go on (ISO 8601). */
  LockedUntil: string;
}

export interface SmtpUserView {
  name: string;
  createdAt: string;
  updatedAt: string;
}

export type LogKind = 'relay' | 'audit' | 'service';

export interface LogEntry {
  /** ISO-8601 time the line was written. */
  at: string;
  /**
   * relay: one line per delivery attempt (Postfix's shape); audit: SMTP/HTTP policy decisions;
   * service: the app's own notes (start, the index, the journals, quarantine, failures).
   */
  kind: LogKind;
  line: string;
  /**
   * The line's place among every line this run of the service logged (all kinds), from 1: two
   * equal lines in one millisecond are still two, so the Logs view can tell a live line it also
   * read in the history from a new one.
   */
  seq: number;
}

export interface LogLines {
  /** The lines alone, oldest first (the shape `/api/v1/relay/log` always had). */
  lines: string[];
  entries: LogEntry[];
}

/** One line of an SMTP session's conversation. */
export interface SmtpSessionLine {
  /** Milliseconds since the connection was accepted. */
  ms: number;
  /**
   * client: a command as received (AUTH's credentials hidden); server: Relaydesk's reply as
   * written; note: what happened besides (TLS, the message data's size, an error, the close).
   */
  from: 'client' | 'server' | 'note';
  text: string;
}

/** An SMTP session, as the Logs view lists it. */
export interface SmtpSessionView {
  /** smtp-server's session ID; a message names the session that brought it (`Envelope.session`). */
  id: string;
  /** `smtp` or `smtps`. */
  listener: string;
  client: string;
  /** The client's reverse-DNS name, when looked up and found. */
  clientHostname: string | null;
  startedAt: string;
  /** Null while the session is open. */
  endedAt: string | null;
  /** The name the client gave in EHLO/HELO, '' before it did. */
  helo: string;
  /** The AUTH user name, or null. */
  user: string | null;
  /** TLS protocol and cipher, or null for a session in plain text. */
  tls: string | null;
  /** IDs of the messages stored from it. */
  messages: string[];
  /** How many 4xx and 5xx replies Relaydesk gave, and the last of them. */
  refusals: number;
  lastRefusal: string | null;
  /** How it ended, in words ("Connection closed after QUIT", …); null while open. */
  ending: string | null;
  /**
   * The connection's error in words (a failed TLS handshake, a connection reset), as smtp4dev's
   * "terminated abnormally"; null when there was none.
   */
  error: string | null;
}

export interface SmtpSessionTranscript extends SmtpSessionView {
  lines: SmtpSessionLine[];
  /** Lines not kept from the middle of a long session (the first 300 and the last 100 are). */
  omitted: number;
}

export interface SmtpSessionsView {
  /** Newest first, open ones among them. */
  sessions: SmtpSessionView[];
  /** How many ended sessions are kept (in memory, since the start). */
  kept: number;
}

/** What a deletion of sessions did: open sessions are never deleted (they are still talking). */
export interface SmtpSessionsDeleted {
  deleted: number;
  /** The open sessions left in the list. */
  open: number;
}

/** An attachment or inline part's content. */
export interface MessagePartContent {
  FileName: string;
  ContentType: string;
  Data: Uint8Array;
}
