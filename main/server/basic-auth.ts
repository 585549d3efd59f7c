// A password on the HTTP API and UI (basic auth), required when they listen beyond loopback:
// whoever reaches the port could otherwise read every captured message and drive the relay.
// The password comes from `--ui-password-file` (the file holds the password, or its scrypt hash
// from `relaydesk user hash`) and is only ever kept hashed; any user name is accepted, the
// password decides. Or the file is an htpasswd file (Mailpit's --ui-auth-file), and the user
// name must be one of its users. A header that verified once is remembered by its SHA-256, so the UI's many
// requests do not each pay for scrypt. Failures are throttled per client IP like SMTP AUTH
// (then 429 for a while). The liveness and readiness probes stay open: they tell nothing.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LogRecord } from '../core/logs/log-record.js';
import { AuthThrottle } from '../core/policy/auth-throttle.js';
import { isLoopbackHost } from '../core/net/ip-address.js';
import { hashPassword, isPasswordHash, verifyPassword } from '../core/policy/password-hash.js';
import { type Settings } from '../core/settings/settings-schema.js';
import { parseHtpasswd } from '../core/policy/htpasswd.js';
import { isHtpasswd } from '../core/policy/htpasswd-line.js';
import { readSecretLine } from '../core/policy/secret-file.js';

const openPaths = new Set(['/livez', '/readyz']);
const realm = 'Basic realm="Relaydesk", charset="UTF-8"';

/** Why these settings may not start the HTTP side, or null. */
export function httpExposureProblem(
  settings: Pick<Settings, 'http' | 'uiPasswordFile'>,
): string | null {
  if (isLoopbackHost(settings.http.host) || settings.uiPasswordFile) return null;
  return `--http ${settings.http.host}:${settings.http.port} listens beyond this machine, so the UI and API need a password: give --ui-password-file FILE (a file holding the password), or listen on 127.0.0.1`;
}

/** Who may log in: one password for any user name, or the users of an htpasswd file. */
export interface UiCredentials {
  verify(user: string, password: string): Promise<boolean>;
  /** Whether the user name counts too (an htpasswd file), for what a 401 asks for. */
  named?: boolean;
}

/**
 * The UI (or Send API) credentials from the file: the password or its scrypt hash from
 * `relaydesk user hash` (any user name; a plain password is hashed now and only kept hashed), or
 * an htpasswd file as Mailpit and MailHog take it (user names and passwords both count).
 */
export async function loadUiCredentials(
  file: string,
  flag = '--ui-password-file',
): Promise<UiCredentials> {
  const what = 'the password (or its hash from "relaydesk user hash"), or htpasswd lines';
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text !== null && isHtpasswd(text)) return { ...parseHtpasswd(text, flag, file), named: true };
  const line = await readSecretLine(file, flag, what);
  const hash = isPasswordHash(line) ? line : await hashPassword(line);
  return { verify: (_user, password) => verifyPassword(password, hash) };
}

function credentialsFrom(headers: IncomingHttpHeaders): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1
    ? null
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface BasicAuth {
  /** Whether a request (or WebSocket upgrade) from `ip` with these headers may proceed. */
  check(headers: IncomingHttpHeaders, ip: string): Promise<'ok' | 'missing' | 'wrong' | 'locked'>;
  onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export function createBasicAuth(
  credentials: UiCredentials,
  settings: Pick<Settings, 'authMaxFailures' | 'authFailureDelayMs' | 'authLockoutMs'>,
  log: (record: LogRecord) => void,
  /** Paths this password does not guard (the Send API with its own credentials). */
  exempt: (path: string) => boolean = () => false,
): BasicAuth {
  const throttle = new AuthThrottle({
    maxFailures: settings.authMaxFailures,
    baseDelayMs: settings.authFailureDelayMs,
    lockoutMs: settings.authLockoutMs,
  });
  const verified = new Set<string>();
  const check: BasicAuth['check'] = async (headers, ip) => {
    const given = credentialsFrom(headers);
    if (given === null) return 'missing';
    const digest = createHash('sha256')
      .update(headers.authorization ?? '')
      .digest('hex');
    if (verified.has(digest)) return 'ok';
    const state = throttle.state(ip);
    if (state.locked) return 'locked';
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    if (await credentials.verify(given.user, given.password)) {
      if (verified.size > 100) verified.clear();
      verified.add(digest);
      return 'ok';
    }
    const after = throttle.fail(ip);
    log({
      level: 'warn',
      event: 'http-audit',
      fields: {
        event: 'auth',
        result: 'rejected',
        client: ip,
        failures: after.failures,
        reason: after.locked ? 'locked out' : undefined,
      },
    });
    return after.locked ? 'locked' : 'wrong';
  };
  return {
    check,
    async onRequest(req, reply) {
      const path = req.url.split('?')[0] ?? '';
      if (openPaths.has(path) || exempt(path)) return;
      if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') return;
      const result = await check(req.headers, req.ip);
      if (result === 'ok') return;
      if (result === 'locked') {
        await reply
          .code(429)
          .header('retry-after', String(Math.ceil(settings.authLockoutMs / 1000)))
          .send({ error: 'too many wrong passwords from this address; try again later' });
        return;
      }
      await reply
        .code(401)
        .header('www-authenticate', realm)
        .send({
          error: credentials.named
            ? 'this Relaydesk needs a UI user name and password (basic auth)'
            : 'this Relaydesk needs its UI password (basic auth, any user name)',
        });
    },
  };
}
