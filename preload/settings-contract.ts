// The settings API's shapes (`GET`/`PUT /api/v1/settings`, the Settings view). Types only.
//
// Values are the settings file's keys. Listen addresses are `{host, port}` (a form has a host
// field and a port field; "host:port" strings are accepted too). Routing rules are in the form a
// settings file writes them (patterns as text). The upstream password never comes back: `auth`
// says `passwordSet: true` instead, and a save without a password keeps the saved one.
import type { RoutingActionView, UpstreamSecurityName } from './relay-contract.js';

export interface ListenAddressView {
  host: string;
  port: number;
}

/**
 * What a rule changes of the filter for its recipients (Settings → Filtering & senders holds the
 * rest); a key left out keeps that setting's choice.
 */
export interface RuleFilterView {
  virusAction?: 'reject' | 'quarantine' | 'tag';
  clamdUnavailable?: 'defer' | 'accept';
  attachmentAction?: 'reject' | 'quarantine' | 'allow';
}

export interface RoutingRuleView {
  name?: string;
  match: { recipient?: string; sender?: string; user?: string };
  action: RoutingActionView;
  filter?: RuleFilterView;
}

export interface UpstreamEndpointView {
  host: string;
  port: number;
  security: UpstreamSecurityName;
  allowInsecure: boolean;
  verifyCertificate: boolean;
  caFile?: string;
  pinSha256?: string;
  heloName?: string;
  auth?: {
    user: string;
    mechanism: string;
    /** A password is saved (it is never sent back). */
    passwordSet?: boolean;
    /** An XOAUTH2 access token is saved (never sent back). */
    accessTokenSet?: boolean;
  };
}

export interface UpstreamView extends UpstreamEndpointView {
  fallback?: UpstreamEndpointView;
}

/** The attachment policy as the settings file writes it. */
export interface AttachmentPolicyView {
  types: string[];
  /** Bytes; null: no size limit. */
  maxSize: number | null;
  encrypted: boolean;
  action: 'reject' | 'quarantine';
}

/**
 * A content rule (Postfix's header_checks / body_checks): a regular expression over each header
 * (unfolded, `Name: value`) or each body line, and what to do with a message that has a match.
 */
export interface ContentRuleView {
  where: 'header' | 'body';
  match: string;
  flags?: string;
  action: 'reject' | 'discard' | 'hold' | 'warn' | 'ignore' | 'replace' | 'prepend';
  text?: string;
}

/** A sending quota: `user` (a name or glob) or `ip` (a CIDR), and at least one limit (0: none). */
export interface QuotaView {
  name?: string;
  user?: string;
  ip?: string;
  perMinute?: number;
  perHour?: number;
  perDay?: number;
  recipientsPerDay?: number;
}

/** A warm-up schedule: a preset or daily caps, from its first day. */
export interface WarmupView {
  upstream: string;
  /** The first day, `2026-12-01` or an ISO time. */
  start: string;
  preset?: string;
  caps?: number[];
}

/** The sections of the Settings screen, in order. */
export type SettingsSectionId =
  | 'listener'
  | 'access'
  | 'upstream'
  | 'routing'
  | 'signing'
  | 'filtering'
  | 'retention'
  | 'logs'
  | 'toolkit'
  | 'checks'
  | 'desktop';

/** How the Settings screen edits a setting, from its declaration. */
export type SettingInputView =
  /** `decimal`: fractions are allowed (hours such as 0.5), not only whole numbers. */
  | { kind: 'number'; min: number; max: number; decimal?: boolean }
  /** Bytes, typed as a number of bytes or with k, m or g (`25m`): the relay reads the text. */
  | { kind: 'size'; min: number; max: number }
  | { kind: 'checkbox' }
  | { kind: 'select'; options: Array<{ value: string; label: string }> }
  /** Free text; `nullable`: an empty box means "none" (null). */
  | { kind: 'text'; nullable: boolean; placeholder?: string }
  /** A list of strings, one per line. */
  | { kind: 'lines'; placeholder?: string }
  /** A list of whole numbers, comma-separated. */
  | { kind: 'numbers' }
  /** `{host, port}`; `nullable`: may be off. */
  | { kind: 'listen'; nullable: boolean }
  /** Named whole numbers, e.g. the upstream rate limit. */
  | {
      kind: 'counts';
      keys: string[];
      /** Each key's own label (a box per key: "… a minute"), and the hint under every box. */
      labels: Record<string, string>;
      hint: string;
      /** Said once, under the last box: what the boxes do together. */
      note?: string;
      min: number;
      max: number;
    }
  /** A structure written as JSON (`null` or empty: none). */
  | { kind: 'json'; placeholder: string }
  /** Edited by a section of its own (the upstream, the rules, the quotas…). */
  | { kind: 'custom' };

/** One editable setting as its declaration describes it. */
export interface SettingFieldView {
  key: SettingKey;
  /** The label beside its input. */
  label: string;
  section: SettingsSectionId;
  input: SettingInputView;
}

/** The settings the GUI shows and edits, by their settings-file keys. */
export interface EditableSettings {
  // Listener
  smtp: ListenAddressView;
  smtps: ListenAddressView | null;
  http: ListenAddressView;
  hostname: string;
  tlsCert: string | null;
  tlsKey: string | null;
  starttls: boolean | 'auto';
  requireTls: boolean;
  tlsMinVersion: '1.0' | '1.1' | '1.2' | '1.3';
  insecureAuth: 'auto' | 'allow' | 'refuse';
  maxSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxMessagesPerMinute: number;
  minDataRate: number;
  dnsServers: string[];
  idleTimeoutMs: number;
  commandTimeoutMs: number;
  sessionDeadlineMs: number;
  greetingDelayMs: number;
  reverseDnsTimeoutMs: number;
  // Access
  trustLoopback: boolean;
  allowIp: string[];
  requireAuth: boolean;
  authMaxFailures: number;
  authFailureDelayMs: number;
  authLockoutMs: number;
  apiCors: string[];
  apiCompat: 'mailpit' | 'mailhog';
  // Upstream and queue
  relay: UpstreamView | null;
  relayConnections: number;
  retryMinutes: number[];
  retryThenEveryMinutes: number;
  lifetimeHours: number;
  rateLimit: { perSecond: number; perMinute: number; perHour: number; perDay: number };
  dsn: boolean;
  /** Hours deferred after arrival before the sender is warned once (0: never). */
  delayWarningHours: number;
  // Routing
  mode: 'capture' | 'relay' | 'rules';
  rules: RoutingRuleView[];
  // Retention
  maxMessages: number;
  maxAgeDays: number;
  relayRetentionDays: number;
  // Logs
  logMaxSize: number;
  logKeep: number;
  // Signing and address checks
  addressCheck: 'off' | 'warn' | 'reject';
  addressCheckSender: boolean;
  addressCheckDnsOutage: 'pass' | 'defer';
  // Filtering and senders
  clamd: string | null;
  virusAction: 'reject' | 'quarantine' | 'tag';
  clamdUnavailable: 'defer' | 'accept';
  spamAction: 'off' | 'reject' | 'quarantine' | 'tag';
  attachments: AttachmentPolicyView | null;
  contentRules: ContentRuleView[];
  quotas: QuotaView[];
  warmup: WarmupView[];
  anomalyPause: boolean;
  anomalyFactor: number;
  anomalyMinMessages: number;
  // Capture toolkit
  tagsDisable: string[];
  tagsUsername: boolean;
  tagsTitleCase: boolean;
  ignoreDuplicateIds: boolean;
  useMessageDates: boolean;
  label: string;
  hideDeleteAllButton: boolean;
  webhookUrls: string[];
  webhookSecretFile: string | null;
  webhookTimeoutMs: number;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  enableChaos: boolean;
  // Checks and POP3
  spamassassin: ListenAddressView | null;
  allowInternalHttpRequests: boolean;
  linkCheckGet: boolean;
  linkCheckTimeoutMs: number;
  pop3: ListenAddressView | null;
  pop3s: ListenAddressView | null;
  // Desktop app (the headless mode keeps and ignores them)
  closeToTray: boolean;
  notifyNewMail: boolean;
  notifyBounced: boolean;
  notifyDelayed: boolean;
  notifyUpstreamPaused: boolean;
  notifySenderAlert: boolean;
  notifyDelayedAfterMinutes: number;
  secretsWithoutKeyring: 'ask' | 'owner-only-file' | 'do-not-save';
}

export type SettingKey = keyof EditableSettings;

/**
 * A change to save: any of the keys, as a form or a settings file writes them. `relay` may leave
 * out `auth.password` to keep the saved one; `null` removes the upstream.
 */
export type SettingsChange = { [K in SettingKey]?: unknown };

export interface SettingsView {
  values: EditableSettings;
  /** What each setting allows, in words (the hint beside a field). */
  allowed: Partial<Record<SettingKey, string>>;
  /** Every editable setting's label, section and input, in the order of its declarations. */
  fields: SettingFieldView[];
  /**
   * Settings fixed by a command-line flag or an environment variable, with what sets them
   * (e.g. `--smtp`, `RELAYDESK_MAX_MESSAGES`). They win over saved settings, so the GUI shows
   * them read-only; a save that changes one is refused.
   */
  pinned: Partial<Record<SettingKey, string>>;
  /** Settings that take effect only after a restart (the listeners' addresses, TLS files, …). */
  restartFields: SettingKey[];
  /** Of those, the ones saved with a value the running relay does not use yet. */
  restartPending: SettingKey[];
  /** Where saved settings are kept (the settings file, or the desktop app's store). */
  savedIn: string;
  /**
   * Whether this Relaydesk can restart itself to apply them (POST /api/v1/restart): the desktop
   * app and `relaydesk serve` can; one started inside another program (a test) cannot.
   */
  restartable: boolean;
  /**
   * Saved values that are valid but probably not meant (a quota on a user no login has): said
   * beside the field, never a reason to refuse the save.
   */
  warnings: SettingsFieldWarning[];
}

/** The answer to a restart request, sent before the restart begins. */
export interface RestartAnswer {
  restarting: true;
  /** The settings the restart applies (those saved and waiting for it). */
  applies: string[];
  /** The UI's address after the restart, which a browser goes to; null when its port is 0. */
  url: string | null;
}

/** A valid value that probably does not do what was meant: saved, and said beside the field. */
export interface SettingsFieldWarning {
  /** The field's path, e.g. `quotas[2].user`. */
  field: string;
  value: unknown;
  /** The whole sentence, naming the field, the value and what was probably meant. */
  message: string;
}

/** One wrong field of a change: its name, the value given and what is allowed. */
export interface SettingsFieldError {
  /** The field's path, e.g. `smtp.port`, `relay.auth.user`, `rules[2].action.to`. */
  field: string;
  /** The value given; absent for secrets. */
  value?: unknown;
  /** What is allowed, e.g. "a whole number from 1 to 65535". */
  allowed: string;
  /** The whole sentence, naming the field, the value and the fix. */
  message: string;
}

export type SettingsCheck =
  | {
      ok: true;
      errors: [];
      /** Fields of the change that take effect after a restart. */ restartNeeded: SettingKey[];
    }
  | { ok: false; errors: SettingsFieldError[]; restartNeeded: SettingKey[] };

export type SettingsSaveResult =
  | {
      ok: true;
      errors: [];
      /** The saved settings' warnings (as in `settings.warnings`). */
      warnings: SettingsFieldWarning[];
      restartNeeded: SettingKey[];
      settings: SettingsView;
    }
  | { ok: false; errors: SettingsFieldError[]; restartNeeded: SettingKey[] };
