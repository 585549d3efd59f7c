// Opens one SMTP session to one upstream endpoint with nodemailer's SMTPConnection: connect,
// greeting, EHLO, STARTTLS or implicit TLS, certificate check, AUTH. Shared by the delivery
// attempt and the connection test so both see the same steps and the same failures.
import { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import {
  checkPeerCertificate,
  tlsOptionsFor,
  type CertificateReport,
} from './certificate-check.js';
import { parseSmtpReply, type SmtpReply } from './smtp-reply.js';
import type { TranscriptLogger, TranscriptRecorder } from './transcript.js';
import { stripBrackets, type UpstreamAuth, type UpstreamEndpoint } from './upstream-settings.js';

export type SessionStep =
  'connect' | 'greeting' | 'ehlo' | 'starttls' | 'tls' | 'certificate' | 'auth';

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

  /** Set when the TLS handshake completed before the failure (e.g. a refused certificate). */
  tls: { version: string; cipher: string } | null = null;
  certificate: CertificateReport | null = null;
}

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

export interface NodemailerLikeError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
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

/** Masks the endpoint's password or token (and the AUTH PLAIN/XOAUTH2 strings made of it). */
export function registerSecrets(
  transcript: TranscriptRecorder,
  auth: UpstreamAuth | undefined,
): void {
  if (!auth) return;
  if ('accessToken' in auth) {
    transcript.addSecret(
      auth.accessToken,
      `user=${auth.user}\x01auth=Bearer ${auth.accessToken}\x01\x01`,
    );
  } else {
    transcript.addSecret(auth.password, `\x00${auth.user}\x00${auth.password}`);
  }
}

function capabilitiesOf(ehloReply: string | null): string[] {
  if (!ehloReply) return [];
  return ehloReply
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
    .filter((line) => line.length > 0);
}

export function authMechanismsOffered(capabilities: readonly string[]): string[] {
  const line = capabilities.find((cap) => /^AUTH[ =]/i.test(cap));
  return line
    ? line
        .slice(5)
        .trim()
        .toUpperCase()
        .split(/[\s=]+/)
        .filter(Boolean)
    : [];
}

export function offers(capabilities: readonly string[], keyword: string): boolean {
  return capabilities.some((cap) => cap.toUpperCase().split(/\s+/)[0] === keyword);
}

const looksLikeTls = (code: string, message: string): boolean =>
  /^ERR_SSL|^ERR_TLS|EPROTO/.test(code) || /SSL|TLS|wrong version|packet length/i.test(message);

/** Which step a nodemailer error belongs to, from what the transcript shows was reached. */
function toSessionError(
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
    return new UpstreamSessionError(
      'connect',
      code,
      null,
      `cannot connect to ${where}: ${err.message}`,
    );
  }
  if (!transcript.greeting) {
    return new UpstreamSessionError(
      'greeting',
      code,
      reply,
      `no valid greeting from ${where}: ${err.message}`,
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
      : new UpstreamSessionError(
          'starttls',
          'ENOSTARTTLS',
          reply,
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

export async function openSession(
  endpoint: UpstreamEndpoint,
  options: OpenSessionOptions,
): Promise<UpstreamSession> {
  const { transcript, signal } = options;
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  if (signal?.aborted)
    throw new UpstreamSessionError('connect', 'EABORT', null, 'attempt cancelled');

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

/** The mechanism we will use, or an explanation of why none fits. */
export function chooseMechanism(
  endpoint: UpstreamEndpoint,
  offered: readonly string[],
): { mechanism: string } | { problem: string } {
  const auth = endpoint.auth;
  if (!auth) return { problem: 'no credentials configured' };
  if (offered.length === 0) {
    return { problem: 'the server does not offer AUTH' };
  }
  if (auth.mechanism !== 'auto') {
    return offered.includes(auth.mechanism)
      ? { mechanism: auth.mechanism }
      : { problem: `the server offers AUTH ${offered.join(' ')}, not ${auth.mechanism}` };
  }
  // nodemailer's order of preference; CRAM-MD5 last because it needs the password stored in clear
  const mechanism = ['PLAIN', 'LOGIN', 'CRAM-MD5'].find((m) => offered.includes(m));
  return mechanism
    ? { mechanism }
    : {
        problem: `the server offers AUTH ${offered.join(' ')}, none of which works with a password`,
      };
}

export async function authenticate(
  session: UpstreamSession,
  transcript: TranscriptRecorder,
): Promise<void> {
  const auth = session.endpoint.auth;
  if (!auth) return;
  const choice = chooseMechanism(session.endpoint, authMechanismsOffered(session.capabilities));
  if ('problem' in choice) {
    session.connection.close();
    throw new UpstreamSessionError(
      'auth',
      'ENOAUTH',
      null,
      choice.problem,
      'check the host and port (authenticated submission is usually port 587 or 465), or remove the credentials if this upstream trusts your address',
    );
  }
  registerSecrets(transcript, auth);
  const credentials =
    'accessToken' in auth
      ? {
          user: auth.user,
          method: 'XOAUTH2',
          oauth2: new XOAuth2({ user: auth.user, accessToken: auth.accessToken }),
        }
      : { user: auth.user, pass: auth.password, method: choice.mechanism };
  try {
    await new Promise<void>((resolve, reject) => {
      session.connection.login(credentials, (err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    const e = err as NodemailerLikeError;
    session.connection.close();
    throw new UpstreamSessionError(
      'auth',
      e.code === 'EAUTH' && e.response ? 'EAUTH' : (e.originalCode ?? e.code ?? 'EAUTH'),
      e.response ? parseSmtpReply(e.response) : null,
      `authentication as ${auth.user} with ${choice.mechanism} failed: ${e.response ?? e.message}`,
    );
  }
  session.authMechanism = choice.mechanism;
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
