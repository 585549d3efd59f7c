// What the queue is given: its settings, the store of messages, the upstream client, the clock,
// and where it reports.
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { LogRecord } from '../logs/log-record.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import type { Settings } from '../settings/settings-schema.js';
import type {
  DeliveryAttempt,
  DeliveryEnvelope,
  DeliveryOptions,
  MessageSource,
} from '../upstream/delivery-attempt.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import type { SignedBy } from './attempt-record.js';

export type DeliverFunction = (
  settings: UpstreamSettings,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  options?: DeliveryOptions,
) => Promise<DeliveryAttempt>;

/** What the queue needs from the spool and the index. */
export interface QueueStore {
  records(): Iterable<MessageRecord>;
  get(id: string): MessageRecord | undefined;
  /**
   * Stores a change of the record's delivery states; resolves when it is durable. `passing`: a
   * state the next change soon replaces (`sending`), which the index need not be written for.
   * `replaced`: the list the change replaced, which stays the one on disk until this is.
   */
  save(
    record: MessageRecord,
    passing: boolean,
    replaced: RecipientDelivery[] | undefined,
  ): Promise<void>;
  raw(id: string): Promise<Buffer>;
  /** The bytes to send for one redirect target (e.g. with X-Original-To added). */
  redirectBody(raw: Buffer, originals: string[]): Buffer;
  /**
   * DKIM-signs the bytes about to be sent, after every other change; names the keys used, or
   * why none signed when keys are set up.
   */
  sign?(raw: Buffer): Promise<{ raw: Buffer; signatures: SignedBy; unsigned?: string }>;
}

export interface QueueOptions {
  settings: Pick<
    Settings,
    | 'relay'
    | 'relayConnections'
    | 'retryMinutes'
    | 'retryThenEveryMinutes'
    | 'lifetimeHours'
    | 'rateLimit'
    | 'senderRewrite'
    | 'addMissingHeaders'
    | 'hostname'
    | 'dsn'
    | 'delayWarningHours'
  >;
  store: QueueStore;
  deliver: DeliverFunction;
  now: () => number;
  publish(event: Extract<RelaydeskEvent, { Type: 'update' | 'upstream' }>): void;
  log(entry: string | LogRecord): void;
  /** Called for each recipient after an attempt, in its new state (for the metrics). */
  onAttempt?(recipient: RecipientDelivery): void;
  /** Called when recipients reach a final failure (for DSNs). */
  onFailed?(record: MessageRecord, recipients: RecipientDelivery[]): void;
  /**
   * Called once a message's recipients are marked warned of their delay (delay-warning.ts), the
   * mark on disk: the delayed report to the sender is written then.
   */
  onDelayed?(record: MessageRecord, recipients: RecipientDelivery[]): void;
  /**
   * When the upstream last answered, kept across restarts (upstream-answered.ts), so a pause
   * after a restart can still say the settings worked.
   */
  answeredFile?: {
    load(key: string | null): Promise<number | null>;
    save(key: string | null, at: number): void;
  };
  /** A pause by hand, kept across restarts (hand-pause-file.ts). */
  handPauseFile?: {
    load(): Promise<{ reason: string; since: string } | null>;
    save(pause: { reason: string; since: string } | null): void;
  };
  /**
   * Brings `settings.relay` up to date just before a batch goes out (the password file read
   * again if it changed), so a new login never uses a password that was already put right.
   */
  refreshUpstream?(): Promise<void>;
  /**
   * Whether a message whose attempt left recipients deferred is held instead: a suspension made
   * while they were on the wire covers its sender (the suspension held only what was waiting).
   * The hold's reason, and what to call once the hold is on disk (its audit line); null leaves
   * them deferred.
   */
  holdAfterAttempt?(record: MessageRecord): { reason: string; stored(): void } | null;
  /** May hold a batch back until a later time (the upstream's warm-up cap), with the reason. */
  gate?(recipients: number, now: number): { until: number; reason: string } | null;
}

export interface UpstreamPause {
  reason: string;
  fix: string;
  since: string;
  /** Paused by the user: only the user resumes it (not a wake-up or the network coming back). */
  byHand?: boolean;
  /**
   * Nothing answered (refused, no DNS): the upstream is probed on a schedule of its own
   * (upstream-probe.ts), and the pause ends by itself when it answers.
   */
  unreachable?: true;
  /** While paused so: when the upstream is tried next (absent when nothing waits). */
  nextProbeAt?: string;
  /** While a probe is under way: when it began (nextProbeAt is absent meanwhile). */
  probingSince?: string;
}
