// The shapes of content filtering and sender control (main/core/filter,
// main/core/sender-control) as the API, the events and the GUI see them. Types only.

/** A suspended client IP, CIDR, SMTP user or sender (GET/POST /api/v1/suspensions). */
export interface SuspensionEntry {
  ID: string;
  Kind: 'ip' | 'cidr' | 'user' | 'sender';
  Value: string;
  Reason: string;
  Created: string;
  /** Made by the anomaly alert rather than by hand. */
  Auto: boolean;
}

/**
 * GET /api/v1/suspensions/{ID}/lift: what "Lift and release" would do now, before it is done.
 * Mail another suspension still covers stays held after the lift, so a confirm counts only
 * `Releases` as sent.
 */
export interface SuspensionLiftPreview {
  ID: string;
  /** The held messages the lift would send on. */
  Releases: string[];
  /** The held messages another suspension still covers: they stay held. */
  StillHeld: string[];
}

/** A suspension made or lifted, or an anomaly alert (with the suspension it caused, if any). */
export interface SenderControlEvent {
  Action: 'suspended' | 'unsuspended' | 'alert';
  Suspension: SuspensionEntry | null;
  Text: string;
}

/**
 * An anomaly alert kept until dismissed (GET /api/v1/sender-alerts): raised while no window was
 * open, it is still there to act on when one opens.
 */
export interface SenderAlert {
  ID: string;
  Created: string;
  Kind: 'ip' | 'user';
  Value: string;
  /** Messages this hour when it fired, and the sender's usual hourly volume. */
  Count: number;
  Median: number;
  Text: string;
  /** The suspension the alert made (anomalyPause on), or null. */
  SuspensionID: string | null;
}

/** What the content filter decided about a message, kept with it. */
export interface FilterVerdictView {
  /**
   * `accepted`: nothing found; `tagged`: found, passed on flagged (or a content rule warned or
   * changed the copy sent on); `held`: a content rule's hold, kept in the queue held until
   * released; `quarantined`: kept, never relayed.
   */
  action: 'accepted' | 'tagged' | 'held' | 'quarantined';
  /** `off` when no scanner is configured. */
  scan: 'clean' | 'infected' | 'not-scanned' | 'off';
  signature: string | null;
  /**
   * spamd's score and its required_score, when it scored the message (spamAction not `off`);
   * `isSpam` is spamd's own verdict (score at or over required_score).
   */
  spam?: { isSpam: boolean; score: number; required: number };
  /** Every finding in words (virus, spam, attachment, scanner down). */
  reasons: string[];
  at: string;
  /**
   * When a quarantined message was released by hand (POST /api/v1/quarantine/{ID}/release):
   * the verdict stays, so what the filter found is still shown.
   */
  released?: string;
  /** Why a content rule held it (`held by content rule 2 (...)`), when one did. */
  hold?: string;
  /**
   * The content rules' changes to the copy sent on (ignore, replace, prepend), as byte offsets
   * in the message as stored, which stays as it came: `remove` bytes at `at` give way to `insert`.
   */
  edits?: Array<{ at: number; remove: number; insert: string }>;
}

/** POST /api/v1/quarantine/{ID}/release: where the released message went. */
export interface QuarantineRelease {
  ID: string;
  /** The mailbox it is listed in now: the one it was for. */
  Mailbox: string;
  Released: string;
  /** The recipients queued for relaying (their routing rules relay them); none in capture mode. */
  Relayed: string[];
  /**
   * Why those wait held in the queue instead of going: a suspension covers the sender (`held:
   * sender bob@example.com suspended (ID): reason`); null when they go.
   */
  HeldBy: string | null;
  /** Recipients the routing rules now reject, left out. */
  Refused: string[];
}

/** GET /api/v1/message/{ID}/filter: the filter's decision and why recipients wait. */
export interface MessageDecisions {
  ID: string;
  Mailbox: string;
  Filter: FilterVerdictView | null;
  Notes: string[];
  Recipients: Array<{
    Address: string;
    State: 'held' | 'deferred';
    Why: string;
    NextAttemptAt: string | null;
  }>;
}

/** What one SMTP user or client IP has used of a quota (GET /api/v1/quotas). */
export interface QuotaUsageView {
  quota: Record<string, unknown>;
  /** `user NAME` or `ip ADDRESS`. */
  key: string;
  lastMinute: number;
  lastHour: number;
  lastDay: number;
  recipientsLastDay: number;
}

export interface QuotaUsage {
  /** The quotas as the settings give them. */
  quotas: Record<string, unknown>[];
  usage: QuotaUsageView[];
}

/** The upstream's warm-up today (GET /api/v1/warmup). */
export interface WarmupStatus {
  upstream: string;
  preset: string | null;
  day: number;
  cap: number;
  sentToday: number;
  /** When the next day of the schedule begins (and deferred mail goes). */
  nextDayAt: string;
}

/** The scanner and the attachment policy (GET /api/v1/filter). */
export interface FilterStatus {
  clamd: string | null;
  /** Whether clamd answered PING just now; null when no scanner is configured. */
  clamdReachable: boolean | null;
  virusAction: 'reject' | 'quarantine' | 'tag';
  clamdUnavailable: 'defer' | 'accept';
  /** What spamd's verdict of spam does; `off`: spamd only scores a message in its Spam tab. */
  spamAction: 'off' | 'reject' | 'quarantine' | 'tag';
  /** The spamd whose verdict mail is filtered by (HOST:PORT); null while spamAction is off. */
  spamd: string | null;
  /** Whether that spamd answered PING just now; null when none is asked. */
  spamdReachable: boolean | null;
  attachments: {
    types: string[];
    maxSize: number | null;
    encrypted: boolean;
    action: 'reject' | 'quarantine';
  } | null;
}
