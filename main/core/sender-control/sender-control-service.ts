// Sender control as RelayService uses it: suspending and lifting (and holding what the sender
// already queued, for review), the quota usage, the warm-up gate of the upstream, and the
// anomaly alert that may pause a sender on its own. Every change goes to the log as one
// `sender-control` line and to the live events.
import type { RelaydeskEvent, SuspensionEntry } from '../../../preload/api-contract.js';
import type {
  QuotaUsage,
  SenderAlert,
  SuspensionLiftPreview,
} from '../../../preload/filter-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { auditValue, type AuditValue } from '../policy/audit-line.js';
import { crashPoint } from '../queue/crash-point.js';
import { isFinal } from '../queue/recipient-state.js';
import type { Settings } from '../settings/settings-schema.js';
import { SenderAlertLog } from './alert-log.js';
import { quotaSource, type QuotaArrival } from './quotas.js';
import type { AnomalyAlert } from './anomaly.js';
import { SenderControl } from './sender-control.js';
import { SuspensionNotFoundError } from './suspensions.js';
import { WarmupGate, type WarmupStatus } from './warmup.js';

export interface SenderControlHost {
  /** Records with delivery work left (a recipient pending, deferred, sending or held). */
  records(): Iterable<MessageRecord>;
  /** Every record planned for relaying, those whose recipients are all final included. */
  relayedRecords(): Iterable<MessageRecord>;
  /** The messages received over SMTP since a time (ms): a quota saved while running counts them. */
  smtpArrivalsSince?(since: number): Iterable<QuotaArrival>;
  hold(ids: string[], reason: string): Promise<string[]>;
  /** Held recipients stay held, with a new reason (what holds them now). */
  rehold(ids: string[], reason: string): Promise<string[]>;
  release(ids: string[]): Promise<string[]>;
  publish(event: Extract<RelaydeskEvent, { Type: 'sender' }>): void;
  log(line: string): void;
}

export type SenderSettings = Pick<
  Settings,
  | 'dataDir'
  | 'quotas'
  | 'warmup'
  | 'relay'
  | 'anomalyPause'
  | 'anomalyFactor'
  | 'anomalyMinMessages'
>;

export type { QuotaUsage };

/** The history reason of a recipient held for a suspension; `release` finds them by it. */
function holdReason(entry: SuspensionEntry): string {
  return `held: ${entry.Kind} ${entry.Value} suspended (${entry.ID}): ${entry.Reason}`;
}

/**
 * The history reason of a recipient whose suspension was lifted without releasing it: nothing
 * holds it now but the review the admin chose (`unsuspend` without `--release`).
 */
function reviewReason(entry: SuspensionEntry): string {
  return `held for review: ${entry.Kind} ${entry.Value} is no longer suspended (${entry.ID}: ${entry.Reason}); release or cancel it`;
}

/** The ID of the suspension a recipient was held for, read back from holdReason's text. */
export function heldFor(reason: string | undefined): string | null {
  return reason?.startsWith('held: ')
    ? (/ suspended \(([0-9a-f]+)\): /.exec(reason)?.[1] ?? null)
    : null;
}

/** Whether any of the message's recipients was held at or after `since` (an ISO time). */
/** Some of its recipients wait in the queue (pending, or deferred for a retry). */
function waitsInQueue(record: MessageRecord): boolean {
  return record.delivery?.some((r) => r.state === 'pending' || r.state === 'deferred') ?? false;
}

function heldSince(record: MessageRecord, since: string): boolean {
  const from = Date.parse(since);
  return (record.delivery ?? []).some((r) =>
    r.history.some((step) => step.state === 'held' && Date.parse(step.at) >= from),
  );
}

export class SenderControlService {
  readonly control: SenderControl;
  /** The warm-up gate of the upstream now set, and the schedule it was made for. */
  private gate: { key: string; gate: WarmupGate | null } = { key: '', gate: null };
  private readonly alerts: SenderAlertLog;

  constructor(
    private readonly settings: SenderSettings,
    private readonly now: () => number,
    private readonly host: SenderControlHost,
  ) {
    this.control = new SenderControl(
      settings,
      now,
      host.smtpArrivalsSince ? (since) => host.smtpArrivalsSince?.(since) ?? [] : null,
    );
    this.alerts = new SenderAlertLog(settings.dataDir, now);
  }

  /**
   * The gate of the warm-up schedule for the upstream the settings name now. Both can change
   * while running (Settings → Filtering & senders, the upstream form): a gate made once at start
   * left a schedule saved there without effect, and GET /api/v1/warmup saying none, until a
   * restart nobody was told of. Made again only when the schedule or the upstream changed, as
   * a gate counts what it let through today.
   */
  private get warmup(): WarmupGate | null {
    const upstream = this.settings.relay?.host.toLowerCase();
    const schedule = this.settings.warmup.find((w) => w.upstream === upstream) ?? null;
    const key = schedule ? JSON.stringify([schedule.upstream, schedule.start, schedule.caps]) : '';
    if (key !== this.gate.key) {
      this.gate = {
        key,
        gate: schedule
          ? new WarmupGate(schedule, (since) => this.attemptedSince(schedule.upstream, since))
          : null,
      };
    }
    return this.gate.gate;
  }

  async load(): Promise<void> {
    await this.control.load((line) => this.host.log(line));
    await this.alerts.load((line) => this.host.log(line));
  }

  /** After a save of the quotas: see QuotaLedger.quotasSaved. */
  quotasSaved(): void {
    this.control.quotas.quotasSaved();
  }

  /** The anomaly alerts not yet dismissed, newest first. */
  listAlerts(): SenderAlert[] {
    return this.alerts.list();
  }

  dismissAlert(id: string): Promise<SenderAlert> {
    return this.alerts.dismiss(id);
  }

  /** Puts the quota counters and the sending history on disk. */
  stop(): Promise<void> {
    return this.control.close();
  }

  private line(event: string, fields: Record<string, AuditValue>): void {
    const parts = [`smtp-audit event=${event}`];
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) parts.push(`${key}=${auditValue(value)}`);
    }
    this.host.log(parts.join(' '));
  }

  /**
   * How mail from this envelope is held when it joins the queue other than from SMTP (a release
   * from the quarantine): the reason of the suspension covering it now, or null when none does.
   */
  suspendedHoldReason(envelope: MessageRecord['envelope']): string | null {
    const covering = this.control.coveredBy(envelope)[0];
    return covering ? holdReason(covering) : null;
  }

  /**
   * A message that joins the queue just now, from SMTP: its end-of-DATA check ran before it was
   * stored, and a suspension made while it was being stored (an anomaly pause set off by a
   * parallel session, say) scanned the queue without it, so nothing else would hold it. Called in
   * the same turn as the message joins the index that suspend() scans, and before the queue is
   * told of it: one or the other holds it, never neither. The hold is applied now (the queue sees
   * it at once) and the promise resolves once it is on disk; null when no suspension covers it.
   */
  holdIfSuspended(record: MessageRecord): Promise<string[]> | null {
    const covering = this.control.coveredBy(record.envelope)[0];
    if (!covering || !waitsInQueue(record)) return null;
    this.line('suspend-hold', {
      id: record.id,
      suspension: covering.ID,
      kind: covering.Kind,
      value: covering.Value,
      reason: 'suspended while the message was being stored; held with what the sender queued',
    });
    return this.host.hold([record.id], holdReason(covering));
  }

  /**
   * A message whose attempt just left recipients deferred: suspend() holds only what waits, so a
   * recipient that was on the wire when its sender was suspended would be retried and sent. It
   * is held with the covering suspension's reason, unless the admin released it by hand since
   * that suspension was made. `stored` writes the audit line, once the queue has the hold on disk.
   */
  holdAfterAttempt(record: MessageRecord): { reason: string; stored(): void } | null {
    const covering = this.control
      .coveredBy(record.envelope)
      .find((entry) => !heldSince(record, entry.Created));
    if (!covering) return null;
    return {
      reason: holdReason(covering),
      stored: () =>
        this.line('suspend-hold', {
          id: record.id,
          suspension: covering.ID,
          kind: covering.Kind,
          value: covering.Value,
          reason: 'in an attempt when the sender was suspended; held once the attempt deferred it',
        }),
    };
  }

  /**
   * At start, before the queue sends anything: waiting mail that a suspension covers and never
   * held. suspend() saves the suspension before the holds of what the sender queued, and the
   * hold of a message stored during a suspension (holdIfSuspended) is written after it: a kill -9
   * in between left that mail pending on disk with the suspension in force, and the start sent
   * it. Mail held since the suspension was made and then released by hand is not held again:
   * that was the admin's choice.
   */
  async holdUnheldAtStart(): Promise<void> {
    // the queue is not walked for nothing at every start
    if (this.list().length === 0) return;
    const bySuspension = new Map<SuspensionEntry, string[]>();
    for (const record of this.host.records()) {
      if (!waitsInQueue(record)) continue;
      const unheld = this.control
        .coveredBy(record.envelope)
        .find((entry) => !heldSince(record, entry.Created));
      if (unheld) bySuspension.set(unheld, [...(bySuspension.get(unheld) ?? []), record.id]);
    }
    for (const [entry, ids] of bySuspension) {
      this.line('suspend-hold', {
        suspension: entry.ID,
        kind: entry.Kind,
        value: entry.Value,
        held: ids.length,
        reason:
          'found waiting at start, never held for this suspension (Relaydesk stopped before the hold was stored)',
      });
      await this.host.hold(ids, holdReason(entry));
    }
  }

  list(): SuspensionEntry[] {
    return this.control.suspensions.list();
  }

  /**
   * Suspends at once and holds what the sender has waiting in the queue. `InAttempt`: its
   * messages on their way to the upstream now, which are held if that attempt defers them
   * (holdAfterAttempt) and go if it delivers them.
   */
  async suspend(
    input: unknown,
    auto = false,
  ): Promise<SuspensionEntry & { Held: string[]; InAttempt: string[] }> {
    const entry = await this.control.suspensions.add(input, auto);
    // saved, its holds not yet (see holdUnheldAtStart)
    crashPoint('suspension-saved');
    // one pass over the records: what waits is held, what is on the wire is said
    const ids: string[] = [];
    const sending: string[] = [];
    for (const record of this.host.records()) {
      if (!record.delivery || !this.control.covers(entry, record.envelope)) continue;
      if (waitsInQueue(record)) ids.push(record.id);
      if (record.delivery.some((r) => r.state === 'sending')) sending.push(record.id);
    }
    const held = ids.length > 0 ? await this.host.hold(ids, holdReason(entry)) : [];
    // one also waiting is held, and named there
    const heldIds = new Set(held);
    const inAttempt = sending.filter((id) => !heldIds.has(id));
    this.line('suspend', {
      id: entry.ID,
      kind: entry.Kind,
      value: entry.Value,
      auto,
      held: held.length,
      'in-attempt': inAttempt.length > 0 ? inAttempt.length : undefined,
      reason: entry.Reason,
    });
    this.host.publish({
      Type: 'sender',
      Data: {
        Action: 'suspended',
        Suspension: entry,
        Text: `${entry.Kind} ${entry.Value} suspended: ${entry.Reason}`,
      },
    });
    return { ...entry, Held: held, InAttempt: inAttempt };
  }

  /**
   * Lifts a suspension. What it held stays held for review, unless `release` (the one-click
   * release of an automatic pause) sends it on too. Mail that another suspension still covers
   * stays held even then: lifting the IP of a sender still suspended must not send its mail
   * (it may have been held under this suspension only because it came first). Either way what
   * stays held is held again with the reason that holds it now (the suspension still covering
   * it, or the review), so the Queue view, the API and `relaydesk queue` never name a lifted
   * suspension as the cause. Mail held for a suspension lifted before this change was made
   * counts as this one's when this one covers it.
   */
  async unsuspend(
    id: string,
    release = false,
  ): Promise<SuspensionEntry & { Released: string[]; StillHeld: string[] }> {
    const entry = await this.control.suspensions.remove(id);
    const toRelease: string[] = [];
    const stillHeld: string[] = [];
    // the new reason → the messages held again with it
    const reheld = new Map<string, string[]>();
    const holdAgain = (reason: string, recordId: string): void => {
      reheld.set(reason, [...(reheld.get(reason) ?? []), recordId]);
    };
    for (const { record, covering } of this.heldFor(entry)) {
      if (covering) {
        stillHeld.push(record.id);
        holdAgain(holdReason(covering), record.id);
      } else if (release) toRelease.push(record.id);
      else holdAgain(reviewReason(entry), record.id);
    }
    for (const [reason, ids] of reheld) await this.host.rehold(ids, reason);
    const released = toRelease.length > 0 ? await this.host.release(toRelease) : [];
    this.line('unsuspend', {
      id: entry.ID,
      kind: entry.Kind,
      value: entry.Value,
      released: released.length,
      stillHeld: stillHeld.length > 0 ? stillHeld.length : undefined,
    });
    this.host.publish({
      Type: 'sender',
      Data: {
        Action: 'unsuspended',
        Suspension: entry,
        Text: `${entry.Kind} ${entry.Value} no longer suspended`,
      },
    });
    return { ...entry, Released: released, StillHeld: release ? stillHeld : [] };
  }

  /**
   * What lifting `id` with release would do, without doing it: the messages it would send, and
   * those another suspension still covers (they stay held), so a confirm counts only the first.
   */
  liftPreview(id: string): SuspensionLiftPreview {
    const entry = this.list().find((s) => s.ID === id);
    if (!entry) throw new SuspensionNotFoundError(`suspension ${JSON.stringify(id)} not found`);
    const preview: SuspensionLiftPreview = { ID: entry.ID, Releases: [], StillHeld: [] };
    for (const { record, covering } of this.heldFor(entry, entry.ID)) {
      (covering ? preview.StillHeld : preview.Releases).push(record.id);
    }
    return preview;
  }

  /**
   * The messages held for `entry`, each with the other suspension that covers it now (null when
   * none does). Mail held for a suspension lifted before counts as this one's when this one
   * covers it. `lifting`: the entry is still listed, so it is not "another".
   */
  private *heldFor(
    entry: SuspensionEntry,
    lifting?: string,
  ): Generator<{ record: MessageRecord; covering: SuspensionEntry | null }> {
    const active = new Set(this.list().map((s) => s.ID));
    for (const record of this.host.records()) {
      const heldBy = (record.delivery ?? [])
        .filter((r) => r.state === 'held')
        .map((r) => heldFor(r.history.at(-1)?.reason));
      const ours = heldBy.some(
        (by) =>
          by === entry.ID ||
          (by !== null && !active.has(by) && this.control.covers(entry, record.envelope)),
      );
      if (!ours) continue;
      const covering = this.control.coveredBy(record.envelope).find((s) => s.ID !== lifting);
      yield { record, covering: covering ?? null };
    }
  }

  /** After a message was accepted: count it, and act on an anomaly alert. */
  async accepted(record: MessageRecord): Promise<void> {
    const alert = this.control.recordAccepted(record.envelope);
    if (!alert) return;
    this.line('alert', {
      sender: alert.key,
      count: alert.count,
      median: alert.median,
      pause: this.settings.anomalyPause,
    });
    if (!this.settings.anomalyPause) {
      await this.keepAlert(alert, null);
      this.host.publish({
        Type: 'sender',
        Data: { Action: 'alert', Suspension: null, Text: alert.reason },
      });
      return;
    }
    try {
      const entry = await this.suspend(
        { Kind: alert.kind, Value: alert.value, Reason: alert.reason },
        true,
      );
      await this.keepAlert(alert, entry.ID);
      this.host.publish({
        Type: 'sender',
        Data: {
          Action: 'alert',
          Suspension: entry,
          Text: `${alert.reason}; paused until released`,
        },
      });
    } catch (err) {
      this.host.log(`sender-control: could not pause ${alert.key}: ${(err as Error).message}`);
    }
  }

  /** Kept for a window that opens later; a disk failure costs the keeping, not the alert. */
  private async keepAlert(alert: AnomalyAlert, suspensionId: string | null): Promise<void> {
    try {
      await this.alerts.add(alert, suspensionId);
    } catch (err) {
      this.host.log(
        `sender-control: could not keep the alert on ${alert.key}: ${(err as Error).message}`,
      );
    }
  }

  quotaUsage(): QuotaUsage {
    return { quotas: this.settings.quotas.map(quotaSource), usage: this.control.quotas.view() };
  }

  warmupGate(recipients: number, now: number): { until: number; reason: string } | null {
    const warmup = this.warmup;
    const gated = warmup?.take(recipients, now) ?? null;
    if (gated) {
      this.line('delay', {
        upstream: warmup?.schedule.upstream,
        nrcpt: recipients,
        until: new Date(gated.until).toISOString(),
        reason: gated.reason,
      });
    }
    return gated;
  }

  /** After an attempt: one that got no reply sent nothing, which the warm-up day does not count. */
  attempted(recipient: RecipientDelivery): void {
    const last = recipient.attempts.at(-1);
    const warmup = this.warmup;
    if (!last || !warmup || last.reply.code !== null) return;
    if (last.upstream.host.toLowerCase() !== warmup.schedule.upstream) return;
    warmup.unsent(1, Date.parse(last.startedAt));
  }

  warmupStatus(): WarmupStatus | null {
    return this.warmup?.status(this.now()) ?? null;
  }

  /** Recipients attempted through `upstream` since `since`, from the attempts kept on each record. */
  private attemptedSince(upstream: string, since: number): number {
    let count = 0;
    for (const record of this.host.relayedRecords()) {
      for (const r of record.delivery ?? []) {
        if (isFinal(r.state) && r.attempts.length === 0) continue;
        for (const attempt of r.attempts) {
          // no reply at all: nothing reached the upstream (see WarmupGate.unsent)
          if (attempt.reply.code === null) continue;
          if (
            attempt.upstream.host.toLowerCase() === upstream &&
            Date.parse(attempt.startedAt) >= since
          )
            count++;
        }
      }
    }
    return count;
  }
}
