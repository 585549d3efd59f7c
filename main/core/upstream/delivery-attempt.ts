// ONE SMTP transaction with the upstream for one message, and a record per recipient of what
// happened. The queue decides what to do next (retry schedule, pause); this module only talks.
//
import { adviseOnSessionError } from './advice.js';
import type { ConnectionPool } from './connection-pool.js';
import { LoginHeldBack, type LoginGate } from './login-gate.js';
import {
  resultFrom,
  type DeliveryAttempt,
  type DeliveryEnvelope,
  type MessageSource,
  type RecipientResult,
} from './delivery-record.js';
import { runTransaction, type TransactionOutcome } from './envelope-transaction.js';
import { classifySmtpOutcome, type Classification } from './smtp-reply.js';
import { TranscriptRecorder } from './transcript.js';
import {
  authenticate,
  endSession,
  openSession,
  UpstreamSessionError,
  type SessionTimeouts,
  type UpstreamSession,
} from './upstream-session.js';
import type { UpstreamEndpoint, UpstreamSettings } from './upstream-settings.js';

// The queue and the tests import the records from here.
export type {
  DeliveryAttempt,
  DeliveryEnvelope,
  MessageSource,
  RecipientOutcome,
  RecipientResult,
  UpstreamWideFailure,
} from './delivery-record.js';

export interface DeliveryOptions {
  signal?: AbortSignal;
  now?: () => Date;
  timeouts?: Partial<SessionTimeouts>;
  /**
   * Reuse open, authenticated sessions from this pool and give them back after the
   * transaction, instead of connecting and QUITting every time.
   */
  pool?: ConnectionPool;
  /** Logins one at a time per credentials, none after a refusal until the queue resumes. */
  logins?: LoginGate;
}

/** Whether the next upstream should be tried: this one could not even be talked to. */
function isUnreachable(err: UpstreamSessionError): boolean {
  if (err.code === 'EABORT') return false;
  if (err.step === 'connect') return true;
  return err.step === 'greeting' && (err.reply === null || err.reply.code === 421);
}

async function openAuthenticated(
  endpoint: UpstreamEndpoint,
  transcript: TranscriptRecorder,
  options: DeliveryOptions,
): Promise<UpstreamSession> {
  const session = await openSession(endpoint, {
    transcript,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  try {
    const login = () => authenticate(session, transcript);
    if (options.logins && endpoint.auth) {
      await options.logins.login(endpoint, login, options.signal);
    } else await login();
  } catch (err) {
    if (err instanceof LoginHeldBack) transcript.note(err.message);
    // a failed login closes its connection; one held back (or cancelled) before AUTH says QUIT
    await endSession(session);
    // a login refused after STARTTLS was still sent encrypted: the attempt must say so, or a
    // refused password reads as one sent in the clear
    if (err instanceof UpstreamSessionError) {
      err.tls ??= session.tls;
      err.certificate ??= session.certificate;
    }
    throw err;
  }
  return session;
}

export async function deliverToUpstream(
  settings: UpstreamSettings,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  options: DeliveryOptions = {},
): Promise<DeliveryAttempt> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const transcript = new TranscriptRecorder();
  const first = await attemptOnce(settings, envelope, message, options, transcript, startedAt);
  if (!first.goneUnchecked || options.signal?.aborted) return first.attempt;
  // a session taken without RSET (see ConnectionPool's freshMs) was gone before MAIL FROM was
  // answered: the upstream has nothing of the message; again at once, on a checked session
  transcript.note('the reused connection was gone before MAIL FROM was answered; sending again');
  return (await attemptOnce(settings, envelope, message, options, transcript, startedAt, true))
    .attempt;
}

async function attemptOnce(
  settings: UpstreamSettings,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  options: DeliveryOptions,
  transcript: TranscriptRecorder,
  startedAt: Date,
  alwaysCheck = false,
): Promise<{ attempt: DeliveryAttempt; goneUnchecked: boolean }> {
  const now = options.now ?? (() => new Date());
  const endpoints: UpstreamEndpoint[] = settings.fallback
    ? [settings, settings.fallback]
    : [settings];
  const unreachable: DeliveryAttempt['unreachable'] = [];

  let endpoint = endpoints[0] as UpstreamEndpoint;
  let session: UpstreamSession | null = null;
  let checked = true;
  let failure: UpstreamSessionError | null = null;
  const { pool } = options;
  for (const [index, candidate] of endpoints.entries()) {
    endpoint = candidate;
    try {
      const open = () => openAuthenticated(candidate, transcript, options);
      if (pool) {
        const lease = await pool.acquire(candidate, transcript, open, options.signal, alwaysCheck);
        ({ session, checked } = lease);
      } else session = await open();
      failure = null;
      break;
    } catch (err) {
      if (!(err instanceof UpstreamSessionError)) throw err;
      failure = err;
      if (isUnreachable(err) && index < endpoints.length - 1) {
        const { detail } = adviseOnSessionError(err, candidate);
        unreachable.push({ host: candidate.host, port: candidate.port, reason: detail });
        transcript.note(`${detail}; trying the fallback upstream`);
        continue;
      }
      break;
    }
  }

  const record = (
    recipients: RecipientResult[],
    pauseUpstream: DeliveryAttempt['pauseUpstream'],
    upstreamQueueId: string | null,
    upstreamWide: DeliveryAttempt['upstreamWide'] | null,
  ): DeliveryAttempt => ({
    startedAt,
    endedAt: now(),
    upstream: {
      host: endpoint.host,
      ip: session?.ip ?? transcript.remoteAddress,
      port: endpoint.port,
    },
    tls: session?.tls ?? failure?.tls ?? null,
    authMechanism: session?.authMechanism ?? null,
    recipients,
    pauseUpstream,
    upstreamQueueId,
    transcript: transcript.toString(),
    unreachable,
    ...(upstreamWide ? { upstreamWide } : {}),
  });

  if (!session || failure) {
    const err = failure as UpstreamSessionError;
    const advice = adviseOnSessionError(err, endpoint);
    const c = classifySmtpOutcome({
      stage: err.step,
      reply: err.reply,
      errorCode: err.code,
      detail: err.reply ? null : advice.detail,
    });
    // Nothing was said about any recipient: a session-level refusal never bounces them. The
    // table decides pause or not; the advice has the plainer words (same as the connection test).
    const pause = c.outcome === 'pause-upstream' || c.outcome === 'bounced';
    const deferred: Classification = { outcome: 'deferred', reason: advice.detail };
    const attempt = record(
      envelope.rcptTo.map((address) => resultFrom(address, err.step, deferred, err.reply)),
      pause ? pausing(advice, c) : null,
      null,
      // no session at all: nothing was said about any recipient
      'session',
    );
    if (err.step === 'connect') attempt.notConnected = { address: err.address, code: err.code };
    return { attempt, goneUnchecked: false };
  }

  let outcome: TransactionOutcome | null = null;
  const { signal } = options;
  const onAbort = () => session.connection.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const firstExchange = transcript.exchanges.length;
  try {
    outcome = await runTransaction(session, envelope, message, transcript, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // QUIT (or hand back) before the record is made, so the transcript ends with it
    if (pool) {
      const reusable =
        outcome !== null &&
        outcome.sessionIntact &&
        outcome.pauseUpstream === null &&
        !signal?.aborted &&
        !session.connection.destroyed &&
        // RFC 5321 §4.2: 421 means the server is closing the channel, whatever else it says
        !transcript.exchanges.slice(firstExchange).some((e) => /^421\b/.test(e.reply));
      // a session kept stops logging into this transcript before another attempt can take it
      await pool.release(session, reusable, transcript, reusable && outcome?.clean === true);
    } else await endSession(session);
  }
  return {
    attempt: record(
      outcome.recipients,
      outcome.pauseUpstream,
      outcome.upstreamQueueId,
      outcome.upstreamWide,
    ),
    goneUnchecked: !checked && outcome.goneBeforeMail,
  };
}

/** Why the queue pauses; a pause because nothing answered also says it ends by itself. */
function pausing(
  advice: { detail: string; fix: string },
  c: Classification,
): NonNullable<DeliveryAttempt['pauseUpstream']> {
  if (!c.unreachable) return { reason: advice.detail, fix: advice.fix };
  return {
    reason: advice.detail,
    fix: `${advice.fix}; meanwhile Relaydesk tries it again every few minutes (1, 2, then every 5; within a minute for new mail) and sends what waits when it answers`,
    unreachable: true,
  };
}
