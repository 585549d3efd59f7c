// The SMTP listener: accepts mail over SMTP and hands each message, stamped and repaired, to the
// spool. A message is answered 250 only after `accept` has put it durably on disk. Who may do
// what is decided by main/core/policy; this file applies those decisions at each SMTP step and
// writes one audit line per connection, AUTH and message.
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
  AuthLockouts,
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
import { LabelledCounter } from '../metrics/prometheus-text.js';
import { refusalReason } from '../metrics/refusal-reason.js';
import { SettingsError, type ListenAddress, type Settings } from '../settings/settings-schema.js';
import { MessageRefusal } from '../filter/message-refusal.js';
import type { SenderControl } from '../sender-control/sender-control.js';
import { newMessageId } from '../spool/message-id.js';
import { isStorageFull } from '../spool/storage-full.js';
import { isLoopbackIp, normalizeClientIp } from '../net/ip-address.js';
import { countReceivedHeaders, normalizeLineEndings } from './line-endings.js';
import { createReverseLookup, type ReverseLookup } from './reverse-dns.js';
import { buildReceivedStamp } from './received-stamp.js';
import { TunedSMTPServer, type ConnectionHooks } from './smtp-server-tuned.js';
import type { ChaosStage } from '../chaos/chaos-triggers.js';

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
  /** Chaos (main/core/chaos): the reply code to fail this step with on purpose, or null. */
  chaos?(stage: ChaosStage): number | null;
  /**
   * Asked at RCPT TO after the checks above passed, for recipients that will be relayed: the
   * address check (DNS, so asynchronous). A refusal is sent to the client.
   */
  validateRecipient?(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): Promise<RecipientRefusal | null>;
  log(line: string): void;
  /** Suspensions and quotas (main/core/sender-control), asked at connect, MAIL and RCPT. */
  senderCheck?: Pick<SenderControl, 'checkClient' | 'checkSender' | 'checkRecipient'>;
}

export type ListenerSettings = Pick<
  Settings,
  | 'smtp'
  | 'maxSize'
  | 'maxRecipients'
  | 'hostname'
  | 'greetingDelayMs'
  | 'reverseDnsTimeoutMs'
  | 'dnsServers'
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
  | 'minDataRate'
  | 'authMaxFailures'
  | 'authFailureDelayMs'
  | 'authLockoutMs'
>;

export interface ListenerOptions {
  /** The SMTP users (shared with the API); a store on `dataDir` when not given. */
  users?: UserStore;
  /**
   * A test seam: the address whose name is looked up for a client. Test clients all connect
   * from 127.0.0.0/8, which is never looked up; a test maps its client to the non-loopback
   * address its DNS server has a PTR record for.
   */
  reverseDnsAddressFor?(clientIp: string): string;
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
  /** AUTH failures: slowed per client address, locked out per (address, user name). */
  readonly authLockouts: AuthLockouts;
  private tls: TlsMaterial | null = null;
  private smtpsAddress: ListenAddress | null = null;
  /** Paused by the user (tray, menu): new connections get a temporary refusal, so senders retry. */
  receivingPaused = false;
  /** The last message could not be stored for want of space (logged once until it can). */
  private storageFull = false;
  /** Sessions holding a slot, by listener ("smtp", "smtps"): what /metrics and info show. */
  private readonly openByListener = new Map<string, number>();
  /** For /metrics: what was refused (by stage and reason), AUTH failures, sessions. */
  readonly counters = {
    refused: new LabelledCounter(),
    authFailures: new LabelledCounter(),
    serverClosed: new LabelledCounter(),
    sessions: new LabelledCounter(),
  };

  private readonly lookupName: ReverseLookup;
  private readonly reverseDnsAddressFor: ListenerOptions['reverseDnsAddressFor'];

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
    options: ListenerOptions = {},
  ) {
    this.users = options.users ?? new UserStore(settings.dataDir);
    this.lookupName = createReverseLookup({
      servers: settings.dnsServers,
      timeoutMs: settings.reverseDnsTimeoutMs,
    });
    this.reverseDnsAddressFor = options.reverseDnsAddressFor;
    this.authLockouts = new AuthLockouts({
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

  /** Open SMTP sessions in total and per listener (every listener started, zeros included). */
  openSessions(): { Open: number; Listeners: Record<string, number> } {
    const listeners: Record<string, number> = {};
    for (const [name, count] of this.openByListener) listeners[name] = count;
    return { Open: this.connections.open, Listeners: listeners };
  }

  private audit(event: AuditEvent, fields: Record<string, AuditValue>): void {
    const reason = refusalReason(typeof fields.reason === 'string' ? fields.reason : undefined);
    if (fields.result === 'rejected') {
      if (event === 'auth') this.counters.authFailures.add({ reason });
      else this.counters.refused.add({ stage: event, reason });
    } else if (event === 'close') this.counters.serverClosed.add({ reason });
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
        if (!full) {
          this.openByListener.set(listener, (this.openByListener.get(listener) ?? 0) + 1);
          this.counters.sessions.add({ listener });
          return null;
        }
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
      release: (remote) => {
        this.connections.release(this.trustOf(remote).ip);
        this.openByListener.set(
          listener,
          Math.max(0, (this.openByListener.get(listener) ?? 0) - 1),
        );
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
    const client = normalizeClientIp(ip);
    this.lookupName(this.reverseDnsAddressFor?.(client) ?? client, callback);
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
      if (err instanceof MessageRefusal) {
        this.auditMessageRefusal(session, err.responseCode, err.reason);
        throw new SmtpReply(err.responseCode, err.reply);
      }
      if (isStorageFull(err)) {
        // nothing of the message is left on disk (durable writes rename only whole files)
        if (!this.storageFull) {
          this.events.log(
            `spool: the disk holding ${this.settings.dataDir} is full (${(err as NodeJS.ErrnoException).code}); new mail gets 452 4.3.1 until space is freed`,
          );
        }
        this.storageFull = true;
        this.auditMessageRefusal(session, 452, 'disk full');
        throw new SmtpReply(452, '4.3.1 Insufficient system storage; try again later');
      }
      this.events.log(`${id}: could not store the message: ${(err as Error).message}`);
      this.auditMessageRefusal(session, 451, 'could not store the message');
      throw new SmtpReply(451, '4.3.0 Could not store the message; try again later');
    }
    if (this.storageFull) {
      this.storageFull = false;
      this.events.log(`spool: there is space on the disk again; taking mail`);
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

  /** Mailpit's chaos replies: `451 Chaos sender error` and the like. */
  private chaosReply(
    stage: ChaosStage,
    listener: string,
    session: SMTPServerSession,
  ): SmtpReply | null {
    const code = this.events.chaos?.(stage) ?? null;
    if (code === null) return null;
    this.audit(stage === 'Authentication' ? 'auth' : stage === 'Sender' ? 'mail' : 'rcpt', {
      result: 'rejected',
      listener,
      client: normalizeClientIp(session.remoteAddress),
      reply: code,
      reason: 'chaos',
    });
    return new SmtpReply(code, `Chaos ${stage.toLowerCase()} error`);
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
    if (this.receivingPaused) {
      // RFC 3463 4.3.2 "system not accepting network messages": a client queues and retries
      this.audit('connect', { result: 'rejected', listener, client: trust.ip, reply: 421 });
      callback(new SmtpReply(421, '4.3.2 Receiving is paused in Relaydesk; try again later'));
      return;
    }
    this.users.refresh().then(
      () => {
        const refusal =
          connectionDecision({ trust, usersExist: this.users.count > 0 }) ??
          this.events.senderCheck?.checkClient(trust.ip) ??
          null;
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
    // a user locked out from this address is refused before its password is looked at; any
    // other attempt waits longer with each failure from the address, then is checked
    const before = this.authLockouts.state(trust.ip, name);
    if (before.locked) {
      const minutes = Math.max(1, Math.ceil(before.retryAfterMs / 60_000));
      this.audit('auth', {
        result: 'rejected',
        ...fields,
        reply: 421,
        reason: `user locked out for this client after ${before.failures} failed attempts`,
      });
      throw new SmtpReply(
        421,
        `4.7.0 Too many failed authentication attempts for this user from ${trust.ip}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      );
    }
    if (before.delayMs > 0) await sleep(before.delayMs);
    const ok =
      auth.method === 'PLAIN' || auth.method === 'LOGIN'
        ? await this.users.verify(name, auth.password ?? '')
        : false;
    if (ok) {
      this.audit('auth', { result: 'accepted', ...fields, reason: 'password' });
      return { user: name };
    }
    const after = this.authLockouts.fail(trust.ip, name);
    this.audit('auth', {
      result: 'rejected',
      ...fields,
      failures: after.failures,
      reply: after.locked ? 421 : 535,
      reason: after.locked ? 'bad credentials; user locked out for this client' : 'bad credentials',
    });
    if (after.locked) {
      throw new SmtpReply(
        421,
        `4.7.0 Too many failed authentication attempts for this user from ${trust.ip}; try again later`,
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
    refusal ??=
      this.events.senderCheck?.checkSender({
        clientIp: standing.trust.ip,
        user: standing.user,
        sender: address.address,
      }) ?? null;
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
    const quota = this.events.senderCheck?.checkRecipient(
      { clientIp: standing.trust.ip, user: standing.user },
      session.envelope.rcptTo.length,
    );
    if (quota) return refuse(quota.code, quota.message, quota.reason);
    const action = this.events.recipientAction?.(input) ?? 'capture';
    const policy = recipientDecision(standing, input.recipient, action);
    if (policy) return refuse(policy.code, policy.message, policy.reason);
    const rule = this.events.checkRecipient?.(input);
    if (rule) return refuse(rule.code, rule.message, 'routing rule rejects');
    return null;
  }

  /** The address check of a relayed recipient (the routing and policy checks passed). */
  private async validateRecipient(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): Promise<SmtpReply | null> {
    const standing = this.standing(session);
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const input = { recipient: address.address, sender, user: standing.user };
    if ((this.events.recipientAction?.(input) ?? 'capture') !== 'relay') return null;
    const refusal = await this.events.validateRecipient?.(input);
    if (!refusal) return null;
    this.audit('rcpt', {
      result: 'rejected',
      listener,
      client: standing.trust.ip,
      user: standing.user ?? undefined,
      from: `<${sender}>`,
      to: `<${input.recipient}>`,
      reply: refusal.code,
      reason: 'address check',
    });
    return new SmtpReply(refusal.code, refusal.message);
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
      minDataRate: settings.minDataRate,
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
        const chaos = this.chaosReply('Authentication', listener, session);
        if (chaos) return callback(chaos);
        this.authenticate(listener, auth, session).then(
          (response) => callback(null, response),
          (err: Error) => callback(err),
        );
      },
      onMailFrom: (address, session, callback) =>
        callback(
          this.chaosReply('Sender', listener, session) ??
            this.checkMail(listener, address, session),
        ),
      onRcptTo: (address, session, callback) => {
        const refusal =
          this.chaosReply('Recipient', listener, session) ??
          this.checkRecipient(listener, address, session);
        if (refusal || !this.events.validateRecipient) return callback(refusal);
        this.validateRecipient(listener, address, session).then(callback, (err: Error) =>
          callback(err),
        );
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
    this.openByListener.set('smtp', 0);
    if (settings.smtps) this.openByListener.set('smtps', 0);
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
