// A password on the HTTP API and UI (basic auth), required when they listen beyond loopback:
// whoever reaches the port could otherwise read every captured message and drive the relay.
// The password comes from `--ui-password-file` (the file holds the password, or its scrypt hash
// from `relaydesk user hash`) and is only ever kept hashed. Any user name is accepted; the
// password decides. A header that verified once is remembered by its SHA-256, so the UI's many
// requests do not each pay for scrypt. Failures are throttled per client IP like SMTP AUTH
// (then 429 for a while). The liveness and readiness probes stay open: they tell nothing.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LogRecord } from '../core/logs/log-record.js';
import { AuthThrottle } from '../core/policy/auth-throttle.js';
import { isLoopbackHost } from '../core/net/ip-address.js';
import { hashPassword, isPasswordHash, verifyPassword } from '../core/policy/password-hash.js';
import { SettingsError, type Settings } from '../core/settings/settings-schema.js';
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

/** The scrypt hash of the UI password, from the file (hashing a plain password now). */
export async function loadUiPasswordHash(
  file: string,
  flag = '--ui-password-file',
): Promise<string> {
  const line = await readSecretLine(
    file,
    flag,
    'the password (or its hash from "relaydesk user hash")',
  );
  if (htpasswdLine.test(line)) {
    // taken as the password itself, `admin:$2y$05$…` would let nobody in, and say nothing
    throw new SettingsError(
      `${flag}: ${JSON.stringify(file)} holds an htpasswd line (user:hash, as Mailpit's --ui-auth-file and --send-api-auth-file take); Relaydesk takes one password for any user name: write the password in the file, or the hash "relaydesk user hash" prints for it`,
    );
  }
  return isPasswordHash(line) ? line : hashPassword(line);
}

/** `name:hash` as htpasswd writes it: bcrypt, Apache MD5, SHA-1, crypt's SHA-256/512. */
const htpasswdLine = /^[^:\s]+:(\$2[abxy]?\$\d\d\$|\$apr1\$|\{SSHA\}|\{SHA\}|\$[156]\$)/;

function passwordFrom(headers: IncomingHttpHeaders): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

export interface BasicAuth {
  /** Whether a request (or WebSocket upgrade) from `ip` with these headers may proceed. */
  check(headers: IncomingHttpHeaders, ip: string): Promise<'ok' | 'missing' | 'wrong' | 'locked'>;
  onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export function createBasicAuth(
  hash: string,
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
    const password = passwordFrom(headers);
    if (password === null) return 'missing';
    const digest = createHash('sha256')
      .update(headers.authorization ?? '')
      .digest('hex');
    if (verified.has(digest)) return 'ok';
    const state = throttle.state(ip);
    if (state.locked) return 'locked';
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    if (await verifyPassword(password, hash)) {
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
        .send({ error: 'this Relaydesk needs its UI password (basic auth, any user name)' });
    },
  };
}
