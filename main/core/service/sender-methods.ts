// The facade's calls over who may send: the content filter, suspensions, quotas and warm-up,
// SMTP users (the same file as `relaydesk user …`) and AUTH lockouts.
import type { SmtpUserView } from '../../../preload/api-contract.js';
import type {
  MessageDecisions,
  QuarantineRelease,
  SenderAlert,
  SuspensionEntry,
  SuspensionLiftPreview,
} from '../../../preload/filter-contract.js';
import type { FilterStatus } from '../filter/filter-control.js';
import {
  everQuarantinedQuery,
  heldInQuarantineQuery,
  mailboxBeforeQuarantine,
  releasedRecord,
  releaseRefusal,
} from '../filter/quarantine-release.js';
import { DEFAULT_MAILBOX } from '../routing-rules/routing-action.js';
import { capturedInto } from './record-builder.js';
import { auditLine } from '../policy/audit-line.js';
import { suspensionCovers } from '../sender-control/suspensions.js';
import { loginsHint } from '../sender-control/unknown-user.js';
import { crashPoint } from '../queue/crash-point.js';
import { messageStatus } from '../queue/recipient-state.js';
import type { AuthLockoutEntry } from '../policy/auth-lockout.js';
import type { QuotaUsage } from '../sender-control/sender-control-service.js';
import type { WarmupStatus } from '../sender-control/warmup.js';
import type { MessageListing, MessageMethods } from './message-methods.js';
import { NotFoundError } from './service-errors.js';
import type { ServiceParts } from './service-parts.js';

export function senderMethods(
  { store, filter, senders, users, listener, log, rules, queue, now }: ServiceParts,
  messages: Pick<MessageMethods, 'listing'>,
) {
  const user = async (name: string): Promise<SmtpUserView> => {
    const found = (await users.list()).find((u) => u.name === name);
    if (!found) throw new NotFoundError(`SMTP user ${JSON.stringify(name)} not found`);
    return found;
  };
  return {
    /** Suspended client IPs, CIDRs, SMTP users and senders. */
    suspensions: (): SuspensionEntry[] => senders.list(),

    /**
     * Suspends at once (`{Kind, Value, Reason}`); what the sender has queued is held. A user
     * name that no SMTP user has and that held nothing (`alicee` for `alice`) is still saved, as
     * a user may be added later, but the answer's `Warning` says it stops nobody: the answer
     * "user alicee suspended" let the admin believe the stolen login was cut off while it sent on.
     */
    suspend: async (
      input: unknown,
    ): Promise<SuspensionEntry & { Held: string[]; InAttempt: string[]; Warning?: string }> => {
      const made = await senders.suspend(input);
      if (made.Kind !== 'user' || made.Held.length > 0 || made.InAttempt.length > 0) return made;
      const names = (await users.list()).map((u) => u.name);
      const covered = names.some((name) =>
        suspensionCovers(made, { clientIp: '', user: name, sender: '' }),
      );
      if (covered) return made;
      return {
        ...made,
        Warning:
          `no SMTP user is named ${JSON.stringify(made.Value)}, so this suspension stops nobody now` +
          loginsHint(made.Value, names, 'Lift this one and suspend that name'),
      };
    },

    /** Lifts a suspension; `release` also sends on what it held. */
    unsuspend: (
      id: string,
      release = false,
    ): Promise<SuspensionEntry & { Released: string[]; StillHeld: string[] }> =>
      senders.unsuspend(id, release),

    /** What lifting with release would send, and what another suspension keeps held. */
    suspensionLift: (id: string): SuspensionLiftPreview => senders.liftPreview(id),

    /** Anomaly alerts kept until dismissed, newest first. */
    senderAlerts: (): SenderAlert[] => senders.listAlerts(),

    dismissSenderAlert: (id: string): Promise<SenderAlert> => senders.dismissAlert(id),

    quotaUsage: (): QuotaUsage => senders.quotaUsage(),

    warmupStatus: (): { warmup: WarmupStatus | null } => ({ warmup: senders.warmupStatus() }),

    filterStatus: (): Promise<FilterStatus> => filter.status(),

    /**
     * Messages held in the quarantine (kept, never relayed), newest first: what waits for a
     * decision. `released`: those released from it too (they keep the `quarantined` tag as
     * their history, with `released`).
     */
    quarantine: (start: number, limit: number, released = false): MessageListing =>
      messages.listing(start, limit, released ? everQuarantinedQuery : heldInQuarantineQuery),

    /**
     * Releases a quarantined message by hand (a false positive): back to the mailbox it was for,
     * and queued where its recipients' routing rules relay (signed, redirected, rate-limited as
     * any message). Once: the sidecar says it was released, and a second release is refused. A
     * virus verdict needs `confirmVirus`. One audit line records it.
     */
    async releaseQuarantined(id: string, confirmVirus = false): Promise<QuarantineRelease> {
      const record = store.record(id);
      const refusal = releaseRefusal(record, confirmVirus);
      if (refusal) throw refusal;
      const at = new Date(now());
      // an imported message is captured, never relayed (`relaydesk ingest`): its recipients are
      // read from its To and Cc, real people, whom the routing rules would have relayed it to
      const decisions =
        record.envelope.origin === 'ingest'
          ? capturedInto(record.envelope.rcptTo, mailboxBeforeQuarantine(record) ?? DEFAULT_MAILBOX)
          : rules.decide(record.envelope);
      const released = releasedRecord(
        record,
        decisions,
        at,
        senders.suspendedHoldReason(record.envelope),
      );
      // the index takes the change before this turn ends, so a second release (a double click)
      // already reads it as released; nothing here awaits before that
      await store.saveRecord(released.record);
      // the kill -9 test's: released on disk, not yet answered, queued or audited
      crashPoint('quarantine-release-saved');
      const { filter: verdict } = record;
      log(
        auditLine('message', {
          result: 'released',
          id: record.id,
          client: record.envelope.clientIp,
          from: `<${record.envelope.mailFrom}>`,
          mailbox: released.record.mailbox,
          nrcpt: released.relayed.length,
          scan: verdict?.scan,
          held: released.heldBy ?? undefined,
          reason: `released from the quarantine by hand; it was quarantined for: ${verdict?.reasons.join('; ') ?? ''}`,
        }),
      );
      const { delivery } = released.record;
      store.publish({
        Type: 'update',
        Data: {
          ID: record.id,
          Tags: released.record.tags,
          ...(delivery ? { Status: messageStatus(delivery) } : {}),
        },
      });
      store.publishCounts();
      if (released.record.delivery) queue.kick(record.id);
      return {
        ID: record.id,
        Mailbox: released.record.mailbox,
        Released: at.toISOString(),
        Relayed: released.relayed,
        HeldBy: released.heldBy,
        Refused: released.refused,
      };
    },

    /** The filter's decision on a message, and why any recipient is held or delayed. */
    messageDecisions(id: string): MessageDecisions {
      const record = store.record(id);
      const waiting: MessageDecisions['Recipients'] = [];
      for (const r of record.delivery ?? []) {
        if (r.state !== 'held' && r.state !== 'deferred') continue;
        waiting.push({
          Address: r.address,
          State: r.state,
          Why: r.history.at(-1)?.reason ?? '',
          NextAttemptAt: r.nextAttemptAt,
        });
      }
      return {
        ID: record.id,
        Mailbox: record.mailbox,
        Filter: record.filter ?? null,
        Notes: record.notes,
        Recipients: waiting,
      };
    },

    listUsers: (): Promise<SmtpUserView[]> => users.list(),

    async addUser(name: string, password: string): Promise<SmtpUserView> {
      await users.set(name, password, 'add');
      return user(name);
    },

    async changeUserPassword(name: string, password: string): Promise<SmtpUserView> {
      await users.set(name, password, 'change');
      return user(name);
    },

    removeUser: (name: string): Promise<void> => users.remove(name),

    /** (Address, user) pairs locked out of SMTP AUTH after repeated failures. */
    authLockouts: (): AuthLockoutEntry[] => listener.authLockouts.locked(),

    /** Lifts AUTH lockouts: one pair, every user of an address, or all (nothing given). */
    releaseAuthLockouts(address?: string, name?: string): AuthLockoutEntry[] {
      const released = listener.authLockouts.release(address, name);
      for (const entry of released) {
        log(
          auditLine('auth', {
            result: 'released',
            client: entry.Address,
            user: entry.User,
            reason: 'lockout released by hand',
          }),
        );
      }
      return released;
    },
  };
}

export type SenderMethods = ReturnType<typeof senderMethods>;
