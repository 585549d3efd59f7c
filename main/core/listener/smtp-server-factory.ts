// Server construction: one smtp-server (tuned, see smtp-server-tuned.ts) per listener, with the
// options the settings give and each SMTP step wired to admission or intake.
import type {
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerSession,
} from 'smtp-server';
import { insecureAuthAllowed, type TlsMaterial } from '../policy/index.js';
import type { SmtpAdmission } from './admission.js';
import type { ListenerSettings } from './listener-contract.js';
import type { MessageIntake } from './message-intake.js';
import { TunedSMTPServer } from './smtp-server-tuned.js';
import type { SessionTranscripts } from './session-transcript.js';
import { connectionErrorLine } from './connection-error.js';
import { clientTlsOptions } from './client-tls.js';

export interface ServerParts {
  settings: ListenerSettings;
  admission: SmtpAdmission;
  intake: MessageIntake;
  tls: TlsMaterial | null;
  /** STARTTLS is offered on the plain listener (when there is TLS material). */
  starttlsOffered: boolean;
  /** Whether the owner asks for an address check at RCPT (an asynchronous hook). */
  validatesRecipients: boolean;
  /** Messages being received: the listener waits for them when it closes. */
  inFlight: Set<Promise<unknown>>;
  reverseLookup(ip: string, callback: (err: Error | null, names: string[]) => void): void;
  log(line: string): void;
  /** Each session's conversation, for the Logs view and the message's SMTP session. */
  transcripts: SessionTranscripts;
}

export function createSmtpServer(
  listener: string,
  secure: boolean,
  parts: ServerParts,
): TunedSMTPServer {
  const { settings, admission, intake, tls } = parts;
  const offerStarttls = !secure && parts.starttlsOffered && tls !== null;
  const server = new TunedSMTPServer({
    name: settings.hostname,
    // smtp-server greets `220 NAME ESMTP BANNER`: `220 mail.example ESMTP Relaydesk`, as Postfix's
    banner: 'Relaydesk',
    size: settings.maxSize,
    rejectOversized: true,
    // RFC 3463 codes on every reply, as Postfix gives them (smtp-server hides them by default)
    hideENHANCEDSTATUSCODES: false,
    // the policy answers 530 itself, per client (trusted clients need no AUTH)
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    secure,
    ...(tls ? { key: tls.key, cert: tls.cert, ...clientTlsOptions(settings.tlsMinVersion) } : {}),
    hideSTARTTLS: !offerStarttls,
    disabledCommands: offerStarttls ? [] : ['STARTTLS'],
    plaintextAuth: secure || insecureAuthAllowed(settings.insecureAuth, settings.smtp.host),
    socketTimeout: settings.idleTimeoutMs,
    commandTimeoutMs: settings.commandTimeoutMs,
    sessionDeadlineMs: settings.sessionDeadlineMs,
    minDataRate: settings.minDataRate,
    // smtp-server's log calls carry each command and reply: they fill the session transcripts
    logger: false,
    transcripts: { sessions: parts.transcripts, listener },
    closeTimeout: 3000,
    resolver: { reverse: (ip, cb) => parts.reverseLookup(ip, cb) },
    hooks: admission.hooks(listener),
    onConnect: (session, callback) => admission.onConnect(listener, session, callback),
    onAuth: (
      auth: SMTPServerAuthentication,
      session: SMTPServerSession,
      callback: (
        err: Error | null | undefined,
        response?: SMTPServerAuthenticationResponse,
      ) => void,
    ) => {
      const chaos = admission.chaosReply('Authentication', listener, session);
      if (chaos) return callback(chaos);
      admission.authenticate(listener, auth, session).then(
        (response) => callback(null, response),
        (err: Error) => callback(err),
      );
    },
    onMailFrom: (address, session, callback) =>
      callback(
        admission.chaosReply('Sender', listener, session) ??
          admission.checkMail(listener, address, session) ??
          intake.roomFor(address, session),
      ),
    onRcptTo: (address, session, callback) => {
      const refusal =
        admission.chaosReply('Recipient', listener, session) ??
        admission.checkRecipient(listener, address, session);
      if (refusal || !parts.validatesRecipients) return callback(refusal);
      admission
        .validateRecipient(listener, address, session)
        .then(callback, (err: Error) => callback(err));
    },
    onData: (stream, session, callback) => {
      const work = intake.receive(stream, session).then(
        (reply) => callback(null, reply),
        (err: Error) => callback(err),
      );
      parts.inFlight.add(work);
      void work.finally(() => parts.inFlight.delete(work));
    },
  });
  // a failed TLS handshake comes twice, as the TLS socket's `_tlsError` and `error` with the
  // same error: logged once
  const logged = new WeakSet<Error>();
  server.on('error', (err: NodeJS.ErrnoException) => {
    // a listen failure is reported once, as the start-up error, by listenOn
    if (err.syscall === 'listen' || logged.has(err)) return;
    logged.add(err);
    parts.log(connectionErrorLine('smtp', err));
  });
  return server;
}
