// The one place that decides what an SMTP outcome means for a recipient (ZoneMTA keeps this in
// its own table-driven modules too). The basic reply class decides temporary vs permanent
// (RFC 5321 §4.2.1); a few rows above it catch the failures that are about the upstream as a
// whole — credentials, TLS, a host that is not there — so the queue pauses that upstream and tells
// the user instead of bouncing every recipient one by one.

export interface SmtpReply {
  /** The three-digit reply code; null when there was no reply (network or local failure). */
  code: number | null;
  /** RFC 3463 enhanced status code (`5.1.1`), when the reply carried one. */
  enhanced: string | null;
  /** The reply text without codes; several lines are joined with `\n`. */
  text: string;
}

/** Where in the session the outcome happened; the same reply means different things per stage. */
export type SmtpStage =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'tls'
  | 'starttls'
  | 'certificate'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data';

export type SmtpOutcome = 'relayed' | 'deferred' | 'bounced' | 'pause-upstream';

export interface OutcomeInput {
  stage: SmtpStage;
  reply?: SmtpReply | null;
  /** An errno-style code (`ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`, `ERR_TLS_…`) when no reply explains it. */
  errorCode?: string | null;
  /** Extra words for the reason, e.g. the host:port or the underlying error message. */
  detail?: string | null;
}

export interface Classification {
  outcome: SmtpOutcome;
  reason: string;
  /** A pause because the upstream could not be reached at all, which ends by itself (see Row). */
  unreachable?: true;
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** Parses one (possibly multi-line) reply as received: `250-first\n250 2.0.0 last`. */
export function parseSmtpReply(raw: string): SmtpReply {
  const lines = raw.split(/\r?\n/).filter((line) => line.length > 0);
  const first = /^(\d{3})(?:[ -]|$)/.exec(lines[0] ?? '');
  if (!first?.[1]) return { code: null, enhanced: null, text: raw.trim() };
  let enhanced: string | null = null;
  const texts = lines.map((line, index) => {
    let text = line.replace(/^\d{3}(?:[ -]|$)/, '');
    const match = ENHANCED.exec(text);
    if (match) {
      if (index === 0) enhanced = match[0];
      text = text.slice(match[0].length).trimStart();
    }
    return text;
  });
  return { code: Number(first[1]), enhanced, text: texts.join('\n') };
}

export function formatSmtpReply(reply: SmtpReply): string {
  return [reply.code, reply.enhanced, reply.text]
    .filter((part) => part !== null && part !== '')
    .join(' ');
}

/**
 * The id the upstream gave the message, read from its final reply to DATA, so the user can look it
 * up in the provider's logs. Known forms, first match wins.
 */
const QUEUE_ID_PATTERNS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  // Postfix, SendGrid, ZoneMTA: "250 2.0.0 Ok: queued as 4Bq1Xy0ZkVz9vB3"
  { name: 'queued-as', pattern: /\bqueued as\s+<?([^\s<>]+)>?/i },
  // Exchange / Microsoft 365: "250 2.6.0 <id@host> [InternalId=…] Queued mail for delivery",
  // "250 2.0.0 OK <id@….prod.outlook.com> [Hostname=…]": the message id is what message trace finds
  { name: 'exchange', pattern: /^(?:OK\s+)?(<[^\s<>]+@[^\s<>]+>)\s*\[(?:InternalId|Hostname)=/i },
  // Amazon SES: "250 Ok 0100018b5c3c0a4f-6d1f1b1c-…-000000"
  { name: 'ses', pattern: /^Ok\s+([0-9a-f]{16}(?:-[0-9a-f]+)+)\s*$/i },
  // Gmail: "250 2.0.0 OK  1700000000 d75a77b69052e-4a8e8c1d0c9si123456qtb.123 - gsmtp"
  { name: 'gmail', pattern: /^OK\s+\d+\s+(\S+)\s+-\s+gsmtp\b/i },
  // Exim: "250 OK id=1ssaBh-0002vO-1t"
  { name: 'exim', pattern: /\bid=([A-Za-z0-9-]+)/ },
  // Haraka: "250 Message Queued (7B1F2D0C-…)"
  { name: 'haraka', pattern: /\bqueued\s+\(([^\s()]+)\)/i },
  // sendmail: "250 2.0.0 x8T1ab12345678 Message accepted for delivery"
  { name: 'sendmail', pattern: /^(\S+)\s+Message accepted for delivery/i },
];

export function parseUpstreamQueueId(reply: SmtpReply | string): string | null {
  const parsed = typeof reply === 'string' ? parseSmtpReply(reply) : reply;
  if (parsed.code === null || parsed.code < 200 || parsed.code >= 300) return null;
  for (const { pattern } of QUEUE_ID_PATTERNS) {
    const match = pattern.exec(parsed.text);
    if (match?.[1]) return match[1];
  }
  return null;
}

const DNS_MISSING = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_FAIL']);
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN', // a resolver that cannot answer right now (often: offline), not a missing name
  'ESOCKET',
  'ECONNECTION',
  'EPROTOCOL',
  'EABORT',
]);

function isTlsError(code: string | null | undefined): boolean {
  if (!code) return false;
  return (
    code === 'ETLS' ||
    code === 'ECERT' ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('CERT_') ||
    /SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code)
  );
}

const codeClass = (input: OutcomeInput): number | null =>
  input.reply?.code != null ? Math.floor(input.reply.code / 100) : null;

const shown = (input: OutcomeInput): string =>
  input.reply && input.reply.code !== null
    ? formatSmtpReply(input.reply)
    : (input.errorCode ?? 'no reply');

const withDetail = (text: string, input: OutcomeInput): string =>
  input.detail ? `${text} (${input.detail})` : text;

const STAGE_WORDS: Record<SmtpStage, string> = {
  connect: 'connecting',
  greeting: 'the greeting',
  ehlo: 'EHLO',
  tls: 'the TLS handshake',
  starttls: 'STARTTLS',
  certificate: 'the certificate check',
  auth: 'AUTH',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'DATA',
};

/**
 * Greylisting (RFC 6647): a 4xx that asks the sender to come back after a wait the receiver sets
 * (Postgrey's `450 4.2.0 … Greylisted, see http://postgrey…`, milter-greylist's `451 4.7.1
 * Greylisting in action`). Told by its words: the codes are those of any temporary failure.
 */
const GREYLIST_TEXT = /\bgr[ae]y-?list/i;
/**
 * rspamd's greylisting says only `451 4.7.1 Try again later` (its module's default message,
 * through the milter into Postfix or Exim: mailcow and most rspamd set-ups). Only that whole
 * reply: other "try again later" texts (a busy server, a throttle) are no greylisting.
 */
const RSPAMD_SOFT_REJECT = /^try again later\.?$/i;

/** Whether the reply is a greylisting deferral: one sent again before its wait is greylisted again. */
export function isGreylisting(reply: SmtpReply | null | undefined): boolean {
  if (reply?.code == null || Math.floor(reply.code / 100) !== 4) return false;
  if (GREYLIST_TEXT.test(reply.text)) return true;
  return (
    reply.code === 451 &&
    (reply.enhanced === null || reply.enhanced === '4.7.1') &&
    RSPAMD_SOFT_REJECT.test(reply.text.trim())
  );
}

/** Signs that a refusal is about our login or TLS setup, whatever the stage it shows up in. */
const AUTH_SETUP_TEXT =
  /authentication required|must issue a STARTTLS|SmtpClientAuthentication is disabled|not authenticated/i;
const AUTH_SETUP_ENHANCED = new Set(['5.7.57', '5.7.139', '5.7.30']);

interface Row {
  /** Why the row exists; shows up in the table test. */
  name: string;
  when: (input: OutcomeInput) => boolean;
  outcome: SmtpOutcome;
  reason: (input: OutcomeInput) => string;
  /**
   * Nothing answered (no DNS record, connection refused): a host restarting or a network that went
   * away comes back without anyone changing a setting, so the paused queue keeps trying on the
   * retry schedule, as Postfix does. A rejected login or a bad certificate needs a person; tried
   * again by itself, it would only add failed logins (which lock some accounts).
   */
  unreachable?: true;
}

/** First matching row wins; the order is the policy. */
export const classificationTable: readonly Row[] = [
  {
    name: 'upstream host has no DNS record',
    when: (i) => !i.reply?.code && DNS_MISSING.has(i.errorCode ?? ''),
    outcome: 'pause-upstream',
    reason: (i) => withDetail(`DNS lookup of the upstream host failed (${i.errorCode})`, i),
    unreachable: true,
  },
  {
    name: 'connection refused',
    when: (i) => !i.reply?.code && i.errorCode === 'ECONNREFUSED',
    outcome: 'pause-upstream',
    reason: (i) => withDetail('connection refused: nothing listens on the upstream port', i),
    unreachable: true,
  },
  {
    name: 'TLS handshake or certificate failure',
    when: (i) =>
      !i.reply?.code &&
      (i.stage === 'tls' ||
        i.stage === 'certificate' ||
        i.stage === 'starttls' ||
        isTlsError(i.errorCode)) &&
      i.errorCode !== 'ETIMEDOUT' &&
      i.errorCode !== 'ECONNRESET',
    outcome: 'pause-upstream',
    reason: (i) => withDetail(`TLS with the upstream failed (${i.errorCode ?? 'handshake'})`, i),
  },
  {
    name: 'temporary AUTH failure (454 4.7.0)',
    when: (i) => i.stage === 'auth' && codeClass(i) === 4,
    outcome: 'deferred',
    reason: (i) => `temporary authentication failure: ${shown(i)}`,
  },
  {
    name: 'AUTH rejected or impossible',
    when: (i) =>
      i.stage === 'auth' &&
      (codeClass(i) === 5 || (!i.reply?.code && !TRANSIENT_NETWORK.has(i.errorCode ?? ''))),
    outcome: 'pause-upstream',
    reason: (i) => withDetail(`authentication rejected by the upstream: ${shown(i)}`, i),
  },
  {
    name: 'authentication or TLS required (530, 5.7.57, 5.7.139)',
    when: (i) =>
      codeClass(i) === 5 &&
      (i.reply?.code === 530 ||
        AUTH_SETUP_ENHANCED.has(i.reply?.enhanced ?? '') ||
        AUTH_SETUP_TEXT.test(i.reply?.text ?? '')),
    outcome: 'pause-upstream',
    reason: (i) => `the upstream requires authentication or TLS first: ${shown(i)}`,
  },
  {
    name: 'session refused before any transaction (greeting/EHLO/STARTTLS 5xx)',
    when: (i) =>
      (i.stage === 'greeting' || i.stage === 'ehlo' || i.stage === 'starttls') &&
      codeClass(i) === 5,
    outcome: 'pause-upstream',
    reason: (i) => `the upstream refused the session at ${STAGE_WORDS[i.stage]}: ${shown(i)}`,
  },
  {
    // RFC 5321 §4.5.3.1.10: "552 too many recipients" at RCPT must be treated as temporary.
    name: '552 at RCPT is temporary',
    when: (i) => i.stage === 'rcpt' && i.reply?.code === 552,
    outcome: 'deferred',
    reason: (i) => `the upstream took no more recipients in this transaction: ${shown(i)}`,
  },
  {
    name: 'network error',
    when: (i) => !i.reply?.code && TRANSIENT_NETWORK.has(i.errorCode ?? ''),
    outcome: 'deferred',
    reason: (i) => withDetail(`network error during ${STAGE_WORDS[i.stage]} (${i.errorCode})`, i),
  },
  {
    name: '2xx',
    when: (i) => codeClass(i) === 2,
    outcome: 'relayed',
    reason: (i) => `accepted by the upstream: ${shown(i)}`,
  },
  {
    name: 'greylisting (a 4xx to RCPT or DATA asking to come back later)',
    when: (i) => (i.stage === 'rcpt' || i.stage === 'data') && isGreylisting(i.reply),
    outcome: 'deferred',
    reason: (i) =>
      `greylisted at ${STAGE_WORDS[i.stage]} (tried again at its retry time, not sooner): ${shown(i)}`,
  },
  {
    name: '4xx',
    when: (i) => codeClass(i) === 4,
    outcome: 'deferred',
    reason: (i) => `temporary failure at ${STAGE_WORDS[i.stage]}: ${shown(i)}`,
  },
  {
    name: '5xx',
    when: (i) => codeClass(i) === 5,
    outcome: 'bounced',
    reason: (i) => `rejected by the upstream at ${STAGE_WORDS[i.stage]}: ${shown(i)}`,
  },
  {
    name: 'anything else',
    when: () => true,
    outcome: 'deferred',
    reason: (i) => withDetail(`unexpected outcome at ${STAGE_WORDS[i.stage]}: ${shown(i)}`, i),
  },
];

export function classifySmtpOutcome(input: OutcomeInput): Classification {
  // The last row matches everything, so a row is always found.
  const row = classificationTable.find((candidate) => candidate.when(input)) as Row;
  return {
    outcome: row.outcome,
    reason: row.reason(input),
    ...(row.unreachable ? { unreachable: row.unreachable } : {}),
  };
}

/**
 * An RFC 3463 code for outcomes that had no SMTP reply, so every attempt can be logged with a
 * `dsn=` as Postfix does (`dsn=4.4.1 … Connection refused`).
 */
export function localEnhancedCode(outcome: SmtpOutcome, stage: SmtpStage): string {
  const klass = outcome === 'bounced' ? '5' : '4';
  if (stage === 'connect' || stage === 'greeting') return `${klass}.4.1`;
  if (stage === 'tls' || stage === 'starttls' || stage === 'certificate' || stage === 'auth') {
    return `${klass}.7.0`;
  }
  return `${klass}.4.2`;
}
