// Retention of captured mail: at most N messages and/or none older than D days, oldest first;
// relayed mail is kept for some days after its last recipient reached a final state.
import type { MessageIndex } from './index/message-index.js';
import { note, type LogRecord } from './logs/log-record.js';
import type { MessageRecord } from './message-record.js';
import { isRelayed } from './queue/delivery-plan.js';
import { settledAt } from './queue/recipient-state.js';
import type { Settings } from './settings/settings-schema.js';

const dayMs = 24 * 60 * 60 * 1000;
/** How long arrivals over the cap wait to be pruned together (see Retention.pruneAtCap). */
export const pruneAtCapAfterMs = 200;

export interface RetentionPolicy {
  /** 0 keeps any number. */
  maxMessages: number;
  /** 0 keeps messages forever. */
  maxAgeDays: number;
  now: number;
}

/** IDs to prune, given the records oldest first and their count. */
export function selectForPruning(
  oldestFirst: Iterable<MessageRecord>,
  total: number,
  policy: RetentionPolicy,
): string[] {
  const doomed: string[] = [];
  const excess = policy.maxMessages > 0 ? Math.max(0, total - policy.maxMessages) : 0;
  const cutoff = policy.maxAgeDays > 0 ? policy.now - policy.maxAgeDays * dayMs : -Infinity;
  for (const record of oldestFirst) {
    const tooMany = doomed.length < excess;
    const tooOld = Date.parse(record.receivedAt) < cutoff;
    // oldest first: once a record is neither in excess nor too old, none after it is
    if (!tooMany && !tooOld) break;
    doomed.push(record.id);
  }
  return doomed;
}

export interface RetentionParts {
  settings: Pick<Settings, 'maxMessages' | 'maxAgeDays' | 'relayRetentionDays'>;
  index: MessageIndex;
  now: () => number;
  /** `cap`: the IDs are the oldest messages of all (the GUI's list keeps its rows). */
  deleteMessages: (ids: string[], cause: 'retention' | 'cap') => Promise<string[]>;
  log: (entry: LogRecord) => void;
}

/**
 * Runs the policy over the kept messages: captured mail by count and age, relayed mail some days
 * after its last recipient settled. Hourly (age), after each arrival at the cap (count), and
 * after settings change.
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private pruneAtCapTimer: NodeJS.Timeout | null = null;

  constructor(private readonly parts: RetentionParts) {}

  start(): void {
    this.timer = setInterval(() => void this.apply(), 60 * 60 * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pruneAtCapTimer) clearTimeout(this.pruneAtCapTimer);
    this.pruneAtCapTimer = null;
  }

  /** Never rejects: what cannot be pruned (a file that will not go) is said in the log. */
  async apply(): Promise<void> {
    try {
      await this.pruneByPolicy();
    } catch (err) {
      this.parts.log(note('retention', `could not prune: ${(err as Error).message}`, 'error'));
    }
  }

  private async pruneByPolicy(): Promise<void> {
    const { settings, index, now } = this.parts;
    const doomed = selectForPruning(
      index.oldestFirst({ capturedOnly: true }),
      index.capturedCount,
      {
        maxMessages: settings.maxMessages,
        maxAgeDays: settings.maxAgeDays,
        now: now(),
      },
    );
    const keepRelayedMs = settings.relayRetentionDays * dayMs;
    // settled after it was received: only mail received before the cut-off can be due
    for (const record of index.relayedOldestFirst(now() - keepRelayedMs)) {
      if (!isRelayed(record)) continue;
      const settled = settledAt(record.delivery);
      if (settled !== null && settled + keepRelayedMs <= now()) doomed.push(record.id);
    }
    if (doomed.length > 0) {
      await this.parts.deleteMessages(doomed, 'retention');
      this.parts.log(note('retention', `pruned ${doomed.length} message(s)`));
    }
  }

  /**
   * At the cap every arrival makes one message too many (only the count can be exceeded by an
   * arrival; age is checked hourly). One pass serves the arrivals of `pruneAtCapAfterMs`: a pass
   * per arrival (a query, a delete event, a count, a log line, each message's unlinks apart) cost
   * a fifth of the throughput at the cap (bench/capture-at-cap.js); the list may hold that many
   * more for that long (Mailpit prunes once a minute). When no message is planned for relaying
   * (relayed mail counts apart) it removes the oldest directly instead of walking the whole
   * index, which cost a third of the throughput.
   */
  pruneAtCap(): void {
    if (this.pruneAtCapTimer) return;
    this.pruneAtCapTimer = setTimeout(() => {
      this.pruneAtCapTimer = null;
      const { index, settings } = this.parts;
      const pass =
        index.withDelivery > 0 ? this.apply() : this.pruneOldest(index.size - settings.maxMessages);
      pass.catch((err: Error) =>
        this.parts.log(note('retention', `could not prune: ${err.message}`, 'error')),
      );
    }, pruneAtCapAfterMs);
  }

  private async pruneOldest(excess: number): Promise<void> {
    if (this.parts.settings.maxMessages <= 0 || excess <= 0) return;
    const removed = await this.parts.deleteMessages(this.parts.index.oldestIds(excess), 'cap');
    if (removed.length > 0)
      this.parts.log(note('retention', `pruned ${removed.length} message(s)`));
  }
}
