// `relaydesk lockout list|release [ADDRESS [USER]] [--http HOST:PORT]`: the SMTP AUTH lockouts of
// the running relay. Lockouts live in the relay's memory, so this asks its API (RELAYDESK_HTTP or
// --http say where, as `sendmail` finds the SMTP port). A UI password, when the relay has one, is
// read from RELAYDESK_UI_PASSWORD or --ui-password-file, never from the command line.
import { isIP } from 'node:net';
import type { AuthLockoutEntry } from '../core/policy/auth-lockout.js';
import {
  passwordHint,
  relayApiOfFlags,
  RelayUnreachableError,
  takeOptions,
  type ApiAnswer,
  type ApiRequest,
} from './relay-api.js';

const usage = `Usage: relaydesk lockout <list|release> [ADDRESS [USER]] [--http HOST:PORT]

  list                    the (address, user) pairs locked out of SMTP AUTH
  release ADDRESS USER    let USER authenticate from ADDRESS again
  release ADDRESS         every user of ADDRESS (and forget its failures)
  release --all           every lockout

  --http HOST:PORT        the running relay's API (default: that of the relay running on
                          --data, else RELAYDESK_HTTP, else that of the relay running on
                          RELAYDESK_DATA or the default data folder, else 127.0.0.1:8025)
  --data DIR              ask the relay running on this data folder (relaydesk serve --data DIR)
  --ui-password-file FILE the UI password, when the relay has one (or RELAYDESK_UI_PASSWORD)
`;

class LockoutUsageError extends Error {}

function describe(entry: AuthLockoutEntry): string {
  return `${entry.Address}\t${entry.User}\t${entry.Failures} failures\tuntil ${entry.LockedUntil}`;
}

export async function runLockoutCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const {
      options: { '--http': http, '--ui-password-file': passwordFile, '--data': data },
      rest,
    } = takeOptions(args, ['--http', '--ui-password-file', '--data']);
    const [action, address, user, extra] = rest;
    if (action === undefined || action === '--help' || action === '-h') {
      process.stdout.write(usage);
      return action === undefined ? 2 : 0;
    }
    const api = relayApiOfFlags({ http, data, 'ui-password-file': passwordFile }, env);
    const headers = { 'content-type': 'application/json' };
    let path: string;
    let init: ApiRequest;
    if (action === 'list' && address === undefined) {
      path = '/api/v1/auth/lockouts';
      init = { headers };
    } else if (action === 'release' && address !== undefined && extra === undefined) {
      if (address !== '--all' && isIP(address) === 0) {
        throw new LockoutUsageError(
          `ADDRESS: ${JSON.stringify(address)} is not an IP address; give the client address as \`relaydesk lockout list\` shows it, e.g. 192.0.2.7`,
        );
      }
      const body = address === '--all' ? {} : { Address: address, ...(user ? { User: user } : {}) };
      if (address === '--all' && user !== undefined) {
        throw new LockoutUsageError('release --all takes no ADDRESS or USER');
      }
      path = '/api/v1/auth/lockouts/release';
      init = { method: 'POST', headers, body: JSON.stringify(body) };
    } else {
      throw new LockoutUsageError(
        action === 'release'
          ? 'release needs ADDRESS [USER], or --all'
          : `${action}: unknown lockout command; use "list" or "release"`,
      );
    }
    let res: ApiAnswer;
    try {
      res = await api.fetch(path, init);
    } catch (err) {
      if (!(err instanceof RelayUnreachableError)) throw err;
      process.stderr.write(`relaydesk lockout: ${err.message}\n`);
      return 1;
    }
    const text = await res.text();
    if (!res.ok) {
      const hint = res.status === 401 ? ` (${passwordHint(api)})` : '';
      process.stderr.write(`relaydesk lockout: the API answered ${res.status}: ${text}${hint}\n`);
      return 1;
    }
    const body = JSON.parse(text) as {
      lockouts?: AuthLockoutEntry[];
      released?: AuthLockoutEntry[];
    };
    if (body.lockouts) {
      if (body.lockouts.length === 0) process.stdout.write('no lockouts\n');
      for (const entry of body.lockouts) process.stdout.write(`${describe(entry)}\n`);
    } else {
      const released = body.released ?? [];
      if (released.length === 0 && address !== '--all') {
        // a release that matched nothing is most often a mistyped address or user name
        process.stderr.write(
          `relaydesk lockout: ${user === undefined ? 'no user is' : `user ${JSON.stringify(user)} is not`} locked out from ${address} (its failures, if any, are forgotten); \`relaydesk lockout list\` shows the lockouts\n`,
        );
        return 1;
      }
      process.stdout.write(
        `released ${released.length} lockout${released.length === 1 ? '' : 's'}\n`,
      );
      for (const entry of released) process.stdout.write(`${describe(entry)}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`relaydesk lockout: ${(err as Error).message}\n`);
    return 2;
  }
}
