// The SMTP conversation of each recent session, as smtp4dev's session log shows it: each command
// the client sent and each reply Relaydesk gave, with what happened besides (TLS, the message's
// size, an error, the close). It answers "my app says it sent the mail, where is it?" when no
// message came of the session: a 535 to AUTH, a 550 at RCPT, a TLS handshake that failed, a
// client that hung up before the final dot.
//
// It is read from smtp-server's own log calls (the `logger` option): they carry the reply exactly
// as written to the socket and the command with AUTH's credentials already hidden
// (`_redactCredentials`), so neither is formatted twice. Kept in memory only, for the last
// `keep` sessions plus those still open: a running log, not a record (the audit log is that).
import { randomBytes } from 'node:crypto';
import type {
  SmtpSessionLine,
  SmtpSessionsDeleted,
  SmtpSessionTranscript,
  SmtpSessionView,
} from '../../../preload/api-contract.js';
import { connectionErrorLine } from './connection-error.js';

/** Lines kept from a session's start, then from its end: a client sending 10,000 RCPTs is cut. */
const headLines = 300;
const tailLines = 100;
/** A reply or command longer than this is cut (SMTP's own limit on a command line is 512). */
const maxLineChars = 1000;

type Side = SmtpSessionLine['from'];

/**
 * A line of one base64 token, as an AUTH exchange's: no SMTP command looks like it (verbs are
 * four letters, and STARTTLS), so a client that sends one is sending credentials.
 */
function looksLikeCredentials(line: string): boolean {
  const token = line.trim();
  return token.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(token) && !/^starttls$/i.test(token);
}

/**
 * An implicit-TLS client that never began a handshake is most often set for plain SMTP or
 * STARTTLS: it waits for a 220 greeting, which this port sends only under TLS.
 */
const waitsForGreeting =
  'this port speaks TLS from the first byte, so a client set for plain SMTP or STARTTLS waits for a greeting it never gets: set the client to SSL/TLS (implicit TLS), or send to the SMTP port';
const silentClient: Record<string, string> = {
  ERR_TLS_HANDSHAKE_TIMEOUT: `the client sent no TLS handshake; ${waitsForGreeting}`,
  // smtp-server's code for "Socket closed while initiating TLS"
  SocketError: `the client left without a TLS handshake (a port check does); ${waitsForGreeting}`,
};

/**
 * A connection's error as the log says it, without the log's listener prefix, nor the client's
 * address the session names already ("read ECONNRESET", not "127.0.0.1: read ECONNRESET").
 */
function errorWords(listener: string, err: Error, client?: string): string {
  const line = connectionErrorLine(listener, err).replace(`${listener}: `, '');
  return client && line.startsWith(`${client}: `) ? line.slice(client.length + 2) : line;
}

/** One session's recording. */
export class SessionTranscript {
  readonly startedAt: number;
  endedAt: number | null = null;
  helo = '';
  user: string | null = null;
  tls: string | null = null;
  clientHostname: string | null = null;
  readonly messages: string[] = [];
  refusals = 0;
  lastRefusal: string | null = null;

  private readonly head: SmtpSessionLine[] = [];
  private tail: SmtpSessionLine[] = [];
  private omitted = 0;
  private lastCommand = '';
  private closedWith421 = false;
  /** The last command was `AUTH MECHANISM` with no initial response: credentials come next. */
  private authAwaitsResponse = false;
  /** Between the 354 and the reply to the message data. */
  private inData = false;
  /** How the session ended, in words; null while open. */
  ending: string | null = null;
  /**
   * The connection's error (a failed TLS handshake, a reset), as smtp4dev's "terminated
   * abnormally": the list says it of a session that stored nothing, where no reply would.
   */
  error: string | null = null;

  constructor(
    readonly id: string,
    readonly listener: string,
    readonly client: string,
    now: number,
  ) {
    this.startedAt = now;
  }

  add(from: Side, text: string, now: number): void {
    const line: SmtpSessionLine = {
      ms: now - this.startedAt,
      from,
      text: text.length > maxLineChars ? `${text.slice(0, maxLineChars)}…` : text,
    };
    if (this.head.length < headLines) {
      this.head.push(line);
      return;
    }
    this.tail.push(line);
    // the tail is trimmed a batch at a time, not one line per line
    if (this.tail.length >= 2 * tailLines) {
      this.omitted += this.tail.length - tailLines;
      this.tail = this.tail.slice(-tailLines);
    }
  }

  private lastNoteIs(text: string): boolean {
    const last = this.tail.at(-1) ?? this.head.at(-1);
    return last?.from === 'note' && last.text === text;
  }

  /** Its TLS is up (implicit TLS, or after STARTTLS): protocol and cipher as the socket says. */
  tlsUp(protocol: string | null, cipher: string | null): void {
    this.tls = [protocol, cipher].filter((part) => part).join(', ') || 'TLS';
  }

  command(line: string, now: number): void {
    const verb = /^\s*(\S+)(?:\s+(\S+))?/.exec(line);
    // smtp-server hides what it reads as credentials; a client that sends them where it reads
    // a command (after an AUTH it refused, or on its own) is hidden here
    const secret = this.authAwaitsResponse || looksLikeCredentials(line);
    this.add('client', secret ? '(credentials hidden)' : line, now);
    const name = secret ? '' : (verb?.[1]?.toUpperCase() ?? '');
    this.authAwaitsResponse = name === 'AUTH' && line.trim().split(/\s+/).length === 2;
    this.lastCommand = name;
    if ((name === 'EHLO' || name === 'HELO' || name === 'LHLO') && verb?.[2]) this.helo = verb[2];
  }

  reply(payload: string, now: number): void {
    // a multi-line reply (EHLO's) is one write of lines joined by CRLF
    for (const line of payload.split('\r\n')) this.add('server', line, now);
    const code = Number(payload.slice(0, 3));
    if (code >= 400) {
      this.refusals += 1;
      this.lastRefusal = payload.split('\r\n').pop() ?? payload;
    }
    if (code === 421) this.closedWith421 = true;
    this.inData = code === 354;
  }

  /** An error on the connection, in the log's words. */
  failed(line: string, now: number): void {
    // a client that resets the connection once it has said QUIT is done, not failing
    if (this.lastCommand !== 'QUIT') this.error ??= line;
    // a failed handshake is reported by both the TLS socket and the connection
    if (!this.lastNoteIs(line)) this.add('note', line, now);
  }

  /** The session is over: how it ended, in words (`how` when the caller knows better). */
  close(hadError: boolean, now: number, how?: string): void {
    if (this.endedAt !== null) return;
    this.endedAt = now;
    this.ending =
      how ??
      (this.lastCommand === 'QUIT'
        ? 'Connection closed after QUIT'
        : this.closedWith421
          ? 'Connection closed by Relaydesk after its 421'
          : this.inData
            ? 'The connection closed in the middle of the message data: that message was not stored'
            : hadError
              ? 'Connection lost (a network error) before QUIT'
              : 'The client closed the connection (without QUIT, as many clients do)');
    this.add('note', this.ending, now);
  }

  view(): SmtpSessionView {
    return {
      id: this.id,
      listener: this.listener,
      client: this.client,
      clientHostname: this.clientHostname,
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: this.endedAt === null ? null : new Date(this.endedAt).toISOString(),
      helo: this.helo,
      user: this.user,
      tls: this.tls,
      messages: [...this.messages],
      refusals: this.refusals,
      lastRefusal: this.lastRefusal,
      ending: this.ending,
      error: this.error,
    };
  }

  transcript(): SmtpSessionTranscript {
    const cut: SmtpSessionLine[] =
      this.omitted > 0
        ? [
            {
              ms: this.tail[0]?.ms ?? 0,
              from: 'note',
              text: `${this.omitted} lines not kept here (the first ${headLines} and the last ${tailLines} are)`,
            },
          ]
        : [];
    return {
      ...this.view(),
      lines: [...this.head, ...cut, ...this.tail],
      omitted: this.omitted,
    };
  }
}

/** A bunyan-shaped entry as smtp-server logs it (the fields the transcript reads). */
interface LogEntry {
  tnx?: string;
  err?: Error;
  cid?: string;
  user?: unknown;
  hadError?: boolean;
  cipher?: string;
}

type LogFunction = (entry: LogEntry, message: string, ...args: unknown[]) => void;

/** The logger smtp-server is given: the levels it calls. */
export interface SessionLogger {
  trace: LogFunction;
  debug: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
  fatal: LogFunction;
}

/** The sessions kept: every open one and the last `keep` that ended. */
export class SessionTranscripts {
  /** In the order the sessions began; a Map keeps it. */
  private readonly sessions = new Map<string, SessionTranscript>();
  private ended = 0;

  constructor(
    readonly keep: number,
    private readonly now: () => number = Date.now,
    /** Told when a session begins and ends (the Logs view's live list). */
    private readonly changed: (session: SmtpSessionView) => void = () => {},
  ) {}

  /** A session begins: the connection was accepted (before any admission check). */
  open(id: string, listener: string, client: string): SessionTranscript {
    const session = new SessionTranscript(id, listener, client, this.now());
    this.sessions.set(id, session);
    return session;
  }

  get(id: string): SessionTranscript | undefined {
    return this.sessions.get(id);
  }

  /** Newest first, open sessions among them. */
  list(limit: number): SmtpSessionView[] {
    const all = [...this.sessions.values()];
    const views: SmtpSessionView[] = [];
    for (let i = all.length - 1; i >= 0 && views.length < limit; i -= 1) {
      const session = all[i];
      if (session) views.push(session.view());
    }
    return views;
  }

  /**
   * Forgets the ended sessions (smtp4dev's "Delete all"), or the one named. An open one stays:
   * its client is still talking, and its lines would have nowhere to go.
   */
  deleteEnded(id?: string): SmtpSessionsDeleted {
    let deleted = 0;
    for (const [key, session] of this.sessions) {
      if (session.endedAt === null || (id !== undefined && key !== id)) continue;
      this.sessions.delete(key);
      deleted += 1;
    }
    this.ended -= deleted;
    return { deleted, open: this.sessions.size - this.ended };
  }

  /** A message of the session was stored (its ID, as the 250 names it). */
  messageAccepted(sessionId: string, messageId: string, notes: string[] = []): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    session.messages.push(messageId);
    // what the message's data was repaired of (bare LF…): smtp4dev warns of it in the session,
    // where the client's bug is, not only in the message
    if (notes.length > 0) {
      session.add('note', `Message ${messageId}: ${notes.join('; ')}`, this.now());
    }
  }

  /** smtp-server's logger: its calls become the transcripts' lines. */
  logger(): SessionLogger {
    const ignore: LogFunction = () => {};
    const record: LogFunction = (entry, message, ...args) => this.record(entry, message, args);
    return {
      trace: ignore,
      debug: record,
      info: record,
      warn: record,
      error: record,
      fatal: record,
    };
  }

  private record(entry: LogEntry, message: string, args: unknown[]): void {
    // the error line names the connection in its text, not in the entry (smtp-server's _onError)
    const cid = entry.cid ?? (entry.tnx === 'error' ? String(args[0]) : undefined);
    const session = cid === undefined ? undefined : this.sessions.get(cid);
    if (!session || session.endedAt !== null) return;
    const now = this.now();
    // the user a reply or command was made under; an AUTH failure's line names the user tried
    if ((entry.tnx === 'send' || entry.tnx === 'command') && typeof entry.user === 'string') {
      if (entry.user !== '') session.user = entry.user;
    }
    switch (entry.tnx) {
      case 'send':
        session.reply(String(args[0]), now);
        return;
      case 'command': {
        const helo = session.helo;
        // smtp-server's own mark for the credentials it left out, in words
        session.command(String(args[0]).replace('/* secured */', '(credentials hidden)'), now);
        // an open session's row names its client by the EHLO name, which came after the connect
        if (session.helo !== helo) this.changed(session.view());
        return;
      }
      case 'data':
        // 'C: <%s bytes of DATA>', or a message refused for its size
        if (message.startsWith('C:'))
          session.add('note', `${String(args[0])} bytes of message data received`, now);
        return;
      case 'autherror':
      case 'authfail':
        // the user name tried is no secret (the audit log names it), and tells which account
        // the client used
        if (typeof entry.user === 'string') {
          session.add(
            'note',
            `AUTH ${String(args[1])} as ${JSON.stringify(entry.user)} refused`,
            now,
          );
        }
        return;
      case 'starttls':
        session.add('note', `TLS started (${entry.cipher ?? 'cipher not known'})`, now);
        return;
      case 'error': {
        // in the log's words: OpenSSL's line becomes what failed and what to do
        session.failed(
          entry.err ? errorWords(session.listener, entry.err, session.client) : String(args[2]),
          now,
        );
        return;
      }
      case 'connection':
        // 'Connection from %s': the reverse-DNS name smtp-server found, or [ip]
        if (message.startsWith('Connection from') && typeof args[0] === 'string') {
          if (!args[0].startsWith('[')) session.clientHostname = args[0];
        }
        return;
      case 'close':
        // the first of smtp-server's two close lines says whether the socket closed on an error
        session.close(entry.hadError === true, now);
        this.sessionEnded(session);
        return;
      default:
    }
  }

  /**
   * A client of the implicit-TLS listener whose handshake failed: smtp-server makes no session
   * of it, but smtp4dev lists it (its session starts before the handshake), and it is the one a
   * developer looks for when an app set for STARTTLS or plain SMTP is pointed at port 465.
   */
  handshakeFailed(listener: string, client: string, startedAt: number, err: Error): void {
    // smtp-server's own shape of session ID
    const id = BigInt(`0x${randomBytes(10).toString('hex')}`)
      .toString(32)
      .padStart(16, '0');
    const session = new SessionTranscript(id, listener, client, startedAt);
    this.sessions.set(id, session);
    const now = this.now();
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const hint = silentClient[code];
    session.failed(`${errorWords(listener, err)}${hint ? `: ${hint}` : ''}`, now);
    session.close(true, now, 'The TLS handshake failed: no SMTP session began');
    this.sessionEnded(session);
  }

  /** Announces a session that began (the Logs view lists it while open). */
  announce(session: SessionTranscript): void {
    this.changed(session.view());
  }

  private sessionEnded(session: SessionTranscript): void {
    this.changed(session.view());
    this.ended += 1;
    if (this.ended <= this.keep) return;
    // the oldest ended sessions go; open ones stay however old
    for (const [id, old] of this.sessions) {
      if (this.ended <= this.keep) break;
      if (old.endedAt === null) continue;
      this.sessions.delete(id);
      this.ended -= 1;
    }
  }
}
