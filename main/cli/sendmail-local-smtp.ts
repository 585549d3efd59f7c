// `sendmail -bs` with the relay down: the SMTP dialogue is answered here, on standard input and
// output, and each message accepted goes into the drop folder for `relaydesk serve` to take in.
// Symfony Mailer's and Laravel's default transport runs `sendmail -bs`; a 421 greeting there is
// an exception in the application, and the mail it was sending is gone.
//
// smtp-server answers the dialogue (pipelining, dot-unstuffing, the size limit, RSET, several
// messages in one session) over a stream pair that stands in for its socket. The relay's
// policy (routing rules, sender checks, the filter) is applied when serve takes the message in,
// as for a message sendmail drops on the -bm path.
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import { basename } from 'node:path';
import { Duplex, type Readable, type Writable } from 'node:stream';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { TunedSMTPServer } from '../core/listener/smtp-server-tuned.js';
import { writeDropFile, type DropEnvelope } from '../core/maildrop/drop-file.js';

// the relay's default size limit (it enforces its own at pickup)
const maxSize = 25 * 1024 * 1024;

/** An SMTP reply smtp-server sends for a failed command. */
function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * Standard input and output as the socket smtp-server expects (it reads a few socket fields).
 * `taken` settles once the stream smtp-server pipes the socket into has finished: every command
 * that came before the end of input answered, every message in it kept.
 */
function stdioSocket(input: Readable, output: Writable): { socket: Duplex; taken: Promise<void> } {
  const socket = new Duplex({
    read() {
      input.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      output.write(chunk, callback);
    },
  });
  input.on('data', (chunk: Buffer) => {
    if (!socket.push(chunk)) input.pause();
  });
  input.on('end', () => socket.push(null));
  input.on('error', (err) => socket.destroy(err));
  // smtp-server answers piped commands one at a time, long after the end of input has been
  // read: a script that writes a whole session and closes stdin (`sendmail -bs < session`)
  // would be cut off at its first command that takes a moment
  const taken = new Promise<void>((resolve) => {
    const pipe = socket.pipe.bind(socket);
    socket.pipe = <T extends NodeJS.WritableStream>(
      destination: T,
      options?: { end?: boolean },
    ) => {
      const done = (): void => resolve();
      destination.once('finish', done);
      destination.once('close', done);
      return pipe(destination, options);
    };
  });
  // the client is this machine's own process; no idle timeout: the caller owns the pipe
  const fields = {
    remoteAddress: '127.0.0.1',
    remotePort: 0,
    localAddress: '127.0.0.1',
    localPort: 0,
    readyState: 'open',
    setTimeout: () => socket,
    setKeepAlive: () => socket,
  };
  return { socket: Object.assign(socket, fields), taken };
}

async function readMessage(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export interface LocalSessionOptions {
  dataDir: string;
  user: string;
  uid: number | null;
  /** Why the relay is not answering, for the greeting: "is not running", "is not taking mail now". */
  relayState: string;
}

/** Answers one SMTP session on `input`/`output`; resolves with the messages kept once it ends. */
export function keepSmtpSessionInMaildrop(
  input: Readable,
  output: Writable,
  options: LocalSessionOptions,
): Promise<{ kept: number }> {
  let kept = 0;
  const { socket, taken } = stdioSocket(input, output);
  // a client that closes its end without QUIT ends the session too, once what it sent is kept
  void taken.then(() => setImmediate(() => socket.destroy()));
  return new Promise((resolve) => {
    const server = new TunedSMTPServer({
      // the relay's tuning: no early-talker wait (a script may write before the greeting, and
      // there is no one else on a pipe), no connection limit, no timeouts (the pipe is the
      // caller's: it ends the session)
      hooks: {
        greetingDelayFor: () => 0,
        admit: () => null,
        release: () => undefined,
        serverClosed: () => undefined,
      },
      plaintextAuth: false,
      commandTimeoutMs: 24 * 3600_000,
      sessionDeadlineMs: 24 * 3600_000,
      minDataRate: 0,
      name: hostname(),
      banner: `Relaydesk sendmail: the relay ${options.relayState}; mail is kept for it`,
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      size: maxSize,
      onData(stream, session, callback) {
        void keep(stream, session).then(
          (id) => callback(null, `Kept as ${id} for the relay, sent when it runs`),
          (err: Error) => callback(err),
        );
      },
      onClose() {
        resolve({ kept });
      },
    });
    const keep = async (
      stream: SMTPServerDataStream,
      session: SMTPServerSession,
    ): Promise<string> => {
      const raw = await readMessage(stream);
      if (stream.sizeExceeded) {
        throw smtpReply(552, `5.3.4 Message exceeds the size limit of ${maxSize} bytes`);
      }
      const mailFrom = session.envelope.mailFrom;
      const envelope: DropEnvelope = {
        mailFrom: mailFrom ? mailFrom.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        queuedAt: new Date().toISOString(),
        user: options.user,
        uid: options.uid,
      };
      try {
        const path = await writeDropFile(options.dataDir, envelope, raw);
        kept++;
        return basename(path);
      } catch (err) {
        throw smtpReply(
          451,
          `4.3.0 The relay is not running and the message could not be kept (${(err as Error).message}); try again later`,
        );
      }
    };
    // smtp-server reads only the fields stdioSocket sets (no TLS: STARTTLS is off)
    server.connect(socket as unknown as Socket, {});
  });
}
