// The SMTP listener: accepts mail over SMTP and hands each message, stamped and repaired, to the
// spool. A message is answered 250 only after `accept` has put it durably on disk. Its parts, in
// the order a session meets them: admission.ts (who may connect, authenticate, send and to
// whom), message-intake.ts (the DATA), smtp-server-factory.ts (the smtp-server of each
// listener); this file checks the TLS and exposure settings at start and binds the listeners.
import {
  describeExposure,
  loadTlsMaterial,
  parseAllowList,
  smtpExposureProblem,
  UserStore,
  type TlsMaterial,
} from '../policy/index.js';
import { SettingsError, type ListenAddress } from '../settings/settings-schema.js';
import { makeFolder } from '../spool/durable-file.js';
import { spoolFolder } from '../spool/spool.js';
import { SmtpAdmission } from './admission.js';
import { isLoopbackHost, normalizeClientIp } from '../net/ip-address.js';
import { listenOn, listenOnLoopbackTwin, type LoopbackTwin } from './listen-address.js';
import type {
  ListenerEvents,
  ListenerOptions,
  ListenerSettings,
  SmtpSecurity,
} from './listener-contract.js';
import { MessageIntake } from './message-intake.js';
import { createReverseLookup, type ReverseLookup } from './reverse-dns.js';
import { createSmtpServer } from './smtp-server-factory.js';
import { SessionTranscripts } from './session-transcript.js';
import type { TunedSMTPServer } from './smtp-server-tuned.js';

export {
  maxReceivedHeaders,
  type AcceptedMessage,
  type ListenerEvents,
  type ListenerOptions,
  type ListenerSettings,
  type RecipientRefusal,
  type SmtpSecurity,
} from './listener-contract.js';

/** Ended sessions whose conversation is kept, as smtp4dev's NumberOfSessionsToKeep (100). */
const keptSessions = 200;

export class SmtpListener {
  private servers: TunedSMTPServer[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly users: UserStore;
  private readonly admission: SmtpAdmission;
  private readonly intake: MessageIntake;
  private tls: TlsMaterial | null = null;
  private smtpsAddress: ListenAddress | null = null;
  /** The ::1 (or 127.0.0.1) twins of loopback listeners, so `localhost` reaches them. */
  private twins: { smtp: LoopbackTwin | null; smtps: LoopbackTwin | null } = {
    smtp: null,
    smtps: null,
  };
  private readonly lookupName: ReverseLookup;
  private readonly reverseDnsAddressFor: ListenerOptions['reverseDnsAddressFor'];
  /** The conversation of the last sessions (and the open ones), for the Logs view. */
  readonly transcripts: SessionTranscripts;

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
    this.admission = new SmtpAdmission(settings, events, this.users);
    this.transcripts = new SessionTranscripts(keptSessions, Date.now, (session) =>
      events.sessionChanged?.(session),
    );
    this.intake = new MessageIntake(
      settings,
      events,
      (event, fields) => this.admission.audit(event, fields),
      (sessionId, messageId, notes) =>
        this.transcripts.messageAccepted(sessionId, messageId, notes),
    );
  }

  /** AUTH failures: slowed per client address, locked out per (address, user name). */
  get authLockouts(): SmtpAdmission['authLockouts'] {
    return this.admission.authLockouts;
  }

  /** For /metrics: what was refused (by stage and reason), AUTH failures, sessions. */
  get counters(): SmtpAdmission['counters'] {
    return this.admission.counters;
  }

  /** Paused by the user (tray, menu): new connections get a temporary refusal, so senders retry. */
  get receivingPaused(): boolean {
    return this.admission.receivingPaused;
  }

  set receivingPaused(paused: boolean) {
    this.admission.receivingPaused = paused;
  }

  /** Open SMTP sessions in total and per listener (every listener started, zeros included). */
  openSessions(): { open: number; byListener: Record<string, number> } {
    return this.admission.openSessions();
  }

  /** Whether STARTTLS is offered, `auto` resolved (see Settings.starttls). */
  private get starttlsOffered(): boolean {
    const setting = this.settings.starttls;
    if (setting !== 'auto') return setting;
    // `localhost` is loopback too: with --smtp localhost:1025 STARTTLS was offered with the
    // self-signed certificate, and clients that upgrade when offered (Symfony Mailer,
    // nodemailer) failed on it ("certificate verify failed")
    return this.settings.tlsCert !== null || !isLoopbackHost(this.settings.smtp.host);
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

  /** Where each listener also listens: its loopback twin (listen-address.ts), or null. */
  get alsoListeningOn(): { smtp: ListenAddress | null; smtps: ListenAddress | null } {
    return {
      smtp: this.twins.smtp?.address ?? null,
      smtps: this.twins.smtps?.address ?? null,
    };
  }

  private reverseLookup(ip: string, callback: (err: Error | null, names: string[]) => void): void {
    const client = normalizeClientIp(ip);
    this.lookupName(this.reverseDnsAddressFor?.(client) ?? client, callback);
  }

  private createServer(listener: string, secure: boolean): TunedSMTPServer {
    return createSmtpServer(listener, secure, {
      settings: this.settings,
      admission: this.admission,
      intake: this.intake,
      tls: this.tls,
      starttlsOffered: this.starttlsOffered,
      validatesRecipients: this.events.validateRecipient !== undefined,
      inFlight: this.inFlight,
      reverseLookup: (ip, callback) => this.reverseLookup(ip, callback),
      log: (line) => this.events.log(line),
      transcripts: this.transcripts,
    });
  }

  async start(): Promise<ListenAddress> {
    const settings = this.settings;
    try {
      this.admission.allowList = parseAllowList(settings.allowIp);
    } catch (err) {
      throw new SettingsError(`--${(err as Error).message}`);
    }
    await this.users.refresh();
    // messages are received straight into the spool folder (message-intake.ts)
    await makeFolder(spoolFolder(settings.dataDir));
    const exposure = {
      smtp: settings.smtp,
      smtps: settings.smtps,
      allowIp: settings.allowIp,
      trustLoopback: settings.trustLoopback,
      requireAuth: settings.requireAuth,
      userCount: this.users.count,
      starttls: this.starttlsOffered,
      tlsMinVersion: settings.tlsMinVersion,
      tlsFingerprint: null as string | null,
    };
    const problem = smtpExposureProblem(exposure);
    if (problem) throw new SettingsError(problem);
    if (this.starttlsOffered || settings.smtps || settings.tlsCert || settings.tlsKey) {
      this.tls = await loadTlsMaterial(settings);
    }
    this.admission.openByListener.set('smtp', 0);
    if (settings.smtps) this.admission.openByListener.set('smtps', 0);
    const main = this.createServer('smtp', false);
    this.servers.push(main);
    const address = await listenOn(main.server, '--smtp', settings.smtp, 1025);
    this.twins.smtp = await listenOnLoopbackTwin(main.server, '--smtp', settings.smtp, address);
    if (settings.smtps) {
      const implicit = this.createServer('smtps', true);
      this.servers.push(implicit);
      this.smtpsAddress = await listenOn(implicit.server, '--smtps', settings.smtps, 1465);
      this.twins.smtps = await listenOnLoopbackTwin(
        implicit.server,
        '--smtps',
        settings.smtps,
        this.smtpsAddress,
      );
    }
    for (const twin of [this.twins.smtp, this.twins.smtps]) {
      if (twin?.note) this.events.log(`listener: ${twin.note}`);
    }
    for (const line of describeExposure({
      ...exposure,
      smtp: address,
      smtps: this.smtpsAddress,
      alsoOn: this.alsoListeningOn,
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
    this.admission.allowList = parseAllowList(this.settings.allowIp);
    // smtp-server reads options.size at each EHLO, MAIL and DATA
    for (const server of this.servers) server.options.size = this.settings.maxSize;
  }

  /** Stops accepting connections and waits for messages being received to be stored. */
  async close(): Promise<void> {
    this.intake.close();
    const servers = this.servers;
    this.servers = [];
    const twins = [this.twins.smtp, this.twins.smtps];
    this.twins = { smtp: null, smtps: null };
    // the twins stop taking connections first (they hand them to the servers closing below), and
    // in the same turn as the servers: an await between let a connection in after a SIGTERM's
    // "finishing the messages being received" (cli/signals)
    const twinsClosed = Promise.all(twins.map((twin) => twin?.close()));
    // smtp-server stops listening, lets open sessions finish for up to closeTimeout, then ends them
    const serversClosed = Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    await twinsClosed;
    await serversClosed;
    await Promise.allSettled([...this.inFlight]);
  }
}
