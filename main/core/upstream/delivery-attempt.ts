// ONE SMTP transaction with the upstream for one message, and a record per recipient of what
// happened. The queue decides what to do next (retry schedule, pause); this module only talks.
//
// The body goes through nodemailer's DataStream, which dot-stuffs and turns every lone CR or LF
// into CRLF. That normalisation is what keeps a message from being split in two by the upstream
// (SMTP smuggling, CVE-2023-51764), so the body is never written to the socket any other way.
import { Readable } from 'node:stream';
import { adviseOnSessionError } from './advice.js';
import type { ConnectionPool } from './connection-pool.js';
import {
  classifySmtpOutcome,
  localEnhancedCode,
  parseSmtpReply,
  parseUpstreamQueueId,
  type Classification,
  type SmtpReply,
  type SmtpStage,
} from './smtp-reply.js';
import { TranscriptRecorder } from './transcript.js';
import {
  authenticate,
  endSession,
  offers,
  openSession,
  UpstreamSessionError,
  type NodemailerLikeError,
  type SessionTimeouts,
  type UpstreamSession,
} from './upstream-session.js';
import type { UpstreamEndpoint, UpstreamSettings } from './upstream-settings.js';

export interface DeliveryEnvelope {
  /** `''` or `'<>'` is the null sender. */
  mailFrom: string;
  rcptTo: string[];
}

/** A factory, not a stream: a fallback upstream needs the body from the start again. */
export type MessageSource = Buffer | (() => NodeJS.ReadableStream);

export type RecipientOutcome = 'relayed' | 'deferred' | 'bounced';

export interface RecipientResult {
  address: string;
  outcome: RecipientOutcome;
  /** The upstream's reply; `code: null` when there was none (network, TLS, local refusal). */
  reply: SmtpReply;
  /** One line for logs and the GUI. */
  reason: string;
}

export interface DeliveryAttempt {
  startedAt: Date;
  endedAt: Date;
  /** The upstream this attempt ended with (the fallback when the primary was unreachable). */
  upstream: { host: string; ip: string | null; port: number };
  tls: { version: string; cipher: string } | null;
  authMechanism: string | null;
  recipients: RecipientResult[];
  /** Set when the failure concerns the upstream as a whole; every recipient is then deferred. */
  pauseUpstream: null | { reason: string; fix: string };
  upstreamQueueId: string | null;
  transcript: string;
  /** Upstreams tried first and found unreachable. */
  unreachable: Array<{ host: string; port: number; reason: string }>;
}

export interface DeliveryOptions {
  signal?: AbortSignal;
  now?: () => Date;
  timeouts?: Partial<SessionTimeouts>;
  /**
   * Reuse open, authenticated sessions from this pool and give them back after the
   * transaction, instead of connecting and QUITting every time.
   */
  pool?: ConnectionPool;
}

const NON_ASCII = /\P{ASCII}/u;
// Forbidden by RFC 5321 §4.1.2 in a Path; nodemailer would refuse the whole envelope for them.
const BAD_ADDRESS = /[\r\n<>\s]/;

function normalizeSender(mailFrom: string): string {
  const trimmed = mailFrom.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

const localReply = (enhanced: string, text: string): SmtpReply => ({ code: null, enhanced, text });

function resultFrom(
  address: string,
  stage: SmtpStage,
  c: Classification,
  reply: SmtpReply | null,
): RecipientResult {
  const outcome: RecipientOutcome = c.outcome === 'pause-upstream' ? 'deferred' : c.outcome;
  return {
    address,
    outcome,
    reply: reply ?? localReply(localEnhancedCode(outcome, stage), c.reason),
    reason: c.reason,
  };
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
  await authenticate(session, transcript);
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
  const endpoints: UpstreamEndpoint[] = settings.fallback
    ? [settings, settings.fallback]
    : [settings];
  const unreachable: DeliveryAttempt['unreachable'] = [];

  let endpoint = endpoints[0] as UpstreamEndpoint;
  let session: UpstreamSession | null = null;
  let failure: UpstreamSessionError | null = null;
  const { pool } = options;
  for (const [index, candidate] of endpoints.entries()) {
    endpoint = candidate;
    try {
      const open = () => openAuthenticated(candidate, transcript, options);
      session = pool
        ? (await pool.acquire(candidate, transcript, open, options.signal)).session
        : await open();
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
  ): DeliveryAttempt => ({
    startedAt,
    endedAt: now(),
    upstream: {
      host: endpoint.host,
      ip: session?.ip ?? transcript.remoteAddress,
      port: endpoint.port,
    },
    tls: session?.tls ?? null,
    authMechanism: session?.authMechanism ?? null,
    recipients,
    pauseUpstream,
    upstreamQueueId,
    transcript: transcript.toString(),
    unreachable,
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
    return record(
      envelope.rcptTo.map((address) => resultFrom(address, err.step, deferred, err.reply)),
      pause ? { reason: advice.detail, fix: advice.fix } : null,
      null,
    );
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
      await pool.release(session, reusable, transcript);
    } else await endSession(session);
  }
  return record(outcome.recipients, outcome.pauseUpstream, outcome.upstreamQueueId);
}

interface TransactionOutcome {
  recipients: RecipientResult[];
  pauseUpstream: DeliveryAttempt['pauseUpstream'];
  upstreamQueueId: string | null;
  /**
   * False when the transaction broke the session itself (timeout, closed connection, protocol
   * error), not just refused the message or some recipients: it must not be reused.
   */
  sessionIntact: boolean;
}

async function runTransaction(
  session: UpstreamSession,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  transcript: TranscriptRecorder,
  signal: AbortSignal | undefined,
): Promise<TransactionOutcome> {
  const sender = normalizeSender(envelope.mailFrom);
  const smtpUtf8 = offers(session.capabilities, 'SMTPUTF8');
  const results = new Array<RecipientResult | undefined>(envelope.rcptTo.length);

  // Refusals we can decide without asking: RFC 6531 §3.2 says an address with non-ASCII
  // characters cannot go to a server without SMTPUTF8; Postfix bounces those with 5.6.7.
  const refuse = (index: number, address: string, enhanced: string, text: string) => {
    results[index] = {
      address,
      outcome: 'bounced',
      reply: localReply(enhanced, text),
      reason: text,
    };
  };
  const senderProblem = BAD_ADDRESS.test(sender)
    ? (['5.1.7', `invalid sender address ${JSON.stringify(sender)}`] as const)
    : NON_ASCII.test(sender) && !smtpUtf8
      ? (['5.6.7', 'the upstream does not offer SMTPUTF8, which the sender address needs'] as const)
      : null;
  const toSend: Array<{ index: number; address: string }> = [];
  envelope.rcptTo.forEach((raw, index) => {
    const address = normalizeSender(raw);
    if (senderProblem) refuse(index, address, senderProblem[0], senderProblem[1]);
    else if (address === '' || BAD_ADDRESS.test(address)) {
      refuse(index, address, '5.1.3', `invalid recipient address ${JSON.stringify(address)}`);
    } else if (NON_ASCII.test(address) && !smtpUtf8) {
      refuse(
        index,
        address,
        '5.6.7',
        'the upstream does not offer SMTPUTF8, which this address needs',
      );
    } else toSend.push({ index, address });
  });
  if (toSend.length === 0) {
    transcript.note('no recipient can be sent to this upstream; no transaction');
    return {
      recipients: results as RecipientResult[],
      pauseUpstream: null,
      upstreamQueueId: null,
      sessionIntact: true,
    };
  }

  const firstExchange = transcript.exchanges.length;
  const body = typeof message === 'function' ? toReadable(message()) : message;
  const sendError = await send(
    session,
    {
      from: sender,
      to: toSend.map((r) => r.address),
      // Harmless for 7-bit content (RFC 6152), and a stream's content is not known in advance.
      use8BitMime: true,
      ...(Buffer.isBuffer(body) ? { size: body.length } : {}),
    },
    body,
    signal,
  );

  const replies = readReplies(transcript, firstExchange);
  const errorCode = sendError
    ? (sendError.originalCode ?? sendError.code ?? 'ECONNECTION')
    : 'ECONNECTION';
  const missing = (stage: SmtpStage) =>
    classifySmtpOutcome({ stage, errorCode, detail: sendError?.message ?? null });

  let pauseUpstream: DeliveryAttempt['pauseUpstream'] = null;
  const decide = (stage: SmtpStage, reply: SmtpReply | null): Classification => {
    const c = reply ? classifySmtpOutcome({ stage, reply }) : missing(stage);
    if (c.outcome === 'pause-upstream' && !pauseUpstream) {
      pauseUpstream = {
        reason: c.reason,
        fix: 'check the upstream settings with the connection test (credentials, TLS, port)',
      };
    }
    return c;
  };

  if (sendError?.code === 'EMESSAGE' && sendError.command === 'MAIL FROM' && !replies.mail) {
    // nodemailer stops before MAIL when the upstream's EHLO SIZE is smaller than the message
    for (const { index, address } of toSend) {
      refuse(
        index,
        address,
        '5.3.4',
        `the message is larger than the upstream accepts (${sendError.message})`,
      );
    }
    return {
      recipients: results as RecipientResult[],
      pauseUpstream: null,
      upstreamQueueId: null,
      sessionIntact: true,
    };
  }

  const mail = replies.mail ? parseSmtpReply(replies.mail) : null;
  const mailOk = mail?.code != null && mail.code >= 200 && mail.code < 300;
  const data = replies.data ? parseSmtpReply(replies.data) : null;
  const dataOk = data?.code != null && data.code >= 200 && data.code < 400;
  const final = replies.final ? parseSmtpReply(replies.final) : null;

  toSend.forEach(({ index, address }, position) => {
    let stage: SmtpStage;
    let reply: SmtpReply | null;
    if (!mailOk) [stage, reply] = ['mail', mail];
    else {
      const rcptRaw = replies.rcpt[position];
      const rcpt = rcptRaw ? parseSmtpReply(rcptRaw) : null;
      const rcptOk = rcpt?.code != null && rcpt.code >= 200 && rcpt.code < 300;
      if (!rcptOk) [stage, reply] = ['rcpt', rcpt];
      else if (!dataOk) [stage, reply] = ['data', data];
      else [stage, reply] = ['data', final];
    }
    results[index] = resultFrom(address, stage, decide(stage, reply), reply);
  });

  if (pauseUpstream) {
    for (const [i, r] of results.entries()) {
      if (r && r.outcome !== 'relayed' && toSend.some((s) => s.index === i)) r.outcome = 'deferred';
    }
  }
  const queueId = final ? parseUpstreamQueueId(final) : null;
  // a refusal (EENVELOPE: MAIL or every RCPT refused; EMESSAGE: DATA or the message refused)
  // leaves the session usable once RSET; anything else broke it
  const sessionIntact =
    !sendError || sendError.code === 'EENVELOPE' || sendError.code === 'EMESSAGE';
  return {
    recipients: results as RecipientResult[],
    pauseUpstream,
    upstreamQueueId: queueId,
    sessionIntact,
  };
}

function toReadable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : new Readable().wrap(stream);
}

/**
 * Sends the envelope and body; resolves with the error, if any. A connection closed from our side
 * (abort) drops nodemailer's pending callback, so the end of the connection settles it too.
 */
function send(
  session: UpstreamSession,
  envelope: { from: string; to: string[]; use8BitMime: boolean; size?: number },
  body: Buffer | Readable,
  signal: AbortSignal | undefined,
): Promise<NodemailerLikeError | null> {
  const { connection } = session;
  return new Promise((resolve) => {
    const onEnd = () =>
      resolve(
        signal?.aborted
          ? Object.assign(new Error('attempt cancelled'), { code: 'EABORT' })
          : (session.lastError() ??
              Object.assign(new Error('connection closed'), { code: 'ECONNECTION' })),
      );
    connection.once('end', onEnd);
    connection.send(envelope, body, (err) => {
      connection.off('end', onEnd);
      resolve(err ? (err as NodemailerLikeError) : null);
    });
  });
}

/** The replies of this transaction, paired with their commands by the transcript. */
function readReplies(
  transcript: TranscriptRecorder,
  from: number,
): { mail: string | null; rcpt: string[]; data: string | null; final: string | null } {
  const out = {
    mail: null as string | null,
    rcpt: [] as string[],
    data: null as string | null,
    final: null as string | null,
  };
  for (const { command, reply } of transcript.exchanges.slice(from)) {
    if (command === null) {
      if (out.data !== null) out.final = reply;
    } else if (/^MAIL FROM:/i.test(command)) out.mail = reply;
    else if (/^RCPT TO:/i.test(command)) out.rcpt.push(reply);
    else if (/^DATA$/i.test(command)) out.data = reply;
  }
  return out;
}
