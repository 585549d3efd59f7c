// The SMTP listener: accepts mail over SMTP and hands each message, stamped and repaired, to the
// spool. A message is answered 250 only after `accept` has put it durably on disk. Who may do
// what is decided by main/core/policy; this file applies those decisions at each SMTP step and
// writes one audit line per connection, AUTH and message.
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
import type { RelaydeskInfo } from '../../../preload/api-contract.js';
import type { Envelope } from '../message-record.js';
import {
  acceptsAnyCredentials,
  auditLine,
  AuthThrottle,
  clientTrust,
  connectionDecision,
  ConnectionCounter,
  describeExposure,
  insecureAuthAllowed,
  loadTlsMaterial,
  mailDecision,
  parseAllowList,
  recipientDecision,
  SlidingWindowCounter,
  smtpExposureProblem,
  UserStore,
  type AllowRange,
  type AuditEvent,
  type AuditValue,
  type ClientTrust,
  type RecipientAction,
  type SessionStanding,
  type TlsMaterial,
} from '../policy/index.js';
import { SettingsError, type ListenAddress, type Settings } from '../settings/settings-schema.js';
import { newMessageId } from '../spool/message-id.js';
import { isLoopbackIp, normalizeClientIp } from './client-address.js';
import { countReceivedHeaders, normalizeLineEndings } from './line-endings.js';
import { buildReceivedStamp } from './received-stamp.js';
import { TunedSMTPServer, type ConnectionHooks } from './smtp-server-tuned.js';

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
  /** What the routing rules would do with a recipient; the policy refuses relaying to strangers. */
  recipientAction?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RecipientAction;
  log(line: string): void;
}

export type ListenerSettings = Pick<
  Settings,
  | 'smtp'
  | 'maxSize'
  | 'maxRecipients'
  | 'hostname'
  | 'greetingDelayMs'
  | 'reverseDnsTimeoutMs'
  | 'dataDir'
  | 'trustLoopback'
  | 'allowIp'
  | 'requireAuth'
  | 'tlsCert'
  | 'tlsKey'
  | 'starttls'
  | 'smtps'
  | 'requireTls'
  | 'insecureAuth'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'maxMessagesPerMinute'
  | 'idleTimeoutMs'
  | 'commandTimeoutMs'
  | 'sessionDeadlineMs'
  | 'authMaxFailures'
  | 'authFailureDelayMs'
  | 'authLockoutMs'
>;

export interface ListenerOptions {
  /** The SMTP users (shared with the API); a store on `dataDir` when not given. */
  users?: UserStore;
}

/** What the listeners offer, for the info API and the start-up lines. */
export interface SmtpSecurity {
  starttls: boolean;
  smtps: ListenAddress | null;
  requireTls: boolean;
  requireAuth: boolean;
  certificate: {
    source: TlsMaterial['source'];
    fingerprint256: string;
    subject: string;
    validTo: string;
  } | null;
}

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

function sessionUser(session: SMTPServerSession): string | null {
  const user = session.user as unknown;
  return typeof user === 'string' ? user : null;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class SmtpListener {
  private servers: TunedSMTPServer[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly users: UserStore;
  private allowList: AllowRange[] = [];
  private readonly connections = new ConnectionCounter();
  private readonly messageRate = new SlidingWindowCounter(60_000);
  private readonly authThrottle: AuthThrottle;
  private tls: TlsMaterial | null = null;
  private smtpsAddress: ListenAddress | null = null;

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
    options: ListenerOptions = {},
  ) {
    this.users = options.users ?? new UserStore(settings.dataDir);
    this.authThrottle = new AuthThrottle({
      maxFailures: settings.authMaxFailures,
      baseDelayMs: settings.authFailureDelayMs,
      lockoutMs: settings.authLockoutMs,
    });
  }

  /** Whether STARTTLS is offered, `auto` resolved (see Settings.starttls). */
  private get starttlsOffered(): boolean {
    const setting = this.settings.starttls;
    if (setting !== 'auto') return setting;
    return this.settings.tlsCert !== null || !isLoopbackIp(this.settings.smtp.host);
  }

  get security(): SmtpSecurity {
    const tls = this.tls;
    return {
      starttls: this.starttlsOffered,
      smtps: this.smtpsAddress,
      requireTls: this.settings.requireTls,
      requireAuth: this.settings.requireAuth,
      certificate: tls
        ? {
            source: tls.source,
            fingerprint256: tls.fingerprint256,
            subject: tls.subject,
            validTo: tls.validTo,
          }
        : null,
    };
  }

  /** `security` in the shape of the info API (`SMTPSecurity`). */
  infoSecurity(): RelaydeskInfo['SMTPSecurity'] {
    const security = this.security;
    const smtps = security.smtps;
    return { ...security, smtps: smtps ? `${smtps.host}:${smtps.port}` : null };
  }

  private audit(event: AuditEvent, fields: Record<string, AuditValue>): void {
    this.events.log(auditLine(event, fields));
  }

  private trustOf(remoteAddress: string | undefined): ClientTrust {
    return clientTrust(normalizeClientIp(remoteAddress), {
      trustLoopback: this.settings.trustLoopback,
      allowList: this.allowList,
    });
  }

  private standing(session: SMTPServerSession): SessionStanding {
    return {
      trust: this.trustOf(session.remoteAddress),
      user: sessionUser(session),
      secure: Boolean(session.secure),
    };
  }

  private hooks(listener: string): ConnectionHooks {
    return {
      greetingDelayFor: (remote) =>
        this.trustOf(remote).trusted ? 0 : this.settings.greetingDelayMs,
      admit: (remote) => {
        const trust = this.trustOf(remote);
        const full = this.connections.admit(
          trust.ip,
          this.settings.maxConnections,
          trust.trusted ? null : this.settings.maxConnectionsPerIp,
        );
        if (!full) return null;
        const refusal =
          full === 'total'
            ? {
                code: 421,
                message: `4.3.2 Too many connections (at most ${this.settings.maxConnections}); try again in a moment`,
              }
            : {
                code: 421,
                message: `4.7.0 Too many connections from ${trust.ip} (at most ${this.settings.maxConnectionsPerIp}); try again later`,
              };
        this.audit('connect', {
          result: 'rejected',
          listener,
          client: trust.ip,
          reply: refusal.code,
          reason: full === 'total' ? 'connection limit' : 'per-client connection limit',
        });
        return refusal;
      },
      release: (remote) => this.connections.release(this.trustOf(remote).ip),
      authGate: (remote) => {
        const ip = this.trustOf(remote).ip;
        const state = this.authThrottle.state(ip);
        if (!state.locked) return null;
        const minutes = Math.max(1, Math.ceil(state.retryAfterMs / 60_000));
        this.audit('auth', {
          result: 'rejected',
          listener,
          client: ip,
          reply: 421,
          reason: `locked out after ${state.failures} failed attempts`,
        });
        return {
          code: 421,
          message: `4.7.0 Too many failed authentication attempts from ${ip}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        };
      },
      serverClosed: (remote, reply) =>
        this.audit('close', {
          result: 'closed',
          listener,
          client: this.trustOf(remote).ip,
          reply: 421,
          reason: reply,
        }),
    };
  }

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
      this.auditMessageRefusal(session, 552, `larger than ${this.settings.maxSize} bytes`);
      // smtp-server answers 552 5.3.4 itself (rejectOversized); this only ends the transaction
      throw new SmtpReply(
        552,
        `5.3.4 Message exceeds the size limit of ${this.settings.maxSize} bytes`,
      );
    }
    const repaired = normalizeLineEndings(data);
    if (countReceivedHeaders(repaired.data) > maxReceivedHeaders) {
      this.auditMessageRefusal(
        session,
        554,
        `more than ${maxReceivedHeaders} Received headers (loop)`,
      );
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
      this.auditMessageRefusal(session, 451, 'could not store the message');
      throw new SmtpReply(451, '4.3.0 Could not store the message; try again later');
    }
    this.audit('message', {
      result: 'accepted',
      id,
      client: envelope.clientIp,
      user: envelope.user ?? undefined,
      from: `<${envelope.mailFrom}>`,
      nrcpt: envelope.rcptTo.length,
      size: raw.length,
      tls: envelope.tls ? envelope.tls.protocol || true : false,
      notes: notes.length ? notes.join('; ') : undefined,
    });
    return id;
  }

  private auditMessageRefusal(session: SMTPServerSession, reply: number, reason: string): void {
    const mailFrom = session.envelope.mailFrom;
    this.audit('message', {
      result: 'rejected',
      client: normalizeClientIp(session.remoteAddress),
      user: sessionUser(session) ?? undefined,
      from: mailFrom ? `<${mailFrom.address}>` : undefined,
      nrcpt: session.envelope.rcptTo.length,
      reply,
      reason,
    });
  }

  private onConnect(
    listener: string,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const trust = this.trustOf(session.remoteAddress);
    this.users.refresh().then(
      () => {
        const refusal = connectionDecision({ trust, usersExist: this.users.count > 0 });
        this.audit('connect', {
          result: refusal ? 'rejected' : 'accepted',
          listener,
          client: trust.ip,
          trusted: trust.reason ?? 'no',
          reply: refusal?.code,
          reason: refusal?.reason,
        });
        callback(refusal ? new SmtpReply(refusal.code, refusal.message) : null);
      },
      (err: Error) => {
        this.events.log(`smtp: users: ${err.message}`);
        callback(new SmtpReply(421, '4.3.0 Service not available, try again later'));
      },
    );
  }

  private async authenticate(
    listener: string,
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
  ): Promise<SMTPServerAuthenticationResponse> {
    const trust = this.trustOf(session.remoteAddress);
    const name = auth.username ?? '';
    const fields = { listener, client: trust.ip, method: auth.method, user: name };
    await this.users.refresh();
    const usersExist = this.users.count > 0;
    if (acceptsAnyCredentials({ trust, usersExist, requireAuth: this.settings.requireAuth })) {
      this.audit('auth', { result: 'accepted', ...fields, reason: 'any credentials (no users)' });
      return { user: name };
    }
    // the wait grows with the failures so far; the password is checked after it
    const before = this.authThrottle.state(trust.ip);
    if (!before.locked && before.delayMs > 0) await sleep(before.delayMs);
    const ok =
      auth.method === 'PLAIN' || auth.method === 'LOGIN'
        ? await this.users.verify(name, auth.password ?? '')
        : false;
    if (ok) {
      this.audit('auth', { result: 'accepted', ...fields, reason: 'password' });
      return { user: name };
    }
    const after = this.authThrottle.fail(trust.ip);
    this.audit('auth', {
      result: 'rejected',
      ...fields,
      failures: after.failures,
      reply: after.locked ? 421 : 535,
      reason: after.locked ? 'bad credentials; client locked out' : 'bad credentials',
    });
    if (after.locked) {
      throw new SmtpReply(
        421,
        `4.7.0 Too many failed authentication attempts from ${trust.ip}; try again later`,
      );
    }
    throw new SmtpReply(535, '5.7.8 Authentication credentials invalid');
  }

  private checkMail(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): SmtpReply | null {
    const standing = this.standing(session);
    let refusal = mailDecision(standing, this.settings);
    const limit = this.settings.maxMessagesPerMinute;
    if (!refusal && !standing.trust.trusted && limit > 0) {
      const key = standing.user !== null ? `user ${standing.user}` : standing.trust.ip;
      if (!this.messageRate.take(key, limit)) {
        refusal = {
          code: 450,
          message: `4.7.1 Too much mail from ${standing.user !== null ? 'this user' : standing.trust.ip}: at most ${limit} messages a minute; try again later`,
          reason: `message rate limit (${key})`,
        };
      }
    }
    if (!refusal) return null;
    this.audit('mail', {
      result: 'rejected',
      listener,
      client: standing.trust.ip,
      user: standing.user ?? undefined,
      from: `<${address.address}>`,
      reply: refusal.code,
      reason: refusal.reason,
    });
    return new SmtpReply(refusal.code, refusal.message);
  }

  private checkRecipient(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): SmtpReply | null {
    const standing = this.standing(session);
    const mailFrom = session.envelope.mailFrom;
    const input = {
      recipient: address.address,
      sender: mailFrom ? mailFrom.address : '',
      user: standing.user,
    };
    const refuse = (code: number, message: string, reason: string): SmtpReply => {
      this.audit('rcpt', {
        result: 'rejected',
        listener,
        client: standing.trust.ip,
        user: standing.user ?? undefined,
        from: `<${input.sender}>`,
        to: `<${input.recipient}>`,
        reply: code,
        reason,
      });
      return new SmtpReply(code, message);
    };
    if (session.envelope.rcptTo.length >= this.settings.maxRecipients) {
      return refuse(
        452,
        `4.5.3 Too many recipients (at most ${this.settings.maxRecipients} per message)`,
        'recipient limit',
      );
    }
    const action = this.events.recipientAction?.(input) ?? 'capture';
    const policy = recipientDecision(standing, input.recipient, action);
    if (policy) return refuse(policy.code, policy.message, policy.reason);
    const rule = this.events.checkRecipient?.(input);
    if (rule) return refuse(rule.code, rule.message, 'routing rule rejects');
    return null;
  }

  private createServer(listener: string, secure: boolean): TunedSMTPServer {
    const settings = this.settings;
    const tls = this.tls;
    const offerStarttls = !secure && this.starttlsOffered && tls !== null;
    const server = new TunedSMTPServer({
      name: settings.hostname,
      banner: 'Relaydesk ESMTP',
      size: settings.maxSize,
      rejectOversized: true,
      // RFC 3463 codes on every reply, as Postfix gives them (smtp-server hides them by default)
      hideENHANCEDSTATUSCODES: false,
      // the policy answers 530 itself, per client (trusted clients need no AUTH)
      authOptional: true,
      authMethods: ['PLAIN', 'LOGIN'],
      secure,
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      hideSTARTTLS: !offerStarttls,
      disabledCommands: offerStarttls ? [] : ['STARTTLS'],
      plaintextAuth: secure || insecureAuthAllowed(settings.insecureAuth, settings.smtp.host),
      socketTimeout: settings.idleTimeoutMs,
      commandTimeoutMs: settings.commandTimeoutMs,
      sessionDeadlineMs: settings.sessionDeadlineMs,
      logger: false,
      closeTimeout: 3000,
      resolver: { reverse: (ip, cb) => this.reverseLookup(ip, cb) },
      hooks: this.hooks(listener),
      onConnect: (session, callback) => this.onConnect(listener, session, callback),
      onAuth: (
        auth: SMTPServerAuthentication,
        session: SMTPServerSession,
        callback: (
          err: Error | null | undefined,
          response?: SMTPServerAuthenticationResponse,
        ) => void,
      ) => {
        this.authenticate(listener, auth, session).then(
          (response) => callback(null, response),
          (err: Error) => callback(err),
        );
      },
      onMailFrom: (address, session, callback) =>
        callback(this.checkMail(listener, address, session)),
      onRcptTo: (address, session, callback) =>
        callback(this.checkRecipient(listener, address, session)),
      onData: (stream, session, callback) => {
        const work = this.receive(stream, session).then(
          (id) => callback(null, `Ok: queued as ${id}`),
          (err: Error) => callback(err),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      // a listen failure is reported once, as the start-up error, by listenOn
      if (err.syscall === 'listen') return;
      this.events.log(`smtp: ${err.message}`);
    });
    return server;
  }

  private async listenOn(
    server: TunedSMTPServer,
    flag: string,
    address: ListenAddress,
  ): Promise<ListenAddress> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.server.off('listening', onListening);
        const where = `${address.host}:${address.port}`;
        if (err.code === 'EADDRINUSE') {
          reject(
            new Error(
              `${flag}: ${where} is already in use; stop the other program or choose another port`,
            ),
          );
        } else if (err.code === 'EACCES') {
          reject(
            new Error(
              `${flag}: not allowed to listen on ${where}; ports below 1024 need privileges, try 1025`,
            ),
          );
        } else if (err.code === 'EADDRNOTAVAIL') {
          reject(
            new Error(`${flag}: ${address.host} is not an address of this machine; use 127.0.0.1`),
          );
        } else reject(new Error(`${flag}: cannot listen on ${where}: ${err.message}`));
      };
      const onListening = (): void => {
        server.server.off('error', onError);
        resolve();
      };
      server.server.once('error', onError);
      server.server.once('listening', onListening);
      server.listen(address.port, address.host);
    });
    const bound = server.server.address() as AddressInfo;
    return { host: bound.address, port: bound.port };
  }

  async start(): Promise<ListenAddress> {
    const settings = this.settings;
    try {
      this.allowList = parseAllowList(settings.allowIp);
    } catch (err) {
      throw new SettingsError(`--${(err as Error).message}`);
    }
    await this.users.refresh();
    const exposure = {
      smtp: settings.smtp,
      smtps: settings.smtps,
      allowIp: settings.allowIp,
      trustLoopback: settings.trustLoopback,
      requireAuth: settings.requireAuth,
      userCount: this.users.count,
      starttls: this.starttlsOffered,
      tlsFingerprint: null as string | null,
    };
    const problem = smtpExposureProblem(exposure);
    if (problem) throw new SettingsError(problem);
    if (this.starttlsOffered || settings.smtps || settings.tlsCert || settings.tlsKey) {
      this.tls = await loadTlsMaterial(settings);
    }
    const main = this.createServer('smtp', false);
    this.servers.push(main);
    const address = await this.listenOn(main, '--smtp', settings.smtp);
    if (settings.smtps) {
      const implicit = this.createServer('smtps', true);
      this.servers.push(implicit);
      this.smtpsAddress = await this.listenOn(implicit, '--smtps', settings.smtps);
    }
    for (const line of describeExposure({
      ...exposure,
      smtp: address,
      smtps: this.smtpsAddress,
      tlsFingerprint: this.tls
        ? `${this.tls.fingerprint256} (${this.tls.source === 'self-signed' ? `self-signed, ${this.tls.certPath}` : this.tls.certPath})`
        : null,
    })) {
      this.events.log(line);
    }
    return address;
  }

  /** Takes over settings saved while running: the allowlist and the size limit (SIZE). */
  refreshPolicy(): void {
    this.allowList = parseAllowList(this.settings.allowIp);
    // smtp-server reads options.size at each EHLO, MAIL and DATA
    for (const server of this.servers) server.options.size = this.settings.maxSize;
  }

  /** Stops accepting connections and waits for messages being received to be stored. */
  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    // smtp-server stops listening, lets open sessions finish for up to closeTimeout, then ends them
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    await Promise.allSettled([...this.inFlight]);
  }
}
