// Retention of captured mail: at most N messages and/or none older than D days, oldest first.
import type { MessageRecord } from './message-record.js';

const dayMs = 24 * 60 * 60 * 1000;

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
