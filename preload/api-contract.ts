// The API contract: the one set of shapes that the main process, the preload bridge and the
// renderer share. It holds types only, so both the Node and the browser builds can import it.
//
// The JSON shapes of messages follow Mailpit's API (PascalCase) on purpose: test suites written
// for Mailpit read these fields, and the renderer reads the same ones.

export interface MailAddress {
  Name: string;
  Address: string;
}

/** What the SMTP client told us, as opposed to what the headers claim. */
export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
  clientIp: string;
  /** Reverse-DNS name of the client, or null when not looked up or not found. */
  clientHostname: string | null;
  helo: string;
  /** The SMTP AUTH user name, or null when the client did not authenticate. */
  user: string | null;
  tls: { protocol: string; cipher: string } | null;
  smtpUtf8: boolean;
  eightBitMime: boolean;
  /**
   * Not received over SMTP: `relaydesk`, a message Relaydesk wrote itself (a failure report, a
   * delay warning, a notice of mail sendmail left); `ingest`, one imported from a file. The
   * client fields then name no client that sent it. Absent for mail received over SMTP.
   */
  origin?: 'relaydesk' | 'ingest';
  /**
   * The SMTP session that brought it (`GET /api/v1/smtp/sessions/{id}`: its conversation, while
   * kept). Absent for mail not received over SMTP, and for mail stored before sessions were named.
   */
  session?: string;
}

/** The Source tab's text (Relaydesk's own; the raw route gives the bytes). */
export interface MessageSourceView {
  text: string;
  /**
   * The charsets of lines that were not UTF-8, decoded with the one their MIME part declares
   * (windows-1252 where it declares none); empty when every line was UTF-8.
   */
  decodedAs: string[];
  /**
   * Bytes of long base64 bodies (over 500 lines, an attachment's) left out of `text`, each run
   * kept by its first 8 and last 2 lines around a line that says how much is not shown; 0 when
   * `text` is the whole source. `/raw` has every byte.
   */
  elidedBytes: number;
}

export interface MessageSummary {
  ID: string;
  MessageID: string;
  Read: boolean;
  From: MailAddress | null;
  To: MailAddress[];
  Cc: MailAddress[];
  Bcc: MailAddress[];
  ReplyTo: MailAddress[];
  Subject: string;
  /** RFC 3339 time at which Relaydesk accepted the message. */
  Created: string;
  Username: string;
  Tags: string[];
  Size: number;
  Attachments: number;
  Snippet: string;
  /** Relaydesk's own: the mailbox the message was captured into. */
  Mailbox: string;
  /**
   * Relaydesk's own: the envelope's sender (MAIL FROM), '' for the null sender `<>`; the list
   * names it for mail without a From header (a scanner's, a printer's).
   */
  MailFrom: string;
  /** Relaydesk's own: the delivery status rolled up from the recipients, for the list's column. */
  Status: MessageStatus;
}

export interface MessagePart {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  /** Of the decoded content, lowercase hex (as Mailpit). */
  Checksums: PartChecksums;
}

/** One part of a message's MIME structure (`GET /api/v1/message/{ID}/structure`), in order. */
export interface MimeStructurePart {
  /**
   * Its place, as the PartIDs of `/part/{PartID}` ("1.2"); '' for the message itself when it is
   * multipart (a one-part message's only part is "0", as Mailpit's).
   */
  PartID: string;
  /** How deep it sits: 0 the message, 1 its parts, 2 theirs… */
  Depth: number;
  /** As declared, lowercase ('text/plain' when none is, RFC 2045 §5.2). */
  ContentType: string;
  Charset: string;
  /** Content-Transfer-Encoding, lowercase; '' when none is given (7bit). */
  Encoding: string;
  /** Content-Disposition's value (inline, attachment), ''. */
  Disposition: string;
  FileName: string;
  ContentID: string;
  /** Bytes of its body as sent (encoded), its children's included for a multipart. */
  Size: number;
  /** Its header fields as sent, each unfolded. */
  Headers: string[];
  /**
   * What is wrong with it, in words, as smtp4dev's part warnings: a multipart that holds no part,
   * a Content-ID another part has too. Empty when nothing is.
   */
  Warnings: string[];
}

/**
 * One part of the MIME structure as sent, and decoded when it is text
 * (`GET /api/v1/message/{ID}/structure/{PartID}`).
 */
export interface MimePartContent {
  PartID: string;
  ContentType: string;
  /** Its header fields and body as sent (transfer-encoded), up to 64 KiB of the body. */
  Source: string;
  /** The body was longer than what Source shows. */
  SourceCut: boolean;
  /**
   * A text part's body decoded (its transfer encoding, then its charset), up to 1 MiB of it as
   * sent; null for a part that is not text.
   */
  Text: string | null;
  /** The charset Text was read with: the declared one, utf-8 when none is or it is unknown. */
  DecodedAs: string;
  /** Text is the start of the body only. */
  TextCut: boolean;
}

/** Two messages compared (`GET /api/v1/message/{A}/compare/{B}`): only what differs. */
export interface MessageComparison {
  A: MessageComparisonSide;
  B: MessageComparisonSide;
  /** Each header field whose values differ, by name; a field one side lacks has no values there. */
  Headers: MessageComparisonHeader[];
  Text: MessageComparisonBody;
  HTML: MessageComparisonBody;
  /** Attachments and inline parts that differ, by name and type: changed, or on one side only. */
  Attachments: MessageComparisonPart[];
}

export interface MessageComparisonSide {
  ID: string;
  Subject: string;
  Created: string;
}

export interface MessageComparisonHeader {
  Name: string;
  A: string[];
  B: string[];
  /** A field that differs in every message (Date, Message-ID, Received, signatures…). */
  PerMessage: boolean;
}

export interface MessageComparisonBody {
  Same: boolean;
  /** As `diff -u` gives them: each line starts with ' ', '-' (A only) or '+' (B only). */
  Hunks: MessageComparisonHunk[];
  /** Why they differ without hunks (too long, too different, line ends only); '' otherwise. */
  Note: string;
}

export interface MessageComparisonHunk {
  AStart: number;
  ALines: number;
  BStart: number;
  BLines: number;
  Lines: string[];
}

export interface MessageComparisonPart {
  Name: string;
  ContentType: string;
  /** Null on the side that lacks it. */
  A: { Size: number; SHA256: string } | null;
  B: { Size: number; SHA256: string } | null;
}

export interface PartChecksums {
  MD5: string;
  SHA1: string;
  SHA256: string;
}

export interface MessageDetail extends Omit<MessageSummary, 'Attachments' | 'Snippet'> {
  Date: string | null;
  ReturnPath: string;
  Text: string;
  /**
   * Relaydesk's own: Text was made from the HTML, the message having no text part (Mailpit's
   * enmime makes it the same way, without saying so).
   */
  TextFromHTML: boolean;
  HTML: string;
  Inline: MessagePart[];
  Attachments: MessagePart[];
  /**
   * Relaydesk's own: the parts Mailpit lists under neither Inline nor Attachments, having no file
   * name, Content-ID or Content-Disposition (enmime's other parts: an invitation's text/calendar
   * alternative). `/part/{PartID}` serves them, as Mailpit's does; the GUI lists them.
   */
  OtherParts: MessagePart[];
  ListUnsubscribe: { Header: string; Links: string[]; Errors: string; HeaderPost: string };
  /** Relaydesk's own: the SMTP envelope. */
  Envelope: Envelope;
  /** Relaydesk's own: why the MIME structure could not be read, or null. */
  ParseError: string | null;
  /**
   * Relaydesk's own: the header fields (`Subject`, `From`) carrying bytes that are neither UTF-8
   * nor encoded as RFC 2047 words: each mail program guesses what they say; shown as U+FFFD.
   */
  UnencodedHeaders: string[];
  /**
   * Relaydesk's own: the header as sent breaks a rule receivers enforce (no Date or Message-ID, a
   * malformed one, a field given twice that may appear once); empty when none. Mailpit adds a
   * missing Message-ID on arrival; the message here is kept as sent.
   */
  HeaderProblems: HeaderProblem[];
  /**
   * Relaydesk's own: what a delivery status notification (RFC 3464: a multipart/report of
   * report-type delivery-status) reports, read from its message/delivery-status part; null for
   * any other message, and for a report whose status part names no recipient.
   */
  DeliveryReport: DeliveryReport | null;
  /**
   * Relaydesk's own: each attached message (message/rfc822) among Attachments, and each returned
   * header block (text/rfc822-headers, a report's), with the Subject it carries ('' when none) and
   * the name it is saved under, which the GUI names it by; Mailpit gives such a part no FileName.
   */
  AttachedMessages: AttachedMessage[];
}

/** What is wrong with a message's header fields (main/core/message/header-conformance.ts). */
export type HeaderProblem =
  /** `addedWhenRelayed`: the copy relayed gets one (addMissingHeaders); the message keeps none. */
  | { field: 'Date' | 'Message-ID'; problem: 'missing'; addedWhenRelayed?: true }
  | { field: 'Date' | 'Message-ID'; problem: 'malformed'; value: string }
  | { field: string; problem: 'repeated'; count: number };

/**
 * `POST /api/v1/analyze`: the route of what was given, and, when that is a delivery report (a
 * bounce), what it reports and the route of the message it returns: a bounce's own route is only
 * the way back from the mailer-daemon, where the reader wants the original's.
 */
export interface AnalyzedHeaders extends RouteAnalysis {
  report: ReportedRoute | null;
  /** The DKIM signatures, verified when the whole message (with its body) was given. */
  dkim: AnalyzedDkim;
}

export interface ReportedRoute {
  deliveryReport: DeliveryReport;
  /** The returned message (message/rfc822) or header block (text/rfc822-headers); null when none. */
  returned: { subject: string; route: RouteAnalysis } | null;
}

/** A delivery status notification as the message view shows it (RFC 3464 §2.2–2.3). */
export interface DeliveryReport {
  /** Reporting-MTA without its type (`dns; mx.example.net` → `mx.example.net`); '' without one. */
  reportingMta: string;
  /** One per recipient block, in the report's order. */
  recipients: DeliveryReportRecipient[];
  /** The message reported on (its message/rfc822 or text/rfc822-headers part), or null. */
  original: { subject: string; messageId: string } | null;
}

export interface DeliveryReportRecipient {
  /** Final-Recipient (else Original-Recipient), `rfc822;` dropped. */
  address: string;
  /** Action, lowercased: failed, delayed, delivered, relayed, expanded ('' or other as written). */
  action: string;
  /** RFC 3463 status (`5.1.1`); '' when the block has none readable. */
  status: string;
  /** Remote-MTA without its type; '' without one. */
  remoteMta: string;
  /** Diagnostic-Code without its type (`550 5.1.1 … User unknown`); '' without one. */
  diagnosticCode: string;
}

export interface AttachedMessage {
  PartID: string;
  Subject: string;
  /** "Your order.eml", "Your order (headers).txt" (the part download's name too). */
  SavedName: string;
}

export interface MessagesPage {
  total: number;
  unread: number;
  count: number;
  messages_count: number;
  messages_unread: number;
  start: number;
  tags: string[];
  messages: MessageSummary[];
}

export interface RelaydeskInfo {
  Version: string;
  /**
   * Mailpit's newest release as its update check found it; Relaydesk checks for none, so always
   * `disabled`, as Mailpit answers with --disable-version-check (its clients type it a string).
   */
  LatestVersion: 'disabled';
  Database: string;
  DatabaseSize: number;
  Messages: number;
  Unread: number;
  Tags: Record<string, number>;
  RuntimeStats: {
    Uptime: number;
    Memory: number;
    MessagesDeleted: number;
    SMTPAccepted: number;
    SMTPAcceptedSize: number;
    SMTPRejected: number;
    SMTPIgnored: number;
  };
  /**
   * Relaydesk's own, for its UI: the instance's label and whether "Delete all" is hidden
   * (Mailpit's --label and --hide-delete-all-button, which Mailpit's /api/v1/webui gives).
   */
  Label?: string;
  HideDeleteAllButton?: boolean;
  /** Relaydesk's own: where it listens. */
  /** HOST:PORT of each listener; `pop3` and `pop3s` only when those are on. */
  Listeners: { smtp: string; http: string; pop3?: string; pop3s?: string };
  /** Relaydesk's own: whether chaos may be set, and whether a trigger is on now. */
  Chaos?: { Enabled: boolean; Active: boolean; Triggers: ChaosTriggersView };
  /** Relaydesk's own: TLS on the SMTP listeners and the certificate clients should see. */
  SMTPSecurity?: {
    starttls: boolean;
    smtps: string | null;
    requireTls: boolean;
    requireAuth: boolean;
    certificate: {
      source: 'files' | 'self-signed';
      fingerprint256: string;
      subject: string;
      validTo: string;
    } | null;
  };
  /** Relaydesk's own: SMTP sessions open now, in total and per listener (smtp, smtps). */
  SMTPSessions: { Open: number; Listeners: Record<string, number> };
}

/** Mailpit's chaos triggers: the SMTP reply code and the chance in percent of each failure. */
export type ChaosTriggersView = Record<
  'Sender' | 'Recipient' | 'Authentication',
  { ErrorCode: number; Probability: number }
>;

/** One webhook POST and how it went (GET /api/v1/webhooks). */
export interface WebhookDeliveryView {
  /** Unique per event and URL; sent as X-Relaydesk-Delivery, the same on every retry. */
  ID: string;
  Event: 'new' | 'delivery';
  /** The Relaydesk message ID the event is about. */
  MessageID: string;
  URL: string;
  State: 'pending' | 'retrying' | 'delivered' | 'failed' | 'dropped';
  Attempts: number;
  /** The HTTP status of the last attempt, or null when there was no answer. */
  Status: number | null;
  Error: string | null;
  Created: string;
  Finished: string | null;
}

/**
 * POST /api/v1/send's answer: Mailpit's `{ID}`, and Relaydesk's `Discarded` when a content rule
 * whose action is discard dropped the message. Then the answer is still 200, as Postfix's DISCARD
 * answers 250 and a Mailpit client takes any other status for a failed send, but nothing is
 * stored: `ID` names the message only in the audit log's `result=discarded` line, and
 * `/api/v1/message/{ID}` is 404.
 */
export interface SendMessageAnswer {
  ID: string;
  Discarded?: {
    /** The content rule's place in contentRules, from 0. */
    Rule: number;
    /** The audit line's reason: the rule, the line it matched, and its text. */
    Reason: string;
  };
}

export interface WebhookLogView {
  URLs: string[];
  Deliveries: WebhookDeliveryView[];
}

/** Events on the WebSocket `/api/events`, in Mailpit's `{Type, Data}` form. */
export type RelaydeskEvent =
  | { Type: 'new'; Data: MessageSummary }
  /**
   * `Status`: the message's delivery status changed. `Attempts` and `Sending`: with the status as
   * it was, its delivery changed otherwise (an attempt began or was deferred again, a retry by
   * hand waits for the rate limit): the message's count of attempts made and of recipients in an
   * attempt now.
   */
  | {
      Type: 'update';
      Data: {
        ID: string;
        Read?: boolean;
        Tags?: string[];
        Status?: MessageStatus;
        Attempts?: number;
        Sending?: number;
      };
    }
  /**
   * `Oldest`: the IDs are the oldest messages of all (pruning at the cap), so the last rows of the
   * unfiltered list; nothing listed before them moves. Mailpit's clients ignore it.
   */
  | { Type: 'delete'; Data: { IDs: string[]; Oldest?: boolean } | null }
  | { Type: 'stats'; Data: { Total: number; Unread: number; Version: string } }
  /**
   * `changed: 'probe'`: the pause goes on; only its probe changed (one began, or the next one's
   * time), so the queue is worth reading again but the pause is no news to notify.
   */
  | {
      Type: 'upstream';
      Data: { paused: boolean; reason: string; fix: string; changed?: 'probe' };
    }
  | { Type: 'receiving'; Data: { paused: boolean } }
  /** A relay or audit log line as it is written (the Logs view). */
  | { Type: 'log'; Data: LogEntry }
  /** An SMTP session began or ended (the Logs view's sessions; sent with the log lines). */
  | { Type: 'session'; Data: SmtpSessionView }
  | { Type: 'chaos'; Data: { Active: boolean; Triggers: ChaosTriggersView } }
  /** A suspension made or lifted, or an anomaly alert (main/core/sender-control). */
  | { Type: 'sender'; Data: SenderControlEvent }
  /** Each listener's state; sent when one could not start (main/core/listener-status). */
  | { Type: 'listeners'; Data: ListenersView };

// The methods of the API are declared once, in the method table (api-methods.ts); the type
// the renderer programs against is derived from it there.
export type { RelaydeskApi } from './api-methods.js';
export type * from './relay-contract.js';
import type {
  DeliveryHandAction,
  LogEntry,
  RateLimitedView,
  SmtpSessionView,
} from './relay-contract.js';
export type * from './route-contract.js';
export type * from './filter-contract.js';
import type { SenderControlEvent } from './filter-contract.js';
export type * from './settings-contract.js';
export type * from './auth-contract.js';
export type * from './listener-contract.js';
import type { ListenersView } from './listener-contract.js';
import type { RouteAnalysis } from './route-contract.js';
import type { AnalyzedDkim } from './auth-contract.js';

// --- Relaying: the delivery of each recipient ----------------------------------------------

export type RecipientState =
  | 'pending'
  | 'sending'
  | 'relayed'
  | 'deferred'
  | 'bounced'
  | 'expired'
  | 'held'
  | 'cancelled'
  | 'captured'
  /**
   * Held in the content filter's quarantine (the Delivery view's stand-in for each envelope
   * recipient, as Postfix's hold queue lists held mail): nothing is sent until it is released.
   */
  | 'quarantined';

/** Rolled up from the recipients' states. */
export type MessageStatus =
  | 'captured'
  | 'queued'
  | 'held'
  | 'delivered'
  | 'partial'
  | 'failed'
  /**
   * Every recipient not sent was cancelled by hand (Cancel, Cancel all held, `relaydesk queue
   * delete`), none delivered: a person's decision, not a failure of the upstream's.
   */
  | 'cancelled'
  /** Held by the content filter until released by hand (the Delivery view's answer). */
  | 'quarantined';

export interface SmtpReplyView {
  /** null when there was no SMTP reply (connection refused, TLS failure, local refusal). */
  code: number | null;
  enhanced: string | null;
  text: string;
}

export interface DeliveryAttemptView {
  startedAt: string;
  endedAt: string;
  upstream: { host: string; ip: string | null; port: number };
  tls: { version: string; cipher: string } | null;
  authMechanism: string | null;
  reply: SmtpReplyView;
  upstreamQueueId: string | null;
  /** The SMTP conversation, AUTH secrets masked. */
  transcript: string;
  /** The DKIM keys that signed what this attempt sent (absent when none did). */
  signedBy?: Array<{ domain: string; selector: string; algorithm: string }>;
  /**
   * Why no key signed it although DKIM keys are set up: the From domain has none, its key waits
   * for DNS or is turned off, its private key is gone (absent when a key signed, or none exists).
   */
  unsignedReason?: string;
  /** What a sender rewriting rule made of the sender (absent when none applied). */
  sentAs?: { mailFrom: string; from: string | null; rule: string };
  /**
   * The fields Relaydesk added to what it sent, as written (`Message-ID: <…>`), because the
   * message had none (addMissingHeaders); absent when it added none.
   */
  addedHeaders?: string[];
  /**
   * The attempt never left this machine: the message could not be made for sending (its file
   * unreadable or gone, its signing failed), `reply` says why. It says nothing of the upstream.
   */
  notSent?: true;
}

export interface RecipientDeliveryView {
  address: string;
  /** Where it is really sent: the redirect target, or the address itself. */
  deliverTo: string;
  state: RecipientState;
  /** Which routing rule decided, in words. */
  rule: string;
  nextAttemptAt: string | null;
  attempts: DeliveryAttemptView[];
  /**
   * Every state change with its time, oldest first; also what the sender was told meanwhile
   * (`notice`: a delay warning sent, the state unchanged).
   */
  history: Array<{ state: RecipientState; at: string; reason: string; notice?: 'delay-warning' }>;
  /** The address check's verdict at RCPT, when the check is on. */
  addressCheck?: { verdict: 'valid' | 'invalid' | 'risky' | 'unknown'; reason: string };
  /**
   * What the last refusal means and what to change, when Relaydesk knows (the upstream refused
   * the sender as one its login may not send as: a Send as rule fixes it).
   */
  advice?: { detail: string; fix: string };
  /**
   * Deferred because the upstream failed as a whole, not for anything about this recipient: it
   * goes as soon as the upstream answers again, `nextAttemptAt` at the latest (as in the queue).
   */
  waitsForUpstream?: boolean;
}

/** A recipient as the delivery answer carries it (HTTP and IPC). */
export interface RecipientDeliveryAnswer extends RecipientDeliveryView {
  /**
   * @deprecated The same text as `rule`, under the field's name before the rename (the word
   * "route" is the Received-chain analysis's). Kept so older clients still read it; use `rule`.
   */
  route: string;
}

export interface MessageDelivery {
  ID: string;
  status: MessageStatus;
  recipients: RecipientDeliveryAnswer[];
  /** The hand actions that would change at least one recipient now (none once all are final). */
  actions: DeliveryHandAction[];
  /**
   * Its recipients due now wait for the upstream's rate limit: the limit reached and when the
   * next message may go (as in GET /api/v1/queue); null when none does.
   */
  rateLimited: RateLimitedView | null;
}
