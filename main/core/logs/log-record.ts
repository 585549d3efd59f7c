// Log records and the one formatter that turns them into the lines relay.log, audit.log and the
// console have always shown. A record says what happened (level, event, fields); the line is
// only its rendering, so the shapes people grep for stay exactly as they were:
//   audit      `smtp-audit event=connect result=rejected client=192.0.2.7 reason="…"`
//   message    `<id>: from=<a@b>, size=123, nrcpt=1, client=127.0.0.1`
//   note       `retention: pruned 3 message(s)`

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogValue = string | number | boolean | null | undefined;

export type LogRecord =
  /** A decision for the audit log: `<event> event=<action> key=value …` (values quoted when needed). */
  | { level: LogLevel; event: AuditChannel; fields: Record<string, LogValue> }
  /** What happened to one message, Postfix-style: `<id>: key=value, key=value`. */
  | { level: LogLevel; event: 'message'; id: string; fields: Record<string, LogValue> }
  /** A note from one part of the relay: `<area>: <text>` (or the text alone when area is ''). */
  | { level: LogLevel; event: 'note'; area: string; text: string };

export type AuditChannel = 'smtp-audit' | 'http-audit' | 'settings-audit';

const plain = /^[A-Za-z0-9._:@<>[\]/+=-]{1,200}$/;

/** A value as the audit log writes it: plain, or JSON-quoted so no CR or LF can forge a line. */
export function auditValue(value: Exclude<LogValue, undefined>): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '-';
  if (plain.test(value)) return value;
  const cut = value.length > 300 ? `${value.slice(0, 300)}…` : value;
  // JSON escapes CR, LF and the other C0 controls; it leaves U+2028/2029, which some viewers
  // break lines on, so those are escaped by hand.
  return JSON.stringify(cut)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function present(fields: Record<string, LogValue>): [string, Exclude<LogValue, undefined>][] {
  return Object.entries(fields).filter(
    (entry): entry is [string, Exclude<LogValue, undefined>] => entry[1] !== undefined,
  );
}

/** The line of a record, as the log files and the console show it. */
export function formatLogLine(record: LogRecord): string {
  switch (record.event) {
    case 'message':
      return `${record.id}: ${present(record.fields)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ')}`;
    case 'note':
      return record.area === '' ? record.text : `${record.area}: ${record.text}`;
    case 'settings-audit':
      // our own setting names (comma-separated lists), never a client's words: written as they are
      return [
        record.event,
        ...present(record.fields).map(([key, value]) => `${key}=${String(value)}`),
      ].join(' ');
    default:
      return [
        record.event,
        ...present(record.fields).map(([key, value]) => `${key}=${auditValue(value)}`),
      ].join(' ');
  }
}

/** A note at `info` (most of what the relay says). */
export function note(area: string, text: string, level: LogLevel = 'info'): LogRecord {
  return { level, event: 'note', area, text };
}
