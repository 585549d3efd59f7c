// One structured line per decision (connection, AUTH, message), in the key=value shape people
// grep Postfix logs for: `smtp-audit event=connect result=rejected client=192.0.2.7 reason="…"`.
// Every value the client chose (HELO, AUTH name, addresses) is JSON-quoted unless it is plainly
// safe, so a CR or LF can never start a forged line. Passwords never reach this function.
import { formatLogLine, type LogRecord, type LogValue } from '../logs/log-record.js';

export { auditValue } from '../logs/log-record.js';

export type AuditEvent = 'connect' | 'auth' | 'mail' | 'rcpt' | 'message' | 'close';

export type AuditValue = LogValue;

/** The audit record of one decision; refusals are warnings. */
export function auditRecord(event: AuditEvent, fields: Record<string, AuditValue>): LogRecord {
  const refused = fields.result === 'rejected' || fields.result === 'refused';
  return {
    level: refused ? 'warn' : 'info',
    event: 'smtp-audit',
    fields: { event, ...fields },
  };
}

export function auditLine(event: AuditEvent, fields: Record<string, AuditValue>): string {
  return formatLogLine(auditRecord(event, fields));
}
