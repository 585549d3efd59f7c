// One log line per attempt, in the shape people grep Postfix logs for:
//   <id>: to=<rcpt>, relay=host[ip]:port, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import type { LogRecord } from '../logs/log-record.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { isIP } from 'node:net';
import { oneLine } from '../text/sanitise.js';

const postfixStatus: Record<string, string> = {
  relayed: 'sent',
  deferred: 'deferred',
  bounced: 'bounced',
  expired: 'expired',
};

/** Postfix's words for a connect that failed, by the errno-style code (its smtp_connect.c). */
const connectWords: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
};
const DNS_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_FAIL', 'EAI_AGAIN']);

/**
 * What Postfix puts in the parentheses when no connection was made: `connect to
 * host[addr]:port: Connection refused`, or its name-service error when the host has no address.
 */
function notConnectedText(
  upstream: DeliveryAttemptView['upstream'],
  failed: { address: string | null; code: string },
  fallback: string,
): string {
  if (DNS_CODES.has(failed.code)) {
    const again = failed.code === 'EAI_AGAIN' ? ', try again' : '';
    return `Host or domain name not found. Name service error for name=${upstream.host} type=A: Host not found${again}`;
  }
  const words = connectWords[failed.code];
  if (!words) return fallback;
  const address = failed.address ?? (isIP(upstream.host) ? upstream.host : 'unknown');
  return `connect to ${upstream.host}[${address}]:${upstream.port}: ${words}`;
}

/** The upstream's reply as the log quotes it: `250 2.0.0 Ok`, or the reason none came. */
export function replyWords(attempt: DeliveryAttemptView): string {
  const { code, enhanced, text } = attempt.reply;
  return code ? `${code} ${enhanced ? `${enhanced} ` : ''}${text}` : text;
}

/**
 * The `dsn=` of the line: the reply's enhanced code, its class made to agree with the status.
 * A reply the queue defers anyway (a `535 5.7.8` rejected login, which pauses the upstream
 * instead of bouncing every recipient) is logged `dsn=4.7.8, status=deferred`, as Postfix's
 * smtp_trouble.c turns a soft error's 5 into 4: whoever reads Postfix logs takes `dsn=5` for a
 * bounce, and `dsn=5.7.8, status=deferred` said both. The attempt keeps the reply as it came.
 */
function logDsn(status: string, attempt: DeliveryAttemptView): string {
  const { enhanced, code } = attempt.reply;
  const dsn = enhanced ?? (code ? `${String(code)[0]}.0.0` : '4.0.0');
  return status === 'deferred' && dsn.startsWith('5.') ? `4${dsn.slice(1)}` : dsn;
}

/**
 * The record of one attempt for one recipient: sent is `info`, anything else `warn`. An attempt
 * that made no connection (`notConnected`) is logged `relay=none` with Postfix's reason.
 */
export function attemptLogRecord(
  record: MessageRecord,
  recipient: RecipientDelivery,
  attempt: DeliveryAttemptView,
  notConnected?: { address: string | null; code: string },
): LogRecord {
  const delay = (Date.parse(attempt.endedAt) - Date.parse(record.receivedAt)) / 1000;
  const replied = replyWords(attempt);
  const reply = notConnected ? notConnectedText(attempt.upstream, notConnected, replied) : replied;
  const status = postfixStatus[recipient.state] ?? recipient.state;
  return {
    level: status === 'sent' ? 'info' : 'warn',
    event: 'message',
    id: record.id,
    fields: {
      to: `<${oneLine(recipient.deliverTo)}>`,
      orig_to:
        recipient.deliverTo !== recipient.address ? `<${oneLine(recipient.address)}>` : undefined,
      relay: notConnected
        ? 'none'
        : `${attempt.upstream.host}[${attempt.upstream.ip ?? 'unknown'}]:${attempt.upstream.port}`,
      delay: delay.toFixed(2),
      dsn: logDsn(status, attempt),
      status: `${status} (${oneLine(reply)})`,
    },
  };
}
