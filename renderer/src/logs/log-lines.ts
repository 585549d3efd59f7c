// The Logs view's state, as pure functions: relay, audit and service lines merged in time order,
// live lines appended, the oldest dropped past a limit, and the filter.
import type { LogEntry, LogKind } from '../api/contract';

export const maxShownLines = 2000;

export type LogFilter = { kind: LogKind | 'all'; text: string };

/** The logs in one list, oldest first; equal times keep their order. */
export function mergeLogs(...lists: LogEntry[][]): LogEntry[] {
  return lists
    .flat()
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.order - b.order)
    .map(({ entry }) => entry)
    .slice(-maxShownLines);
}

/**
 * A line's identity: its place in the service's count, with its time (the count starts again
 * when the service does). Two equal lines in one millisecond are still two lines.
 */
export function logIdentity(entry: LogEntry): string {
  return `${entry.seq} ${entry.at}`;
}

/**
 * The history read after the live feed began, with the live lines that came meanwhile and are
 * not in it: the view's lines, and the identities a later live line may still duplicate (one
 * logged before the history was read, arriving on its own channel after the history's answer).
 */
export function joinHistory(
  history: LogEntry[][],
  live: LogEntry[],
): { lines: LogEntry[]; known: Set<string> } {
  const known = new Set(history.flat().map(logIdentity));
  return {
    lines: mergeLogs(
      ...history,
      live.filter((e) => !known.has(logIdentity(e))),
    ),
    known,
  };
}

/** What a line says and when: the same across a restart, which numbers the lines anew. */
function logContent(entry: LogEntry): string {
  return `${entry.at} ${entry.kind} ${entry.line}`;
}

/**
 * The view's lines with a history read again (after the live feed was down): the lines it has,
 * and those of the history it lacks, in time order; `known` takes the history's identities, as
 * joinHistory's does.
 *
 * Matched by what they say, not by number: the feed may have been down for a restart, and the
 * new process numbers the lines it reads back from the files anew (a kind at a time), so every
 * line from before it was shown twice. Each line of the view stands for one of the history's,
 * so two equal lines in one millisecond are still two.
 */
export function refillHistory(
  lines: LogEntry[],
  history: LogEntry[][],
  known: Set<string>,
): LogEntry[] {
  const have = new Map<string, number>();
  for (const entry of lines) have.set(logContent(entry), (have.get(logContent(entry)) ?? 0) + 1);
  const missing = history.flat().filter((entry) => {
    const left = have.get(logContent(entry)) ?? 0;
    if (left > 0) have.set(logContent(entry), left - 1);
    return left === 0;
  });
  for (const entry of history.flat()) known.add(logIdentity(entry));
  return missing.length === 0 ? lines : mergeLogs(lines, missing);
}

export function appendLog(lines: LogEntry[], entry: LogEntry): LogEntry[] {
  const next = [...lines, entry];
  return next.length > maxShownLines ? next.slice(next.length - maxShownLines) : next;
}

/** Lines of the chosen kind containing every word of the filter text (any case). */
export function filterLog(lines: LogEntry[], filter: LogFilter): LogEntry[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return lines.filter(
    (entry) =>
      (filter.kind === 'all' || entry.kind === filter.kind) &&
      words.every((word) => entry.line.toLowerCase().includes(word)),
  );
}

const dayAndTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * A line's time: today's by the clock alone, an earlier day's with its date, since the view also
 * holds the lines the files kept from before the last start.
 */
export function logTime(at: string, now: Date = new Date()): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return loggedToday(at, now) ? date.toLocaleTimeString() : dayAndTime.format(date);
}

export function loggedToday(at: string, now: Date = new Date()): boolean {
  return new Date(at).toDateString() === now.toDateString();
}
