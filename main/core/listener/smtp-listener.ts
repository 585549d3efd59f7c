// The SMTP listener: accepts mail over SMTP and hands each message, stamped and repaired, to the
// spool. A message is answered 250 only after `accept` has put it durably on disk.
import { reverse } from 'node:dns';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerSession,
} from 'smtp-server';
import type { Envelope } from '../message-record.js';
import type { ListenAddress, Settings } from '../settings/settings-schema.js';
import { newMessageId } from '../spool/message-id.js';
import { isLoopbackIp, normalizeClientIp } from './client-address.js';
import { countReceivedHeaders, normalizeLineEndings } from './line-endings.js';
import { buildReceivedStamp } from './received-stamp.js';
import { TunedSMTPServer } from './smtp-server-tuned.js';

/** RFC 5321 §6.3: more Received fields than this means the message is looping. */
export const maxReceivedHeaders = 30;

export interface AcceptedMessage {
  id: string;
  envelope: Envelope;
  /** The bytes to store: our Received stamp, then the client's data with line endings repaired. */
  raw: Buffer;
  receivedAt: Date;
  notes: string[];
}

export interface RecipientRefusal {
  code: number;
  /** The reply text, starting with its enhanced status code. */
  message: string;
}

export interface ListenerEvents {
  /** Stores the message durably; the client gets 250 only when this resolves. */
  accept(message: AcceptedMessage): Promise<void>;
  /** Asked at RCPT TO: a refusal is sent to the client, null accepts the recipient. */
  checkRecipient?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RecipientRefusal | null;
  log(line: string): void;
}

type ListenerSettings = Pick<
  Settings,
  'smtp' | 'maxSize' | 'maxRecipients' | 'hostname' | 'greetingDelayMs' | 'reverseDnsTimeoutMs'
>;

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function envelopeOf(session: SMTPServerSession): Envelope {
  const mailFrom = session.envelope.mailFrom as SMTPServerAddress | false;
  const tls = session.tlsOptions;
  const bodyArg = mailFrom && mailFrom.args ? mailFrom.args.BODY : undefined;
  const user = session.user as unknown;
  const clientIp = normalizeClientIp(session.remoteAddress);
  const hostname = session.clientHostname;
  return {
    mailFrom: mailFrom ? mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    clientIp,
    // smtp-server writes `[ip]` when it has no name; we keep null for "not known"
    clientHostname: hostname && !hostname.startsWith('[') ? hostname : null,
    helo: session.hostNameAppearsAs || '',
    user: typeof user === 'string' ? user : null,
    tls: tls ? { protocol: tls.version ?? '', cipher: tls.name ?? '' } : null,
    smtpUtf8: Boolean(session.envelope.smtpUtf8),
    eightBitMime: typeof bodyArg === 'string' && bodyArg.toUpperCase() === '8BITMIME',
  };
}

export class SmtpListener {
  private server: TunedSMTPServer | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
  ) {}

  private reverseLookup(ip: string, callback: (err: Error | null, names: string[]) => void): void {
    // Loopback clients are never looked up, and no lookup may hold a greeting for long: the
    // machines we run on may have no DNS at all.
    if (isLoopbackIp(ip) || this.settings.reverseDnsTimeoutMs === 0) {
      callback(null, []);
      return;
    }
    let done = false;
    const finish = (err: Error | null, names: string[]): void => {
      if (done) return;
      done = true;
      callback(err, names);
    };
    setTimeout(
      () => finish(new Error('reverse lookup timed out'), []),
      this.settings.reverseDnsTimeoutMs,
    ).unref();
    try {
      reverse(normalizeClientIp(ip), (err, names) => finish(err, names ?? []));
    } catch (err) {
      finish(err as Error, []);
    }
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const data = await collect(stream);
    if (stream.sizeExceeded) {
      // smtp-server answers 552 5.3.4 itself (rejectOversized); this only ends the transaction
      throw new SmtpReply(
        552,
        `5.3.4 Message exceeds the size limit of ${this.settings.maxSize} bytes`,
      );
    }
    const repaired = normalizeLineEndings(data);
    if (countReceivedHeaders(repaired.data) > maxReceivedHeaders) {
      throw new SmtpReply(
        554,
        `5.4.6 Too many Received headers (over ${maxReceivedHeaders}): mail loop?`,
      );
    }
    const notes: string[] = [];
    if (repaired.bareLf > 0) notes.push(`${repaired.bareLf} bare LF normalised to CRLF`);
    if (repaired.bareCr > 0) notes.push(`${repaired.bareCr} bare CR normalised to CRLF`);

    const receivedAt = new Date();
    const id = newMessageId(receivedAt.getTime());
    const envelope = envelopeOf(session);
    const stamp = buildReceivedStamp({
      helo: envelope.helo,
      clientHostname: envelope.clientHostname,
      clientIp: envelope.clientIp,
      hostname: this.settings.hostname,
      extended: session.openingCommand !== 'HELO',
      tls: Boolean(session.secure),
      authenticated: envelope.user !== null,
      smtpUtf8: envelope.smtpUtf8,
      id,
      rcptTo: envelope.rcptTo,
      date: receivedAt,
    });
    const raw = Buffer.concat([Buffer.from(stamp, 'utf8'), repaired.data]);
    try {
      await this.events.accept({ id, envelope, raw, receivedAt, notes });
    } catch (err) {
      this.events.log(`${id}: could not store the message: ${(err as Error).message}`);
      throw new SmtpReply(451, '4.3.0 Could not store the message; try again later');
    }
    return id;
  }

  async start(): Promise<ListenAddress> {
    const settings = this.settings;
    const server = new TunedSMTPServer({
      name: settings.hostname,
      banner: 'Relaydesk ESMTP',
      size: settings.maxSize,
      rejectOversized: true,
      // RFC 3463 codes on every reply, as Postfix gives them (smtp-server hides them by default)
      hideENHANCEDSTATUSCODES: false,
      authOptional: true,
      // Capture mode on loopback accepts any credentials and records the user name, like
      // Mailpit's --smtp-auth-accept-any; the policy for other clients is a later layer.
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      // No certificate of our own yet: never offer STARTTLS with smtp-server's public test key.
      hideSTARTTLS: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 3000,
      resolver: { reverse: (ip, cb) => this.reverseLookup(ip, cb) },
      greetingDelayFor: (remote) => (isLoopbackIp(remote) ? 0 : settings.greetingDelayMs),
      onAuth: (
        auth: SMTPServerAuthentication,
        _session: SMTPServerSession,
        callback: (
          err: Error | null | undefined,
          response?: SMTPServerAuthenticationResponse,
        ) => void,
      ) => callback(null, { user: auth.username ?? '' }),
      onRcptTo: (address, session, callback) => {
        if (session.envelope.rcptTo.length >= settings.maxRecipients) {
          callback(
            new SmtpReply(
              452,
              `4.5.3 Too many recipients (at most ${settings.maxRecipients} per message)`,
            ),
          );
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        const user = session.user as unknown;
        const refusal = this.events.checkRecipient?.({
          recipient: address.address,
          sender: mailFrom ? mailFrom.address : '',
          user: typeof user === 'string' ? user : null,
        });
        if (refusal) {
          callback(new SmtpReply(refusal.code, refusal.message));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const work = this.receive(stream, session).then(
          (id) => callback(null, `Ok: queued as ${id}`),
          (err: Error) => callback(err),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
    server.on('error', (err) => this.events.log(`smtp: ${err.message}`));
    this.server = server;

    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.server.off('listening', onListening);
        const where = `${settings.smtp.host}:${settings.smtp.port}`;
        if (err.code === 'EADDRINUSE') {
          reject(
            new Error(
              `--smtp: ${where} is already in use; stop the other program or choose another port`,
            ),
          );
        } else if (err.code === 'EACCES') {
          reject(
            new Error(
              `--smtp: not allowed to listen on ${where}; ports below 1024 need privileges, try 1025`,
            ),
          );
        } else if (err.code === 'EADDRNOTAVAIL') {
          reject(
            new Error(
              `--smtp: ${settings.smtp.host} is not an address of this machine; use 127.0.0.1`,
            ),
          );
        } else reject(new Error(`--smtp: cannot listen on ${where}: ${err.message}`));
      };
      const onListening = (): void => {
        server.server.off('error', onError);
        resolve();
      };
      server.server.once('error', onError);
      server.server.once('listening', onListening);
      server.listen(settings.smtp.port, settings.smtp.host);
    });
    const address = server.server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Stops accepting connections and waits for messages being received to be stored. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    // smtp-server stops listening, lets open sessions finish for up to closeTimeout, then ends them
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }
}
