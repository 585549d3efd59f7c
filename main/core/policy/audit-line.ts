// One structured line per decision (connection, AUTH, message), in the key=value shape people
// grep Postfix logs for: `smtp-audit event=connect result=rejected client=192.0.2.7 reason="…"`.
// Every value the client chose (HELO, AUTH name, addresses) is JSON-quoted unless it is plainly
// safe, so a CR or LF can never start a forged line. Passwords never reach this function.

export type AuditEvent = 'connect' | 'auth' | 'mail' | 'rcpt' | 'message' | 'close';

export type AuditValue = string | number | boolean | null | undefined;

const plain = /^[A-Za-z0-9._:@<>[\]/+=-]{1,200}$/;

export function auditValue(value: Exclude<AuditValue, undefined>): string {
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

export function auditLine(event: AuditEvent, fields: Record<string, AuditValue>): string {
  const parts = [`smtp-audit event=${event}`];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(`${key}=${auditValue(value)}`);
  }
  return parts.join(' ');
}
