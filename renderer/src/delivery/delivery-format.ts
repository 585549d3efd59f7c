// Words for the delivery of a recipient. Pure.
import type { DeliveryAttemptView, RecipientState, SmtpReplyView } from '../api/contract.js';
import { tlsVersionName } from '../route/route-format';

export const recipientStateLabels: Record<RecipientState, string> = {
  pending: 'Waiting to be sent',
  sending: 'Sending now',
  relayed: 'Relayed',
  deferred: 'Deferred, will retry',
  bounced: 'Bounced',
  expired: 'Expired (gave up)',
  held: 'Held',
  cancelled: 'Cancelled',
  captured: 'Captured (not sent on)',
  quarantined: 'Held in the quarantine (sent only if released)',
};

export function replyLine(reply: SmtpReplyView): string {
  return [reply.code ?? 'no reply', reply.enhanced, reply.text].filter(Boolean).join(' ');
}

/**
 * An attempt's reply as its row says it. One that never left this machine had no reply to
 * lack: "4.3.0 not sent: the message's file is missing …", not "no reply 4.3.0 not sent: …".
 */
export function attemptReply(attempt: Pick<DeliveryAttemptView, 'reply' | 'notSent'>): string {
  if (!attempt.notSent) return replyLine(attempt.reply);
  return [attempt.reply.enhanced, attempt.reply.text].filter(Boolean).join(' ');
}

/** A signing key as DNS names it: `selector._domainkey.domain`. */
export function dkimKeyName(key: { selector: string; domain: string }): string {
  return `${key.selector}._domainkey.${key.domain}`;
}

export function attemptUpstream(attempt: DeliveryAttemptView): string {
  // the message could not be made here: no connection was made to anyone
  if (attempt.notSent) return 'none (not sent)';
  const { host, ip, port } = attempt.upstream;
  return `${host}${ip && ip !== host ? ` [${ip}]` : ''}:${port}`;
}

/** "in 4 min", "now", "4 min ago" — the next attempt relative to now. */
/** When a next attempt comes: a time already past (or within 5 s) is due now, never "… ago". */
export function nextAttemptTime(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  return at - now >= 5000 ? relativeTime(iso, now) : 'due now';
}

export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (Math.abs(seconds) < 5) return 'now';
  const abs = Math.abs(seconds);
  const text =
    abs < 60
      ? `${abs} s`
      : abs < 3600
        ? `${Math.round(abs / 60)} min`
        : abs < 86_400
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86_400)} days`;
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

/** "TLS 1.3, TLS_AES_256_GCM_SHA384", worded as the Route view words a hop's TLS; "none" without. */
export function attemptTls(attempt: DeliveryAttemptView): string {
  if (attempt.notSent) return '—';
  return attempt.tls ? `${tlsVersionName(attempt.tls.version)}, ${attempt.tls.cipher}` : 'none';
}

/**
 * The Resend box's label: what an empty box resends to. Resend goes to the recipients that
 * bounced, expired or were cancelled when there are any (main/core/queue/resend.ts), so on a
 * partly delivered message "the same recipients" read as sending everyone a second copy.
 */
export function resendToLabel(recipients: ReadonlyArray<{ state: RecipientState }>): string {
  const failed = recipients.filter((r) => ['bounced', 'expired', 'cancelled'].includes(r.state));
  if (failed.length === 0 || failed.length === recipients.length) {
    return 'Resend to (empty: the same recipients)';
  }
  const which = failed.length === 1 ? 'the recipient' : `the ${failed.length} recipients`;
  return `Resend to (empty: only ${which} it failed for)`;
}
