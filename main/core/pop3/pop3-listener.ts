// The optional POP3 listeners (--pop3, and --pop3s for implicit TLS), so a desktop mail client can
// read the mail an application sent. Exposure follows the SMTP listener's rules: a listener
// beyond loopback needs SMTP users to log in as (without them only loopback clients may log in),
// and passwords are not accepted over plain text off loopback unless insecureAuth allows it.
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext } from 'node:tls';
import {
  auditLine,
  clientTrust,
  ConnectionCounter,
  insecureAuthAllowed,
  loadTlsMaterial,
  type UserStore,
} from '../policy/index.js';
import { hostPort, isLoopbackHost, normalizeClientIp } from '../net/ip-address.js';
import type { AuthLockouts } from '../policy/auth-lockout.js';
import { listenOn } from '../listener/listen-address.js';
import { SettingsError, type ListenAddress, type Settings } from '../settings/settings-schema.js';
import { Pop3Session, type Pop3Store } from './pop3-session.js';
import { MaildropLocks } from './pop3-maildrop-lock.js';
import { clientTlsOptions } from '../listener/client-tls.js';
import { connectionErrorLine } from '../listener/connection-error.js';

export type Pop3Settings = Pick<
  Settings,
  | 'pop3'
  | 'pop3s'
  | 'dataDir'
  | 'hostname'
  | 'tlsCert'
  | 'tlsKey'
  | 'trustLoopback'
  | 'requireAuth'
  | 'insecureAuth'
  | 'tlsMinVersion'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
>;

export interface Pop3Addresses {
  pop3: ListenAddress | null;
  pop3s: ListenAddress | null;
}

/** Why these settings may not start POP3, or null. */
export function pop3ExposureProblem(settings: Pop3Settings, userCount: number): string | null {
  for (const [flag, address] of [
    ['--pop3', settings.pop3],
    ['--pop3s', settings.pop3s],
  ] as const) {
    if (!address || isLoopbackHost(address.host) || userCount > 0) continue;
    return `${flag} ${hostPort(address)} listens beyond this machine, but there are no users to log in as: add one (relaydesk user add NAME --data DIR), or listen on 127.0.0.1`;
  }
  return null;
}

export class Pop3Listener {
  private servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly connections = new ConnectionCounter();
  private tls: SecureContext | null = null;
  private readonly locks = new MaildropLocks();
  addresses: Pop3Addresses = { pop3: null, pop3s: null };

  /**
   * `lockouts` are the SMTP listener's: POP3 logs in with the same users and passwords, so a
   * failure counts once against one limit, per (address, user) as for SMTP AUTH, and a lockout
   * is listed and released in one place (the API and `relaydesk lockout`).
   */
  constructor(
    private readonly settings: Pop3Settings,
    private readonly store: Pop3Store,
    private readonly users: UserStore,
    private readonly lockouts: AuthLockouts,
    private readonly log: (line: string) => void,
  ) {}

  private audit(
    event: 'connect' | 'auth' | 'close',
    fields: Record<string, string | number | undefined>,
  ): void {
    this.log(auditLine(event, fields).replace(/^smtp-audit/, 'pop3-audit'));
  }

  private accept(socket: Socket, listener: 'pop3' | 'pop3s', address: ListenAddress): void {
    const trust = clientTrust(normalizeClientIp(socket.remoteAddress), {
      trustLoopback: this.settings.trustLoopback,
      allowList: [],
    });
    const refuse = (reason: string, text: string): void => {
      this.audit('connect', { result: 'rejected', listener, client: trust.ip, reason });
      socket.end(`-ERR ${text}\r\n`);
    };
    const full = this.connections.admit(
      trust.ip,
      this.settings.maxConnections,
      trust.reason === 'loopback' ? null : this.settings.maxConnectionsPerIp,
    );
    if (full) {
      refuse('connection limit', '[SYS/TEMP] too many connections; try again later');
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.connections.release(trust.ip);
    });
    void this.users.refresh().then(
      () => {
        if (this.users.count === 0 && trust.reason !== 'loopback') {
          refuse('no users and not loopback', '[AUTH] no access: no POP3 users exist');
          return;
        }
        this.audit('connect', { result: 'accepted', listener, client: trust.ip });
        new Pop3Session(socket, {
          store: this.store,
          users: this.users,
          lockouts: this.lockouts,
          locks: this.locks,
          trust,
          tls: this.tls,
          implicitTls: listener === 'pop3s',
          plaintextLogin: insecureAuthAllowed(this.settings.insecureAuth, address.host),
          requireAuth: this.settings.requireAuth,
          audit: (event, fields) => this.audit(event, { listener, ...fields }),
          log: this.log,
        });
      },
      (err: Error) => {
        this.log(`pop3: clients are refused until the users file can be read: ${err.message}`);
        refuse('users file unreadable', '[SYS/TEMP] not available; try again later');
      },
    );
  }

  private async listen(
    server: Server,
    flag: string,
    address: ListenAddress,
  ): Promise<ListenAddress> {
    const bound = await listenOn(server, flag, address, 1110);
    server.on('error', (err) => this.log(`pop3: ${err.message}`));
    return bound;
  }

  /** Starts the configured listeners; nothing when neither --pop3 nor --pop3s is set. */
  async start(): Promise<Pop3Addresses> {
    const { pop3, pop3s } = this.settings;
    if (!pop3 && !pop3s) return this.addresses;
    await this.users.refresh();
    const problem = pop3ExposureProblem(this.settings, this.users.count);
    if (problem) throw new SettingsError(problem);
    const material = await loadTlsMaterial(this.settings);
    const versions = clientTlsOptions(this.settings.tlsMinVersion);
    this.tls = createSecureContext({ key: material.key, cert: material.cert, ...versions });
    // a reply is sent whole at once; Nagle would hold a multi-line one's tail back for the
    // client's delayed ACK (some 40 ms a message: a mailbox of 1,000 took 45 s to download)
    const noDelay = true;
    if (pop3) {
      // half open: a client's FIN ends its input, not our replies (pop3-session.ts)
      const server = createServer({ noDelay, allowHalfOpen: true }, (socket) =>
        this.accept(socket, 'pop3', pop3),
      );
      this.servers.push(server);
      this.addresses.pop3 = await this.listen(server, '--pop3', pop3);
    }
    if (pop3s) {
      const options = { key: material.key, cert: material.cert, noDelay, ...versions };
      const server = createTlsServer(options, (socket) => this.accept(socket, 'pop3s', pop3s));
      server.on('tlsClientError', (err, socket) =>
        this.log(
          connectionErrorLine('pop3s', Object.assign(err, { remoteAddress: socket.remoteAddress })),
        ),
      );
      this.servers.push(server);
      this.addresses.pop3s = await this.listen(server, '--pop3s', pop3s);
    }
    for (const [name, address] of [
      ['POP3 (STLS offered)', this.addresses.pop3],
      ['POP3S (implicit TLS)', this.addresses.pop3s],
    ] as const) {
      if (!address) continue;
      const reach = isLoopbackHost(address.host) ? 'this machine only' : 'other machines too';
      this.log(
        `exposure: ${name} on ${hostPort(address)} (${reach}; log in as NAME or NAME/MAILBOX)`,
      );
    }
    return this.addresses;
  }

  /** Stops listening and ends open sessions (without their deletions: only QUIT deletes). */
  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
