// How a failed session is reported: the step it failed at, an errno-style code and the reply.
// The connection test and the delivery attempt both explain failures from these, so the step is
// worked out once, here, from what the transcript shows was reached.
import type { CertificateReport } from './certificate-check.js';
import { capabilitiesOf, offers } from './ehlo-capabilities.js';
import { formatSmtpReply, parseSmtpReply, type SmtpReply } from './smtp-reply.js';
import type { TranscriptRecorder } from './transcript.js';
import type { UpstreamEndpoint } from './upstream-settings.js';

export type SessionStep =
  'connect' | 'greeting' | 'ehlo' | 'starttls' | 'tls' | 'certificate' | 'auth';

export class UpstreamSessionError extends Error {
  constructor(
    readonly step: SessionStep,
    /** errno-style: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, ERR_SSL_…, ECERTPIN, ENOAUTH, EAUTH… */
    readonly code: string,
    readonly reply: SmtpReply | null,
    message: string,
    readonly fix: string | null = null,
  ) {
    super(message);
    this.name = 'UpstreamSessionError';
  }

  /** The address a failed connect tried (Node's error names it), when the step is `connect`. */
  address: string | null = null;
  /** Set when the TLS handshake completed before the failure (e.g. a refused certificate). */
  tls: { version: string; cipher: string } | null = null;
  certificate: CertificateReport | null = null;
}

export interface NodemailerLikeError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
}

const looksLikeTls = (code: string, message: string): boolean =>
  /^ERR_SSL|^ERR_TLS|EPROTO/.test(code) || /SSL|TLS|wrong version|packet length/i.test(message);

/** Which step a nodemailer error belongs to, from what the transcript shows was reached. */
export function toSessionError(
  err: NodemailerLikeError,
  endpoint: UpstreamEndpoint,
  transcript: TranscriptRecorder,
  connected: boolean,
): UpstreamSessionError {
  const code = err.originalCode ?? err.code ?? 'ECONNECTION';
  const reply = err.response ? parseSmtpReply(err.response) : null;
  const where = `${endpoint.host}:${endpoint.port}`;
  if (err.code === 'ETIMEDOUT') {
    const step: SessionStep =
      err.timeoutType === 'GREETING_TIMEOUT'
        ? 'greeting'
        : err.timeoutType === 'UPGRADE_TIMEOUT'
          ? 'starttls'
          : connected
            ? transcript.greeting
              ? 'ehlo'
              : 'greeting'
            : 'connect';
    return new UpstreamSessionError(
      step,
      'ETIMEDOUT',
      reply,
      `no answer from ${where} (${err.message})`,
    );
  }
  if (err.code === 'EDNS') {
    return new UpstreamSessionError(
      'connect',
      code,
      null,
      `DNS lookup of ${endpoint.host} failed (${code})`,
    );
  }
  if (!connected) {
    // implicit TLS: the handshake is part of connecting
    if (endpoint.security === 'tls' && looksLikeTls(code, err.message)) {
      return new UpstreamSessionError(
        'tls',
        code,
        null,
        `TLS handshake with ${where} failed: ${err.message}`,
      );
    }
    const failed = new UpstreamSessionError(
      'connect',
      code,
      null,
      `cannot connect to ${where}: ${err.message}`,
    );
    failed.address = (err as { address?: unknown }).address?.toString() ?? null;
    return failed;
  }
  const greeting = transcript.greeting;
  if (!greeting) {
    return new UpstreamSessionError(
      'greeting',
      code,
      reply,
      `no valid greeting from ${where}: ${err.message}`,
    );
  }
  // A greeting other than 220 (`421 4.3.2 busy`, `554 no service for you`) is the server turning
  // the connection down before we say anything (RFC 5321 §3.1); nodemailer reports it without a
  // command, which would otherwise read as a refused EHLO.
  if (!greeting.startsWith('220')) {
    return new UpstreamSessionError(
      'greeting',
      code,
      reply,
      `${where} refused the connection at its greeting: ${reply ? formatSmtpReply(reply) : greeting}`,
    );
  }
  if (err.command === 'STARTTLS' || err.code === 'ETLS') {
    // requireTLS sends STARTTLS even when EHLO did not offer it; say so plainly
    const offered = offers(capabilitiesOf(transcript.lastReplyTo(/^EHLO\b/i)), 'STARTTLS');
    return offered
      ? new UpstreamSessionError(
          'starttls',
          code,
          reply,
          `STARTTLS with ${where} failed: ${err.message}`,
        )
      : // The server's 500/502 answers a command it never offered: as the attempt's reply (the
        // relay log, mailq, the Queue view) it read `dsn=5.0.0, status=deferred (500 Error:
        // command not recognized)`. The reply recorded is the reason, with Postfix's 4.7.4
        // ("TLS is required, but was not offered by host"); the 500 stays in the transcript.
        new UpstreamSessionError(
          'starttls',
          'ENOSTARTTLS',
          {
            code: null,
            enhanced: '4.7.4',
            text: `TLS is required (security "starttls"), but ${where} does not offer STARTTLS`,
          },
          `${where} does not offer STARTTLS`,
        );
  }
  if (err.command === 'EHLO' || err.command === 'HELO') {
    return new UpstreamSessionError(
      'ehlo',
      code,
      reply,
      `EHLO refused by ${where}: ${err.message}`,
    );
  }
  return new UpstreamSessionError(
    transcript.lastReplyTo(/^EHLO/i) ? 'auth' : 'ehlo',
    code,
    reply,
    `session with ${where} failed: ${err.message}`,
  );
}
