// The envelope and DATA step of one transaction: MAIL FROM, RCPT TO per recipient, DATA, and a
// verdict per recipient from the reply that concerns it. Addresses the upstream could only refuse
// are refused here without asking.
//
// The body goes through nodemailer's DataStream, which dot-stuffs and turns every lone CR or LF
// into CRLF. That normalisation is what keeps a message from being split in two by the upstream
// (SMTP smuggling, CVE-2023-51764), so the body is never written to the socket any other way.
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
// what RFC 5321 §4.1.2 forbids in a path (a space only inside a quoted local part); nodemailer
// would refuse the whole envelope for one bad address
import { unfitForPath } from '../mail/smtp-path.js';
import {
  localReply,
  resultFrom,
  type DeliveryAttempt,
  type DeliveryEnvelope,
  type MessageSource,
  type RecipientResult,
  type UpstreamWideFailure,
} from './delivery-record.js';
import { offers } from './ehlo-capabilities.js';
import type { NodemailerLikeError } from './session-error.js';
import {
  classifySmtpOutcome,
  parseSmtpReply,
  parseUpstreamQueueId,
  type Classification,
  type SmtpReply,
  type SmtpStage,
} from './smtp-reply.js';
import type { TranscriptRecorder } from './transcript.js';
import type { UpstreamSession } from './upstream-session.js';

const NON_ASCII = /\P{ASCII}/u;

function normalizeSender(mailFrom: string): string {
  const trimmed = mailFrom.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

/**
 * The address as an upstream without SMTPUTF8 can take it. smtp-server hands us every IDN domain
 * as U-labels, also when the client wrote A-labels (xn--…) and never asked for SMTPUTF8; the
 * domain always has an ASCII form (RFC 5890), so only a UTF-8 local part needs SMTPUTF8
 * (RFC 6531 §3.2). Unchanged when the domain has no A-label form.
 */
function asciiDomainAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || !NON_ASCII.test(address.slice(at + 1))) return address;
  const domain = domainToASCII(address.slice(at + 1));
  return domain ? `${address.slice(0, at)}@${domain}` : address;
}

export interface TransactionOutcome {
  recipients: RecipientResult[];
  pauseUpstream: DeliveryAttempt['pauseUpstream'];
  upstreamQueueId: string | null;
  /**
   * False when the transaction broke the session itself (timeout, closed connection, protocol
   * error), not just refused the message or some recipients: it must not be reused.
   */
  sessionIntact: boolean;
  /** The upstream answered the message with its final 2xx: the session needs no RSET. */
  clean: boolean;
  /**
   * The session was gone before MAIL FROM was answered (closed, or 421): the upstream has
   * nothing of this message, and nothing was said about any recipient.
   */
  goneBeforeMail: boolean;
  /** The transaction failed before any recipient was asked about (see DeliveryAttempt). */
  upstreamWide: UpstreamWideFailure | null;
}

/** The outcome when no transaction was started: each recipient's refusal says why. */
function noTransaction(results: Array<RecipientResult | undefined>): TransactionOutcome {
  return {
    recipients: results as RecipientResult[],
    pauseUpstream: null,
    upstreamQueueId: null,
    sessionIntact: true,
    clean: false,
    goneBeforeMail: false,
    upstreamWide: null,
  };
}

export async function runTransaction(
  session: UpstreamSession,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  transcript: TranscriptRecorder,
  signal: AbortSignal | undefined,
): Promise<TransactionOutcome> {
  const smtpUtf8 = offers(session.capabilities, 'SMTPUTF8');
  const onTheWire = (address: string) => (smtpUtf8 ? address : asciiDomainAddress(address));
  const sender = onTheWire(normalizeSender(envelope.mailFrom));
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
  const senderProblem = unfitForPath(sender)
    ? (['5.1.7', `invalid sender address ${JSON.stringify(sender)}`] as const)
    : NON_ASCII.test(sender) && !smtpUtf8
      ? (['5.6.7', 'the upstream does not offer SMTPUTF8, which the sender address needs'] as const)
      : null;
  /** `address` is the recipient as queued (results are matched on it), `wire` as sent. */
  const toSend: Array<{ index: number; address: string; wire: string }> = [];
  envelope.rcptTo.forEach((raw, index) => {
    const address = normalizeSender(raw);
    const wire = onTheWire(address);
    if (senderProblem) refuse(index, address, senderProblem[0], senderProblem[1]);
    else if (address === '' || unfitForPath(address)) {
      refuse(index, address, '5.1.3', `invalid recipient address ${JSON.stringify(address)}`);
    } else if (NON_ASCII.test(wire) && !smtpUtf8) {
      refuse(
        index,
        address,
        '5.6.7',
        'the upstream does not offer SMTPUTF8, which this address needs',
      );
    } else toSend.push({ index, address, wire });
  });
  if (toSend.length === 0) {
    transcript.note('no recipient can be sent to this upstream; no transaction');
    return noTransaction(results);
  }

  const firstExchange = transcript.exchanges.length;
  const body = typeof message === 'function' ? toReadable(message()) : message;
  const sendError = await send(
    session,
    {
      from: sender,
      to: toSend.map((r) => r.wire),
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
    return noTransaction(results);
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
  const goneBeforeMail = mail?.code === 421 || (mail === null && !sessionIntact);
  return {
    recipients: results as RecipientResult[],
    pauseUpstream,
    upstreamQueueId: queueId,
    sessionIntact,
    clean: !sendError,
    goneBeforeMail,
    // a 4xx to MAIL FROM (busy, out of space, a rate limit) is said before any recipient
    upstreamWide: goneBeforeMail
      ? 'session'
      : mail?.code != null && mail.code >= 400 && mail.code < 500
        ? 'mail'
        : null,
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
    // With PIPELINING nodemailer writes MAIL FROM, each RCPT TO and DATA at once, one write
    // each: corked, they leave in one segment (one syscall here, one wake-up at the upstream)
    const socket = connection._socket as Socket | undefined;
    socket?.cork();
    try {
      connection.send(envelope, body, (err) => {
        connection.off('end', onEnd);
        resolve(err ? (err as NodemailerLikeError) : null);
      });
    } finally {
      if (socket) process.nextTick(() => socket.uncork());
    }
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
