// The facade's calls over who may send: the content filter, suspensions, quotas and warm-up,
// SMTP users (the same file as `relaydesk user …`) and AUTH lockouts.
import type { SmtpUserView } from '../../../preload/api-contract.js';
import type {
  MessageDecisions,
  SenderAlert,
  SuspensionEntry,
} from '../../../preload/filter-contract.js';
import type { FilterStatus } from '../filter/filter-control.js';
import { auditLine } from '../policy/audit-line.js';
import type { AuthLockoutEntry } from '../policy/auth-lockout.js';
import type { QuotaUsage } from '../sender-control/sender-control-service.js';
import type { WarmupStatus } from '../sender-control/warmup.js';
import type { MessageListing, MessageMethods } from './message-methods.js';
import { NotFoundError } from './service-errors.js';
import type { ServiceParts } from './service-parts.js';

export function senderMethods(
  { store, filter, senders, users, listener, log }: ServiceParts,
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

    /** Suspends at once (`{Kind, Value, Reason}`); what the sender has queued is held. */
    suspend: (input: unknown): Promise<SuspensionEntry & { Held: string[] }> =>
      senders.suspend(input),

    /** Lifts a suspension; `release` also sends on what it held. */
    unsuspend: (
      id: string,
      release = false,
    ): Promise<SuspensionEntry & { Released: string[]; StillHeld: string[] }> =>
      senders.unsuspend(id, release),

    /** Anomaly alerts kept until dismissed, newest first. */
    senderAlerts: (): SenderAlert[] => senders.listAlerts(),

    dismissSenderAlert: (id: string): Promise<SenderAlert> => senders.dismissAlert(id),

    quotaUsage: (): QuotaUsage => senders.quotaUsage(),

    warmupStatus: (): { warmup: WarmupStatus | null } => ({ warmup: senders.warmupStatus() }),

    filterStatus: (): Promise<FilterStatus> => filter.status(),

    /** Quarantined messages (kept, never relayed), newest first. */
    quarantine: (start: number, limit: number): MessageListing =>
      messages.listing(start, limit, 'tag:quarantined'),

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
