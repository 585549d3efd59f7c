// The last lines of the relay, audit and service logs, kept in memory for the Logs view and the
// log API (each is also appended to its file in the data folder). Bounded, so a busy relay
// cannot grow them without end.
import type { LogEntry, LogKind, LogLines } from '../../../preload/api-contract.js';

/**
 * Audit lines: the policy's `smtp-audit …` / `http-audit …`, the POP3 listener's `pop3-audit …`
 * and saved settings' `settings-audit …`.
 */
export function isAuditLine(line: string): boolean {
  return /^(?:smtp|http|pop3|settings)-audit /.test(line);
}

export class RecentLog {
  private readonly entries: Record<LogKind, LogEntry[]> = { relay: [], audit: [], service: [] };
  private lastSeq = 0;

  constructor(private readonly keep: number) {}

  add(kind: LogKind, line: string, at: Date): LogEntry {
    this.lastSeq += 1;
    const entry = { at: at.toISOString(), kind, line, seq: this.lastSeq };
    const list = this.entries[kind];
    list.push(entry);
    // the oldest go a batch at a time: dropping one per line moved the whole list each time
    // (two or three lines a message under load)
    if (list.length >= 2 * this.keep) list.splice(0, list.length - this.keep);
    return entry;
  }

  /** The newest `limit` lines of a kind (never more than `keep`), oldest first. */
  last(kind: LogKind, limit: number): LogLines {
    const count = Math.max(0, Math.min(limit, this.keep));
    const entries = count === 0 ? [] : this.entries[kind].slice(-count);
    return { lines: entries.map((e) => e.line), entries };
  }
}
