// The settings as the relay runs with them: one typed object, resolved from defaults, the
// settings file, saved settings, environment and flags (settings-sources.ts). Each field is
// declared once, with its type, default, flag and environment name, in fields/*.ts.
import type { RoutingRule } from '../routing-rules/index.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import type { AutoTagSource } from '../tags/auto-tags.js';
import type { ChaosTriggers } from '../chaos/chaos-triggers.js';
import type { DkimSettingsKey } from '../signing/key-store.js';
import type { ClamdAddress } from '../filter/clamd-client.js';
import type {
  AttachmentPolicy,
  ClamdUnavailableAction,
  SpamAction,
  VirusAction,
} from '../filter/filter-settings.js';
import type { Quota } from '../sender-control/quotas.js';
import type { ContentRule } from '../filter/content-rules.js';
import type { SenderRewriteRule } from '../queue/sender-rewrite.js';
import type { WarmupSchedule } from '../sender-control/warmup.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export type ApiCompat = 'mailpit' | 'mailhog';

/** `capture` and `relay` are presets of the routing rules; `rules` uses the user's rules. */
export type RelayMode = 'capture' | 'relay' | 'rules';

export interface Settings {
  smtp: ListenAddress;
  http: ListenAddress;
  dataDir: string;
  /** Captured messages kept at most; the oldest go first. 0 keeps all. */
  maxMessages: number;
  /** Captured messages older than this many days are pruned. 0 keeps them forever. */
  maxAgeDays: number;
  /** Largest message accepted, in bytes (SIZE). */
  maxSize: number;
  maxRecipients: number;
  /** Name in our Received stamp and SMTP greeting. */
  hostname: string;
  /**
   * Pause before greeting untrusted clients, to catch early talkers (smtp-server's fixed 100 ms).
   * Loopback clients are greeted at once.
   */
  greetingDelayMs: number;
  /** The longest a reverse-DNS lookup of a client may delay its greeting. */
  reverseDnsTimeoutMs: number;
  /** DNS servers (`IP` or `IP:PORT`) for lookups; empty: the system's resolvers. */
  dnsServers: string[];
  /** Whose meaning `GET/DELETE /api/v1/messages` takes: the two APIs clash on that path. */
  apiCompat: ApiCompat;
  mode: RelayMode;
  /** Simultaneous connections to the upstream (Postfix: 2 per destination is gentle). */
  relayConnections: number;
  /** Minutes to wait after each failed attempt, then `retryThenEveryMinutes`. */
  retryMinutes: number[];
  retryThenEveryMinutes: number;
  /** How long a recipient is retried before it expires. */
  lifetimeHours: number;
  /** Upstream rate limits in messages; 0 is no limit. */
  rateLimit: { perSecond: number; perMinute: number; perHour: number; perDay: number };
  /** Send RFC 3464 failure reports to the envelope sender (they are always captured locally). */
  /** Postfix's always_add_missing_headers for relayed mail: Date and Message-ID. */
  addMissingHeaders: boolean;
  dsn: boolean;
  /**
   * Hours a recipient may stay deferred after the message's arrival before its sender gets one
   * "delayed" report (Postfix's delay_warning_time); 0: none. Only while `dsn` is on.
   */
  delayWarningHours: number;
  /** Days relayed mail is kept after its last recipient reached a final state. */
  relayRetentionDays: number;
  /** The smart host; null until configured. */
  relay: UpstreamSettings | null;
  /**
   * The file relay.auth.password was read from (--relay-password-file), read again when it
   * changes and before new upstream logins, so that fixing the file is enough; null otherwise.
   */
  relayPasswordFile: string | null;
  /** The routing rules of mode "rules". */
  rules: RoutingRule[];
  // --- inbound policy (main/core/policy) ---
  /** Loopback clients (127.0.0.0/8, ::1) may send and relay without AUTH. */
  trustLoopback: boolean;
  /** Clients in these CIDRs (IPv4 or IPv6) may send and relay without AUTH. */
  allowIp: string[];
  /**
   * Web origins allowed to use the API from a browser (CORS), e.g. a test dashboard on
   * http://localhost:3000. Empty: CORS off, and state changes from other origins refused.
   */
  apiCors: string[];
  /** Every client, trusted or not, must authenticate before MAIL. */
  requireAuth: boolean;
  /** PEM certificate and key files for STARTTLS and SMTPS; null: a self-signed pair in dataDir. */
  tlsCert: string | null;
  tlsKey: string | null;
  /**
   * Offer STARTTLS on the SMTP listener. `auto`: when a certificate is configured or the listener
   * is reachable from other machines. A loopback catcher with only the self-signed certificate
   * does not offer it, because clients upgrade opportunistically (nodemailer does) and then
   * refuse the unknown certificate, which would break the plain `port: 1025` set-up that
   * Mailpit users have.
   */
  starttls: boolean | 'auto';
  /** An implicit-TLS (465-style) listener; null for none. */
  smtps: ListenAddress | null;
  /** When SMTP(S) or POP3(S) cannot listen: stop the start, or keep running and show why. */
  listenerFailure: 'exit' | 'keep-running';
  /** MAIL is refused until the session is encrypted. */
  requireTls: boolean;
  /** The oldest TLS version a client may use (STARTTLS and implicit TLS; POP3's too). */
  tlsMinVersion: TlsMinVersion;
  /** AUTH over an unencrypted session: `auto` allows it on loopback listeners only. */
  insecureAuth: InsecureAuth;
  /** Simultaneous SMTP sessions in total, and per untrusted client IP. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** MAIL commands per minute from one untrusted client (by user when authenticated); 0: no limit. */
  maxMessagesPerMinute: number;
  /** Silence after which a session is closed (smtp-server's socket timeout). */
  idleTimeoutMs: number;
  /** Longest wait for a complete command line after a reply (a byte-at-a-time client too). */
  commandTimeoutMs: number;
  /** Longest a whole SMTP session may last, whatever the client sends. */
  sessionDeadlineMs: number;
  /**
   * Slowest message data accepted during DATA, in bytes a second (Postfix's smtpd_min_data_rate):
   * a client below it is cut off within about one idle timeout with `421 4.4.2`. 0: no minimum.
   */
  minDataRate: number;
  /** Failed AUTH attempts from one IP before it is locked out; delays grow before that. */
  authMaxFailures: number;
  /** The first delay after a failed AUTH; it doubles with each failure. */
  authFailureDelayMs: number;
  /** How long a locked-out IP gets `421 4.7.0` to AUTH (and how long failures are remembered). */
  authLockoutMs: number;
  /** relay.log, audit.log and service.log rotate when they would grow beyond this many bytes. */
  logMaxSize: number;
  /** Rotated generations of each log kept (relay.log.1 … relay.log.N). */
  logKeep: number;
  /** A file holding the UI/API password (or its scrypt hash); required off loopback. */
  uiPasswordFile: string | null;
  // --- the desktop app (main/desktop); headless mode ignores them ---
  /** Closing the window keeps Relaydesk running in the tray. */
  closeToTray: boolean;
  /** Native notifications, each kind on or off. */
  notifyNewMail: boolean;
  notifyBounced: boolean;
  notifyDelayed: boolean;
  notifyUpstreamPaused: boolean;
  /** A sender's volume jumped (the anomaly alert), and whether it was paused. */
  notifySenderAlert: boolean;
  /** A recipient still not delivered this long after arrival is "delayed" (Postfix delay_warning_time). */
  notifyDelayedAfterMinutes: number;
  /** Where secrets go when the OS keyring is unavailable: the user's choice, asked once. */
  secretsWithoutKeyring: SecretsWithoutKeyring;
  // --- the capture toolkit (main/core/tags, send, webhooks, chaos) ---
  /** Automatic tags turned off (Mailpit's --tags-disable). */
  tagsDisable: AutoTagSource[];
  /** Tag each message with its SMTP AUTH user (Mailpit's --tags-username). */
  tagsUsername: boolean;
  /** Title Case for tags from plus addresses and X-Tags (Mailpit's --tags-title-case). */
  tagsTitleCase: boolean;
  /**
   * A message whose Message-ID is already stored is answered 250 and not stored again
   * (Mailpit's --ignore-duplicate-ids).
   */
  ignoreDuplicateIds: boolean;
  /** Captured mail is listed at its Date header's time (Mailpit's --use-message-dates). */
  useMessageDates: boolean;
  /** A name for this instance, beside Relaydesk's in the UI (Mailpit's --label). */
  label: string;
  /** The list's "Delete all" is not offered (Mailpit's --hide-delete-all-button). */
  hideDeleteAllButton: boolean;
  /** Own credentials for POST /api/v1/send: a file holding a password or its hash. */
  sendApiAuthFile: string | null;
  /** POST /api/v1/send takes any credentials, or none, even with a UI password. */
  sendApiAuthAcceptAny: boolean;
  /** URLs POSTed a JSON summary of each new message and delivery change. */
  webhookUrls: string[];
  /** A file holding the HMAC-SHA256 secret that signs webhook bodies. */
  webhookSecretFile: string | null;
  webhookTimeoutMs: number;
  /** Attempts after the first failed one; the wait doubles each time. */
  webhookRetries: number;
  webhookRetryDelayMs: number;
  /** Chaos may be set (API, GUI); off by default, as in Mailpit. */
  enableChaos: boolean;
  /** Chaos triggers set at start (also enables chaos, as in Mailpit). */
  chaosTriggers: ChaosTriggers | null;
  // --- signing and address checks (main/core/dns, signing, address-check) ---
  /** DKIM keys from files (--dkim-domain/--dkim-selector/--dkim-key); generated keys live in dataDir. */
  dkim: DkimSettingsKey[];
  /** Check recipients before relaying: off, warn (note the verdict) or reject (550 at RCPT). */
  addressCheck: AddressCheckPolicy;
  /** Check the envelope sender too. */
  addressCheckSender: boolean;
  /** When DNS cannot be asked: pass the recipient, or defer it (450); never reject. */
  addressCheckDnsOutage: 'pass' | 'defer';
  addressCheckUnknownDomain: 'defer' | 'reject';
  // --- content filter and sender control (main/core/filter, main/core/sender-control) ---
  /** clamd's address (TCP or Unix socket); null: no virus scanning. */
  clamd: ClamdAddress | null;
  /** The longest wait for clamd's verdict on one message, in seconds (then clamdUnavailable). */
  clamdTimeoutSeconds: number;
  /** What happens to a message with a virus (per routing rule too). */
  virusAction: VirusAction;
  /** What happens when clamd cannot be reached: `defer` (451 4.7.0) or `accept` flagged. */
  clamdUnavailable: ClamdUnavailableAction;
  /** What a message spamd (the `spamassassin` address) scores as spam does; `off`: nothing. */
  spamAction: SpamAction;
  /** Attachments refused by type, size or encryption; null: no attachment policy. */
  attachments: AttachmentPolicy | null;
  /** Postfix's header_checks and body_checks: regular expressions over headers and body lines. */
  contentRules: ContentRule[];
  /** Sending quotas per SMTP user or client IP. */
  quotas: Quota[];
  /** The sender the upstream sees (envelope, From), rewritten by the first matching rule. */
  senderRewrite: SenderRewriteRule[];
  /** IP warm-up schedules per upstream. */
  warmup: WarmupSchedule[];
  /** Suspend a sender automatically when its volume jumps (the alert is logged either way). */
  anomalyPause: boolean;
  anomalyFactor: number;
  anomalyMinMessages: number;
  // --- checks and POP3 (main/core/checks, main/core/pop3) ---
  /** SpamAssassin's spamd for the spam check (Mailpit's --enable-spamassassin); null: none. */
  spamassassin: ListenAddress | null;
  /** The link and HTML checks may reach private, loopback and link-local addresses. */
  allowInternalHttpRequests: boolean;
  /** The link check retries with GET when HEAD fails (GET can use up one-time links). */
  linkCheckGet: boolean;
  /** How long the link check waits for one link. */
  linkCheckTimeoutMs: number;
  /** A POP3 listener serving captured mail (STLS offered); null: none. */
  pop3: ListenAddress | null;
  /** An implicit-TLS POP3 listener (995-style); null: none. */
  pop3s: ListenAddress | null;
}

export type SecretsWithoutKeyring = 'ask' | 'owner-only-file' | 'do-not-save';
export type AddressCheckPolicy = 'off' | 'warn' | 'reject';

export type InsecureAuth = 'auto' | 'allow' | 'refuse';
export type TlsMinVersion = '1.0' | '1.1' | '1.2' | '1.3';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Where a raw value came from, so an error names what the user typed. */
export type SettingSource = 'flag' | 'env' | 'file';
