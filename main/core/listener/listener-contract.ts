// What the SMTP listener promises its owner and asks of it: the message it hands over, the hooks
// it asks at each SMTP step, the settings it reads. Kept apart from the listener's parts so each
// part (admission, intake, server) depends on this file only.
import type { SMTPServerSession } from 'smtp-server';
import type { SmtpSessionView } from '../../../preload/api-contract.js';
import type { Envelope } from '../message-record.js';
import type { RecipientAction, TlsMaterial, UserStore } from '../policy/index.js';
import type { ListenAddress, Settings } from '../settings/settings-schema.js';
import type { MessageSource } from '../spool/message-source.js';
import type { StorageFullCode } from '../spool/storage-full.js';
import type { SenderControl } from '../sender-control/sender-control.js';
import type { ChaosStage } from '../chaos/chaos-triggers.js';

/** RFC 5321 §6.3: more Received fields than this means the message is looping. */
export const maxReceivedHeaders = 30;

export interface AcceptedMessage {
  id: string;
  envelope: Envelope;
  /**
   * The bytes to store: our Received stamp, then the client's data with line endings repaired;
   * from SMTP, a file in the spool folder written as the data arrived.
   */
  raw: MessageSource;
  receivedAt: Date;
  notes: string[];
}

export interface RecipientRefusal {
  code: number;
  /** The reply text, starting with its enhanced status code. */
  message: string;
}

/**
 * A message `accept` took without storing it: one with its Message-ID is stored already and
 * duplicates are ignored (Mailpit's --ignore-duplicate-ids); the client still gets 250.
 */
export interface DuplicateMessage {
  duplicateOf: string;
}

/**
 * A message the content filter stored other than plainly accepted (tagged, quarantined): the
 * listener's one audit line for the message says so, with the filter's scan and reasons.
 */
export interface FilteredMessage {
  filtered: { action: string; scan: string; reasons: string[] };
}

/**
 * A message a content rule discarded (Postfix's DISCARD): the client gets its 250 as for any
 * message, nothing of it is kept, and the listener's audit line says why.
 */
export interface DiscardedMessage {
  discarded: { reason: string; rule: number };
}

export interface ListenerEvents {
  /**
   * Stores the message durably; the client gets 250 only when this resolves. The listener
   * writes the message's audit line, so the filter writes none of its own.
   */
  accept(
    message: AcceptedMessage,
  ): Promise<DuplicateMessage | FilteredMessage | DiscardedMessage | void>;
  /** Asked at RCPT TO: a refusal is sent to the client, null accepts the recipient. */
  checkRecipient?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RecipientRefusal | null;
  /** What the routing rules would do with a recipient; the policy refuses relaying to strangers. */
  recipientAction?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RecipientAction;
  /** Chaos (main/core/chaos): the reply code to fail this step with on purpose, or null. */
  chaos?(stage: ChaosStage): number | null;
  /**
   * Asked at RCPT TO after the checks above passed, for recipients that will be relayed: the
   * address check (DNS, so asynchronous). A refusal is sent to the client.
   */
  validateRecipient?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): Promise<RecipientRefusal | null>;
  log(line: string): void;
  /**
   * A message could not be stored for want of room (`code`: ENOSPC, EDQUOT or EFBIG), or, null,
   * one was stored again after that: told once at each change.
   */
  storage?(full: { code: StorageFullCode } | null): void;
  /** A client connected and was let in: what its message will need can get ready meanwhile. */
  connected?(): void;
  /** An SMTP session began or ended: its transcript's summary (the Logs view lists them). */
  sessionChanged?(session: SmtpSessionView): void;
  /** Suspensions and quotas (main/core/sender-control), asked at connect, MAIL and RCPT. */
  senderCheck?: Pick<SenderControl, 'checkClient' | 'checkSender' | 'checkRecipient'>;
}

export type ListenerSettings = Pick<
  Settings,
  | 'smtp'
  | 'maxSize'
  | 'maxRecipients'
  | 'hostname'
  | 'greetingDelayMs'
  | 'reverseDnsTimeoutMs'
  | 'dnsServers'
  | 'dataDir'
  | 'trustLoopback'
  | 'allowIp'
  | 'requireAuth'
  | 'tlsCert'
  | 'tlsKey'
  | 'starttls'
  | 'smtps'
  | 'requireTls'
  | 'tlsMinVersion'
  | 'insecureAuth'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'maxMessagesPerMinute'
  | 'idleTimeoutMs'
  | 'commandTimeoutMs'
  | 'sessionDeadlineMs'
  | 'minDataRate'
  | 'authMaxFailures'
  | 'authFailureDelayMs'
  | 'authLockoutMs'
>;

export interface ListenerOptions {
  /** The SMTP users (shared with the API); a store on `dataDir` when not given. */
  users?: UserStore;
  /**
   * A test seam: the address whose name is looked up for a client. Test clients all connect
   * from 127.0.0.0/8, which is never looked up; a test maps its client to the non-loopback
   * address its DNS server has a PTR record for.
   */
  reverseDnsAddressFor?(clientIp: string): string;
}

/** What the listeners offer, for the info API and the start-up lines. */
export interface SmtpSecurity {
  starttls: boolean;
  smtps: ListenAddress | null;
  requireTls: boolean;
  requireAuth: boolean;
  certificate: {
    source: TlsMaterial['source'];
    fingerprint256: string;
    subject: string;
    validTo: string;
  } | null;
}

/** A refusal (4xx/5xx) of an SMTP command, thrown to smtp-server; not the upstream's parsed SmtpReply. */
export class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function sessionUser(session: SMTPServerSession): string | null {
  const user = session.user as unknown;
  return typeof user === 'string' ? user : null;
}
