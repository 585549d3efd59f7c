// Opens one SMTP session to one upstream endpoint with nodemailer's SMTPConnection: connect,
// greeting, EHLO, STARTTLS or implicit TLS, certificate check (AUTH follows, in smtp-auth.ts).
// Shared by the delivery attempt and the connection test so both see the same steps and the
// same failures.
import { TLSSocket } from 'node:tls';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { onFirstUse } from '../load/first-use.js';
import {
  checkPeerCertificate,
  tlsOptionsFor,
  type CertificateReport,
} from './certificate-check.js';
import { capabilitiesOf } from './ehlo-capabilities.js';
import { toSessionError, UpstreamSessionError, type NodemailerLikeError } from './session-error.js';
import type { TranscriptLogger, TranscriptRecorder } from './transcript.js';
import { stripBrackets, type UpstreamEndpoint } from './upstream-settings.js';

// The steps after the connection live in their own modules; these stay importable from here.
export { authMechanismsOffered, offers } from './ehlo-capabilities.js';
export { authenticate, chooseMechanism, registerSecrets } from './smtp-auth.js';
export {
  UpstreamSessionError,
  type NodemailerLikeError,
  type SessionStep,
} from './session-error.js';

// nodemailer's SMTP client: loaded when the first message is relayed (capture never needs it)
const smtpConnectionModule = onFirstUse(
  "nodemailer's SMTP client",
  () => import('nodemailer/lib/smtp-connection'),
);

export interface SessionTimeouts {
  connectMs: number;
  greetingMs: number;
  /** Inactivity limit once connected (a stalled upstream during DATA). */
  socketMs: number;
}

export const defaultTimeouts: SessionTimeouts = {
  connectMs: 30_000,
  greetingMs: 30_000,
  socketMs: 300_000,
};

export interface UpstreamSession {
  readonly connection: SMTPConnection;
  readonly endpoint: UpstreamEndpoint;
  readonly ip: string | null;
  readonly tls: { version: string; cipher: string } | null;
  readonly certificate: CertificateReport | null;
  /** EHLO keywords as the (final, post-TLS) EHLO reply lists them: `SIZE 10240000`, `AUTH PLAIN LOGIN`. */
  readonly capabilities: readonly string[];
  authMechanism: string | null;
  /** The error that broke the connection after it was opened, if any. */
  readonly lastError: () => NodemailerLikeError | null;
  /**
   * Sends the connection's log to another attempt's transcript from now on (a pooled connection
   * serves many attempts, each with a transcript of its own); `null` drops it (idle in a pool).
   */
  readonly useTranscript: (transcript: TranscriptRecorder | null) => void;
}

export interface OpenSessionOptions {
  transcript: TranscriptRecorder;
  signal?: AbortSignal;
  timeouts?: Partial<SessionTimeouts>;
}

/**
 * nodemailer takes its logger once, when the connection is made; this one forwards to whichever
 * transcript is current, so a reused connection logs into the attempt that uses it.
 */
function switchableLogger(initial: TranscriptRecorder): {
  logger: TranscriptLogger;
  use(transcript: TranscriptRecorder | null): void;
} {
  let target: TranscriptLogger | null = initial.logger;
  const forward =
    (level: keyof TranscriptLogger): TranscriptLogger[typeof level] =>
    (...args) => {
      target?.[level](...args);
    };
  return {
    logger: {
      trace: forward('trace'),
      debug: forward('debug'),
      info: forward('info'),
      warn: forward('warn'),
      error: forward('error'),
      fatal: forward('fatal'),
    },
    use(transcript) {
      target = transcript?.logger ?? null;
    },
  };
}

export async function openSession(
  endpoint: UpstreamEndpoint,
  options: OpenSessionOptions,
): Promise<UpstreamSession> {
  const { transcript, signal } = options;
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  if (signal?.aborted)
    throw new UpstreamSessionError('connect', 'EABORT', null, 'attempt cancelled');

  const { default: SMTPConnection } = await smtpConnectionModule();
  const log = switchableLogger(transcript);
  const connection = new SMTPConnection({
    host: stripBrackets(endpoint.host),
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    // `starttls` means required: never fall back to plaintext (Postfix `encrypt`)
    requireTLS: endpoint.security === 'starttls',
    ignoreTLS: endpoint.security === 'none',
    ...(endpoint.heloName ? { name: endpoint.heloName } : {}),
    tls: tlsOptionsFor(endpoint),
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    logger: log.logger,
    transactionLog: true,
  });

  let lastError: NodemailerLikeError | null = null;
  // Always listening: an 'error' event without a listener would crash the process.
  connection.on('error', (err: NodemailerLikeError) => {
    lastError = err;
  });
  const onAbort = () => connection.close();
  signal?.addEventListener('abort', onAbort, { once: true });

  transcript.note(`connecting to ${endpoint.host}:${endpoint.port} (${endpoint.security})`);
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        connection.off('error', fail);
        connection.off('end', closed);
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      const closed = () => fail(lastError ?? new Error('connection closed'));
      connection.on('error', fail);
      connection.on('end', closed);
      connection.connect((err) => {
        if (err) return fail(err);
        connection.off('error', fail);
        connection.off('end', closed);
        resolve();
      });
    });
  } catch (err) {
    signal?.removeEventListener('abort', onAbort);
    connection.close();
    if (signal?.aborted) {
      throw new UpstreamSessionError('connect', 'EABORT', null, 'attempt cancelled');
    }
    throw toSessionError(
      err as NodemailerLikeError,
      endpoint,
      transcript,
      connection.stage === 'connected',
    );
  }

  const socket = connection._socket;
  const ip = transcript.remoteAddress ?? (socket ? (socket.remoteAddress ?? null) : null);
  let tlsInfo: UpstreamSession['tls'] = null;
  let certificate: CertificateReport | null = null;
  if (socket instanceof TLSSocket) {
    tlsInfo = { version: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher().name };
    transcript.note(`TLS ${tlsInfo.version} ${tlsInfo.cipher}`);
    const verdict = checkPeerCertificate(socket, endpoint);
    certificate = verdict.report;
    transcript.note(`certificate ${verdict.report.subject}: ${verdict.report.verification}`);
    if (verdict.problem) {
      connection.close();
      signal?.removeEventListener('abort', onAbort);
      const error = new UpstreamSessionError(
        'certificate',
        verdict.problem.code,
        null,
        verdict.problem.detail,
        verdict.problem.fix,
      );
      error.tls = tlsInfo;
      error.certificate = certificate;
      throw error;
    }
  }

  const capabilities = capabilitiesOf(transcript.lastReplyTo(/^(EHLO|HELO)\b/i));
  const session: UpstreamSession = {
    connection,
    endpoint,
    ip,
    tls: tlsInfo,
    certificate,
    capabilities,
    authMechanism: null,
    lastError: () => lastError,
    useTranscript: log.use,
  };
  signal?.removeEventListener('abort', onAbort);
  return session;
}

/** QUIT politely and wait for the socket to go, so no handle outlives the attempt. */
export async function endSession(session: UpstreamSession, graceMs = 2_000): Promise<void> {
  const { connection } = session;
  if (connection.destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      connection.close();
      resolve();
    }, graceMs);
    connection.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      connection.quit();
    } catch {
      connection.close();
    }
  });
}
