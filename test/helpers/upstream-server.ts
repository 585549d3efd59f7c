// A real SMTP upstream for tests: smtp-server on 127.0.0.1 with a port from listen(0), optional
// STARTTLS or implicit TLS with a generated certificate, AUTH users, a failure-injection switch
// (a reply code at MAIL, for every sender or per sender, at RCPT per address, at DATA) and a record of every envelope and raw body
// it received. Close it in afterEach/afterAll: `await upstream.close()`.
import { afterEach } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { madeTempFolder } from './temp-folders.js';
import { unusedPort as closedPort } from './ports.js';

export interface TestCertificate {
  key: string;
  cert: string;
  /** `AB:CD:…` as Node's `fingerprint256` prints it. */
  fingerprint256: string;
  /** The certificate written to a temp file, to trust it through `caFile`. */
  caFile: string;
  /** Removes the temp file. */
  dispose(): void;
}

/**
 * A self-signed certificate for `names` (IP addresses and DNS names). The default covers
 * 127.0.0.1 and localhost, so a client that trusts it (caFile) also accepts the host name.
 */
export async function makeTestCertificate(
  names: string[] = ['127.0.0.1', 'localhost'],
): Promise<TestCertificate> {
  const commonName = names.find((name) => !/^[\d.:]+$/.test(name)) ?? names[0] ?? 'localhost';
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) =>
          /^[\d.:]+$/.test(name)
            ? { type: 7 as const, ip: name }
            : { type: 2 as const, value: name },
        ),
      },
    ],
  });
  // removed when the test file ends even if a test never disposes of it
  const dir = await madeTempFolder('relaydesk-cert-');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pems.cert);
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    caFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A reply to inject. `text` may start with an enhanced status code: `5.1.1 no such user`. */
export interface InjectedReply {
  code: number;
  text: string;
}

export interface FailureInjection {
  mail?: InjectedReply;
  /** At MAIL FROM for these senders only (compared case-insensitively). */
  mailFrom?: Record<string, InjectedReply>;
  /** Keyed by recipient address (compared case-insensitively). */
  rcpt?: Record<string, InjectedReply>;
  data?: InjectedReply;
}

export interface ReceivedMessage {
  /** `''` for the null sender. */
  mailFrom: string;
  rcptTo: string[];
  /** Exactly the bytes between DATA and the final dot, dot-unstuffed by smtp-server. */
  raw: Buffer;
  heloName: string;
  secure: boolean;
  user: string | null;
  smtpUtf8: boolean;
  queueId: string;
}

export interface UpstreamServerOptions {
  /** `starttls` (default), `implicit` (TLS from the first byte, 465-style) or `none`. */
  tls?: 'starttls' | 'implicit' | 'none';
  /** Defaults to a fresh certificate for 127.0.0.1 and localhost. */
  certificate?: TestCertificate;
  /** User → password. When given, MAIL requires AUTH. */
  users?: Record<string, string>;
  /** User → accepted XOAUTH2 access token. */
  tokens?: Record<string, string>;
  authMethods?: Array<'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2'>;
  /** Advertise SMTPUTF8 (default true). */
  smtpUtf8?: boolean;
  failures?: FailureInjection;
  /**
   * Take mail only from the address that logged in, as Microsoft 365 does (any other MAIL FROM,
   * the null sender included, gets `554 5.2.252 SendAsDenied`).
   */
  onlyLoginSender?: boolean;
  /** The reply to a refused login; default `535 5.7.8 Authentication credentials invalid`. */
  authFailure?: InjectedReply;
  /** A fixed port (e.g. to bring an upstream "back" where it was); default a free one. */
  port?: number;
}

export interface RunningUpstream {
  host: '127.0.0.1';
  port: number;
  certificate: TestCertificate | null;
  /** Every message accepted, in order. */
  messages: ReceivedMessage[];
  /** Number of TCP connections accepted. */
  connections: number;
  /** AUTH attempts refused (wrong user, password or token), as a provider's lockout counts them. */
  refusedLogins: number;
  /** Replace the failure injection for the next transactions. */
  setFailures(failures: FailureInjection): void;
  /** Replace the AUTH users (e.g. to make a "wrong" password right). */
  setUsers(users: Record<string, string>): void;
  close(): Promise<void>;
}

function replyError({ code, text }: InjectedReply): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

let queueCounter = 0;

export async function startUpstreamServer(
  options: UpstreamServerOptions = {},
): Promise<RunningUpstream> {
  const mode = options.tls ?? 'starttls';
  const ownCertificate = mode !== 'none' && !options.certificate;
  const certificate =
    mode === 'none' ? null : (options.certificate ?? (await makeTestCertificate()));
  let failures: FailureInjection = options.failures ?? {};
  const messages: ReceivedMessage[] = [];
  const needsAuth = Boolean(options.users || options.tokens);
  let users = options.users;
  let refusedLogins = 0;

  const serverOptions: SMTPServerOptions = {
    secure: mode === 'implicit',
    ...(certificate ? { key: certificate.key, cert: certificate.cert } : {}),
    hideSTARTTLS: mode !== 'starttls',
    // hidden is not enough: smtp-server would still upgrade with its built-in certificate
    ...(mode === 'none' ? { disabledCommands: ['STARTTLS'] } : {}),
    hideSMTPUTF8: options.smtpUtf8 === false,
    // Replies carry exactly the injected text, enhanced code included, as Postfix writes them.
    hideENHANCEDSTATUSCODES: true,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    authOptional: !needsAuth,
    allowInsecureAuth: mode === 'none',
    disableReverseLookup: true,
    closeTimeout: 500,
    logger: false,
    onAuth(auth, _session, callback) {
      const password = users?.[auth.username ?? ''];
      const ok =
        auth.method === 'XOAUTH2'
          ? options.tokens?.[auth.username ?? ''] === auth.accessToken
          : auth.method === 'CRAM-MD5'
            ? password !== undefined && auth.validatePassword(password)
            : password !== undefined && auth.password === password;
      if (!ok) {
        refusedLogins += 1;
        return callback(
          replyError(
            options.authFailure ?? { code: 535, text: '5.7.8 Authentication credentials invalid' },
          ),
        );
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(address, session, callback) {
      if (options.onlyLoginSender && address.address !== session.user) {
        return callback(
          replyError({
            code: 554,
            text: `5.2.252 SendAsDenied; ${String(session.user)} not allowed to send as ${address.address}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied`,
          }),
        );
      }
      const forSender = Object.entries(failures.mailFrom ?? {}).find(
        ([sender]) => sender.toLowerCase() === address.address.toLowerCase(),
      );
      const injected = failures.mail ?? forSender?.[1];
      callback(injected ? replyError(injected) : null);
    },
    onRcptTo(address, _session, callback) {
      const injected = Object.entries(failures.rcpt ?? {}).find(
        ([rcpt]) => rcpt.toLowerCase() === address.address.toLowerCase(),
      );
      callback(injected ? replyError(injected[1]) : null);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures.data) return callback(replyError(failures.data));
        const queueId = `TEST${(++queueCounter).toString(16).toUpperCase().padStart(6, '0')}`;
        const { mailFrom, rcptTo, smtpUtf8 } = session.envelope;
        messages.push({
          mailFrom: mailFrom ? mailFrom.address : '',
          rcptTo: rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks),
          heloName: session.hostNameAppearsAs,
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
          smtpUtf8: Boolean(smtpUtf8),
          queueId,
        });
        callback(null, `2.0.0 Ok: queued as ${queueId}`);
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  // A client that drops a TLS handshake (e.g. a STARTTLS client on the implicit port) makes the
  // server emit 'error'; that is part of what the tests provoke, not a test failure.
  server.on('error', () => undefined);
  let connections = 0;
  server.on('connect', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    certificate,
    messages,
    get connections() {
      return connections;
    },
    get refusedLogins() {
      return refusedLogins;
    },
    setFailures(next) {
      failures = next;
    },
    setUsers(next) {
      users = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          if (ownCertificate) certificate?.dispose();
          resolve();
        });
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens: connections to it are refused. */
export { closedPort };

/**
 * Upstreams and certificates for the tests of one file, closed and removed after each test:
 * `const { upstream, certificate } = upstreamsPerTest();` at the top of the file.
 */
export function upstreamsPerTest(): {
  upstream(options?: UpstreamServerOptions): Promise<RunningUpstream>;
  certificate(names?: string[]): Promise<TestCertificate>;
} {
  const running: RunningUpstream[] = [];
  const certificates: TestCertificate[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((upstream) => upstream.close()));
    for (const cert of certificates.splice(0)) cert.dispose();
  });
  return {
    async upstream(options = {}) {
      const server = await startUpstreamServer(options);
      running.push(server);
      return server;
    },
    async certificate(names) {
      const cert = await makeTestCertificate(names);
      certificates.push(cert);
      return cert;
    },
  };
}

/** A plain upstream (no TLS, no login) and every recipient it took, in order: the kill -9 tests
 * count how often each reached it. */
export async function recipientCountingUpstream(): Promise<{
  port: number;
  readonly got: string[];
  close(): Promise<void>;
}> {
  const upstream = await startUpstreamServer({ tls: 'none' });
  return {
    port: upstream.port,
    get got() {
      return upstream.messages.flatMap((m) => m.rcptTo);
    },
    close: () => upstream.close(),
  };
}
