// The SMTP sessions page's logic: the list as events change it, what a row says of a session's
// outcome, and the filter.
import { enhancedStatusMeaning, type SmtpSessionLine, type SmtpSessionView } from '../api/contract';

/** A session that began or ended: it replaces its row, or comes first. Newest first, bounded. */
export function withSession(
  list: SmtpSessionView[],
  session: SmtpSessionView,
  keep: number,
): SmtpSessionView[] {
  const at = list.findIndex((s) => s.id === session.id);
  if (at >= 0) return list.map((s, i) => (i === at ? session : s));
  return [session, ...list].slice(0, keep);
}

/** The row's last column: open, what was stored, or why nothing was. */
export function sessionOutcome(session: SmtpSessionView): string {
  const stored = session.messages.length;
  const refused =
    session.refusals === 0
      ? ''
      : `${session.refusals} ${session.refusals === 1 ? 'refusal' : 'refusals'}`;
  if (stored > 0) {
    const words = `${stored} ${stored === 1 ? 'message' : 'messages'} stored`;
    return refused ? `${words}, ${refused}` : words;
  }
  // a client that hung up in the message data was refused nothing: its ending is the news
  if (session.ending && /message data/.test(session.ending)) return session.ending;
  // a failed TLS handshake or a reset has no reply to show: the error is the news
  // (the client is the row's own column)
  if (session.error) return session.error.replace(` with ${session.client} `, ' ');
  if (session.lastRefusal) return session.lastRefusal;
  return session.endedAt === null ? 'open' : 'no message';
}

/** What a row is marked as: refused (a 4xx/5xx or an error, nothing stored), open, or fine. */
export function sessionTone(session: SmtpSessionView): 'refused' | 'open' | 'ok' {
  if (
    session.messages.length === 0 &&
    (session.refusals > 0 || session.error !== null || /message data/.test(session.ending ?? ''))
  )
    return 'refused';
  return session.endedAt === null ? 'open' : 'ok';
}

export interface SessionFilter {
  text: string;
  /** Only sessions with at least one 4xx or 5xx reply, or an error. */
  refusedOnly: boolean;
}

export function filterSessions(list: SmtpSessionView[], filter: SessionFilter): SmtpSessionView[] {
  const words = filter.text.trim().toLowerCase();
  return list.filter((s) => {
    if (filter.refusedOnly && s.refusals === 0 && s.error === null) return false;
    if (!words) return true;
    return [
      s.client,
      s.clientHostname ?? '',
      s.helo,
      s.user ?? '',
      s.lastRefusal ?? '',
      s.error ?? '',
      s.id,
    ]
      .join(' ')
      .toLowerCase()
      .includes(words);
  });
}

/** A reply's enhanced status code in words (`5.7.8` → "…"), for a 4xx or 5xx line; else ''. */
export function replyMeaning(line: SmtpSessionLine): string {
  if (line.from !== 'server') return '';
  const match = /^([45])\d\d[ -]([245]\.\d{1,3}\.\d{1,3}) /.exec(line.text);
  return match?.[2] ? enhancedStatusMeaning(match[2]) : '';
}

/** `+1.250 s` from the session's start, so a slow step shows. */
export function lineTime(ms: number): string {
  return ms < 1000 ? `+${ms} ms` : `+${(ms / 1000).toFixed(3)} s`;
}

/**
 * The conversation as plain text, as it would be pasted into a bug report: one line per line,
 * its time from the connect, who spoke (C: the client, S: Relaydesk, — a note).
 */
export function transcriptText(lines: readonly SmtpSessionLine[]): string {
  const sides = { client: 'C:', server: 'S:', note: '--' } as const;
  return lines
    .map((line) => `${lineTime(line.ms).padStart(10)} ${sides[line.from]} ${line.text}`)
    .join('\n');
}
