// smtp-server, tuned where it offers no option:
// - it waits a fixed 100 ms before greeting every client (an early-talker check), which caps a
//   client that sends one message per connection at ten messages a second. We choose the wait per
//   client: none for trusted clients, the configured delay for others.
// - it adds an enhanced status code chosen from the basic code alone (552 → 5.2.2), where the
//   right one depends on the reason (552 5.3.4 too big, 452 4.5.3 too many recipients). A reply
//   text that starts with its own enhanced code keeps it.
// - its only connection limit is one total per server; we admit each connection through a hook
//   shared by the plain and the implicit-TLS listener (total and per-IP limits).
// - its idle timer restarts on every byte, so a client trickling one byte at a time is never cut
//   off. We add a command timeout (a complete command line within so long after each reply) and
//   a session deadline that nothing extends, and during DATA a minimum data rate (data-rate.ts).
// - it still advertises AUTH in a plaintext EHLO when plaintext AUTH is not allowed, and lets
//   AUTH through in plaintext when STARTTLS is not offered. We hide AUTH on such sessions and
//   answer `538 5.7.11` (RFC 4954 §6) to AUTH before TLS, whatever else is configured.
// All of it is done on the connection object smtp-server creates, without forking the library.
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import {
  SMTPConnection,
  type SMTPConnectionOptions,
  type TLSError,
} from 'smtp-server/lib/smtp-connection.js';
import { normalizeClientIp } from '../net/ip-address.js';
import { DataRateBudget } from './data-rate.js';
import { parseAddressCommand } from './quoted-path.js';
import type { SessionTranscript, SessionTranscripts } from './session-transcript.js';

const ownEnhancedCode = /^[245]\.\d{1,3}\.\d{1,3} /;

/** net.Socket's own `readyState` getter, which a half-open session's socket wraps. */
const readyState = Object.getOwnPropertyDescriptor(Socket.prototype, 'readyState')?.get;

export interface Refusal {
  code: number;
  /** Reply text starting with its enhanced status code. */
  message: string;
}

export interface ConnectionHooks {
  /** Milliseconds to wait before greeting a client at this address. */
  greetingDelayFor(remoteAddress: string): number;
  /** Takes a connection slot, or refuses (sent, then the connection closes); logs either way. */
  admit(remoteAddress: string): Refusal | null;
  /** Gives back the slot of an admitted connection, once, when it closes. */
  release(remoteAddress: string): void;
  /** The server ended a session with a 421 (timeouts, limits, deadline): for the audit log. */
  serverClosed(remoteAddress: string, reply: string): void;
}

export interface TunedServerOptions extends SMTPServerOptions {
  hooks: ConnectionHooks;
  /** AUTH may be used before TLS on this listener. */
  plaintextAuth: boolean;
  /** Longest wait for a complete command after each reply (not during the message data). */
  commandTimeoutMs: number;
  /** Longest a whole session may last. */
  sessionDeadlineMs: number;
  /** Slowest message data accepted, in bytes a second, over one idle timeout; 0: no minimum. */
  minDataRate: number;
  /** Where each session's conversation is kept (its lines come through `logger`). */
  transcripts?: { sessions: SessionTranscripts; listener: string };
}

type Connection = SMTPConnection & { handler_AUTH: SMTPConnection['handler_AUTH'] };

/**
 * The tuning reaches into smtp-server's connection (its methods are not public API): a release
 * that renames one must stop the start, not quietly lose the tuning.
 */
function checkConnectionMethods(): void {
  const methods = [
    '_parseAddressCommand',
    'handler_AUTH',
    '_onCommand',
    '_setListeners',
    'send',
    'upgrade',
  ];
  const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
  const missing = methods.filter((name) => typeof proto[name] !== 'function');
  const server = SMTPServer.prototype as unknown as Record<string, unknown>;
  if (typeof server._upgrade !== 'function') missing.push('(SMTPServer) _upgrade');
  if (missing.length > 0) {
    throw new Error(
      `smtp-server's SMTPConnection has no ${missing.join(', ')}: this smtp-server release does not fit Relaydesk's listener (smtp-server-tuned.ts); install the version package.json pins`,
    );
  }
}

export class TunedSMTPServer extends SMTPServer {
  private readonly hooks: ConnectionHooks;
  private readonly plaintextAuth: boolean;
  private readonly commandTimeoutMs: number;
  private readonly sessionDeadlineMs: number;
  private readonly minDataRate: number;
  private readonly transcripts: TunedServerOptions['transcripts'];

  constructor(options: TunedServerOptions) {
    const {
      hooks,
      plaintextAuth,
      commandTimeoutMs,
      sessionDeadlineMs,
      minDataRate,
      transcripts,
      ...rest
    } = options;
    checkConnectionMethods();
    super({
      ...rest,
      allowInsecureAuth: plaintextAuth,
      ...(transcripts && { logger: transcripts.sessions.logger() }),
    });
    this.hooks = hooks;
    this.plaintextAuth = plaintextAuth;
    this.commandTimeoutMs = commandTimeoutMs;
    this.sessionDeadlineMs = sessionDeadlineMs;
    this.minDataRate = minDataRate;
    this.transcripts = transcripts;
  }

  /** Begins the session's transcript, with its TLS when the listener is implicit TLS. */
  private openTranscript(connection: Connection, socket: Socket): SessionTranscript | null {
    if (!this.transcripts) return null;
    const { sessions, listener } = this.transcripts;
    const transcript = sessions.open(
      connection.id,
      listener,
      normalizeClientIp(connection.remoteAddress),
    );
    if (socket instanceof TLSSocket) {
      transcript.tlsUp(socket.getProtocol(), socket.getCipher().name);
    }
    sessions.announce(transcript);
    return transcript;
  }

  /**
   * The implicit-TLS handshake, before there is a connection: one that fails is made a session
   * of its own, or a client set for STARTTLS on port 465 would leave no trace on the sessions page.
   */
  override _upgrade(
    socket: Socket,
    callback: (err: TLSError | null, tlsSocket?: TLSSocket) => void,
  ): void {
    const transcripts = this.transcripts;
    if (!transcripts) return super._upgrade(socket, callback);
    // read now: a socket that has closed no longer knows its peer
    const client = normalizeClientIp(socket.remoteAddress);
    const startedAt = Date.now();
    super._upgrade(socket, (err, tlsSocket) => {
      if (err) transcripts.sessions.handshakeFailed(transcripts.listener, client, startedAt, err);
      callback(err, tlsSocket);
    });
  }

  override connect(socket: Socket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new SMTPConnection(this, socket, socketOptions ?? undefined) as Connection;
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    const remote = connection.remoteAddress;
    const transcript = this.openTranscript(connection, socket);

    let commandTimer: NodeJS.Timeout | null = null;
    let deadlineTimer: NodeJS.Timeout | null = null;
    let rateTimer: NodeJS.Timeout | null = null;
    const stopTimers = (): void => {
      if (commandTimer) clearTimeout(commandTimer);
      if (deadlineTimer) clearTimeout(deadlineTimer);
      if (rateTimer) clearInterval(rateTimer);
      commandTimer = deadlineTimer = rateTimer = null;
    };
    // From the 354 until the final dot, the client must keep up the minimum data rate.
    const idleTimeoutMs = this.options.socketTimeout ?? 60_000;
    const watchDataRate = (): void => {
      const parser = connection._parser;
      if (this.minDataRate <= 0 || !parser) return;
      if (rateTimer) clearInterval(rateTimer);
      const budget = new DataRateBudget(this.minDataRate, idleTimeoutMs, Date.now());
      rateTimer = setInterval(
        () => {
          if (connection._closing || connection._closed || !parser._dataMode) {
            if (rateTimer) clearInterval(rateTimer);
            rateTimer = null;
            return;
          }
          budget.update(parser.dataBytes, Date.now());
          if (!budget.exhausted) return;
          connection.send(
            421,
            `4.4.2 Data rate too low (under ${this.minDataRate} bytes a second), closing connection`,
          );
        },
        Math.min(1000, Math.max(50, idleTimeoutMs / 10)),
      );
      rateTimer.unref();
    };
    // The client waits for us (a handler has not answered, or a received message is being
    // stored): no timer may fire then, or it would tell the client to retry a message we may
    // still accept. smtp-server's own idle timeout makes the same exception.
    const clientOwesInput = (): boolean =>
      !connection._handlerPending &&
      !(connection._dataStream && connection._parser && !connection._parser._dataMode);
    const armCommandTimer = (): void => {
      if (commandTimer) clearTimeout(commandTimer);
      commandTimer = setTimeout(() => {
        commandTimer = null;
        if (connection._closing || connection._closed) return;
        if (!clientOwesInput()) return;
        connection.send(421, '4.4.2 Timeout waiting for a command, closing connection');
      }, this.commandTimeoutMs);
      commandTimer.unref();
    };

    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => {
      let reply = data;
      // RFC 3207 §4: a server must not advertise AUTH it will refuse; on such sessions EHLO
      // (the only multi-line 250) loses its AUTH line until TLS is up
      if (code === 250 && Array.isArray(reply) && !connection.secure && !this.plaintextAuth) {
        reply = reply.filter((line) => !/^AUTH\b/i.test(line));
      }
      if (code === 421 && !connection._closing && !connection._closed) {
        this.hooks.serverClosed(remote, typeof reply === 'string' ? reply : String(reply));
      }
      if (code === 421) stopTimers();
      else if (code === 354) watchDataRate();
      else armCommandTimer();
      send(code, reply, typeof reply === 'string' && ownEnhancedCode.test(reply) ? false : context);
    };
    const onCommand = connection._onCommand.bind(connection);
    connection._onCommand = (command, callback) => {
      if (commandTimer) clearTimeout(commandTimer);
      commandTimer = null;
      // the first command under STARTTLS's TLS: the transcript names its protocol and cipher
      if (transcript && transcript.tls === null && connection._socket instanceof TLSSocket) {
        const tls = connection._socket;
        transcript.tlsUp(tls.getProtocol(), tls.getCipher().name);
      }
      onCommand(command, callback);
    };
    const parseAddress = connection._parseAddressCommand.bind(connection);
    connection._parseAddressCommand = (name, command) =>
      parseAddressCommand(parseAddress, name, command);
    const authHandler = connection.handler_AUTH.bind(connection);
    connection.handler_AUTH = (command, callback) => {
      if (!connection.secure && !this.plaintextAuth) {
        connection.send(538, '5.7.11 Encryption required: issue STARTTLS before AUTH');
        callback();
        return;
      }
      authHandler(command, callback);
    };

    // The client has sent all it will (see allowHalfOpen): our side ends once the parser has
    // dispatched every command it sent, each after its reply, unless QUIT ended it first.
    // Half open, in plain text: a client may shut its sending side once it has sent the whole
    // session (`nc -N`, a script's shutdown(SHUT_WR)) and still read the replies. Node's default
    // ended our side at the client's FIN, so the replies after 354 were lost while the message
    // was stored. Under TLS (implicit, or from STARTTLS on) the default stays: the TLS socket
    // ends itself at the client's end, and a raw socket kept half open beneath it would never
    // close, nor give back its connection slot.
    if (!(socket instanceof TLSSocket)) {
      socket.allowHalfOpen = true;
      const upgrade = connection.upgrade.bind(connection);
      connection.upgrade = (callback, secureCallback) => {
        socket.allowHalfOpen = false;
        upgrade(callback, secureCallback);
      };
    }
    // smtp-server writes a reply only while the socket is 'open', and a half-open one is
    // 'writeOnly': it is open for what we write
    if (readyState) {
      Object.defineProperty(socket, 'readyState', {
        configurable: true,
        get(): string {
          const state = readyState.call(socket) as string;
          return state === 'writeOnly' ? 'open' : state;
        },
      });
    }
    socket.once('end', () => {
      const endOurSide = (): void => {
        if (!socket.writableEnded && !socket.destroyed) socket.end();
      };
      const parser = connection._parser;
      if (connection._socket !== socket || !parser || parser.writableFinished) endOurSide();
      else parser.once('finish', endOurSide);
    });

    // Mirrors SMTPConnection#init with our admission and delay in place of its checks.
    connection._setListeners(() => {
      const refusal = this.hooks.admit(remote);
      if (refusal) {
        send(refusal.code, refusal.message, false);
        connection.close();
        return;
      }
      // The slot belongs to the client's socket, whatever wraps it. STARTTLS moves the session
      // onto a TLSSocket and strips the listeners of the plain one (so its 'close' never reaches
      // us), so the slot is given back when smtp-server itself sees the session end, on
      // whichever socket carries it then, and once only.
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        stopTimers();
        this.hooks.release(remote);
      };
      const onClose = connection._onClose.bind(connection);
      connection._onClose = () => {
        release();
        onClose();
      };
      socket.once('close', release);
      const onDeadline = (): void => {
        deadlineTimer = null;
        if (connection._closing || connection._closed) return;
        if (!clientOwesInput()) {
          deadlineTimer = setTimeout(onDeadline, 250);
          deadlineTimer.unref();
          return;
        }
        connection.send(421, '4.4.2 Session deadline reached, closing connection');
      };
      deadlineTimer = setTimeout(onDeadline, this.sessionDeadlineMs);
      deadlineTimer.unref();
      const delay = this.hooks.greetingDelayFor(remote);
      if (delay <= 0) {
        connection.connectionReady();
        return;
      }
      setTimeout(() => connection.connectionReady(), delay).unref();
    });
  }
}
