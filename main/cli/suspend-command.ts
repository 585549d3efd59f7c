// `relaydesk suspend ip|cidr|user|sender VALUE --reason TEXT` and `relaydesk unsuspend ID
// [--release]`, plus `relaydesk suspensions` to list them: they talk to the running relay over
// its HTTP API (RELAYDESK_HTTP or --http say where), as `sendmail` talks to its SMTP, so the
// change takes effect at once without a restart.
import { bracketHost } from '../core/net/ip-address.js';
import { readFileSync } from 'node:fs';
import {
  fieldByKey,
  parseSettingValue,
  type ListenAddress,
} from '../core/settings/settings-schema.js';

const exUsage = 64;
const exUnavailable = 69;

const usage = `Usage:
  relaydesk suspend ip|cidr|user|sender VALUE --reason TEXT [--http HOST:PORT]
  relaydesk unsuspend ID [--release] [--http HOST:PORT]
  relaydesk suspensions [--http HOST:PORT]
The relay's API is at --http, else RELAYDESK_HTTP, else 127.0.0.1:8025. With a UI password,
give it in RELAYDESK_UI_PASSWORD or --ui-password-file FILE.
`;

interface ApiTarget {
  base: string;
  authorization: string | null;
}

function takeOption(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  args.splice(index, 2);
  return value;
}

function target(args: string[], env: NodeJS.ProcessEnv): ApiTarget {
  const httpField = fieldByKey('http');
  if (!httpField) throw new Error('http setting missing');
  const flag = takeOption(args, '--http');
  let http: ListenAddress = { host: '127.0.0.1', port: 8025 };
  if (flag !== undefined) http = parseSettingValue(httpField, flag, 'flag') as ListenAddress;
  else if (env.RELAYDESK_HTTP)
    http = parseSettingValue(httpField, env.RELAYDESK_HTTP, 'env') as ListenAddress;
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  const passwordFile = takeOption(args, '--ui-password-file');
  const password =
    passwordFile !== undefined
      ? readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '')
      : env.RELAYDESK_UI_PASSWORD;
  return {
    base: `http://${bracketHost(host)}:${http.port}`,
    authorization: password
      ? `Basic ${Buffer.from(`relaydesk:${password}`).toString('base64')}`
      : null,
  };
}

async function call(
  api: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (api.authorization) headers.authorization = api.authorization;
  let res: Response;
  try {
    res = await fetch(api.base + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliFailure(
      exUnavailable,
      `cannot reach the relay's API at ${api.base} (${cause}); is it running? give --http HOST:PORT`,
    );
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: shown as it is
  }
  if (!res.ok) {
    const message =
      typeof parsed === 'object' && parsed !== null && 'error' in parsed
        ? String((parsed as { error: unknown }).error)
        : text;
    throw new CliFailure(
      res.status === 400 || res.status === 404 ? exUsage : 1,
      message,
      res.status,
    );
  }
  return parsed;
}

class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** The API's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function runSuspendCommand(
  command: 'suspend' | 'unsuspend' | 'suspensions',
  rawArgs: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => process.stdout.write(text),
  err: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  const args = [...rawArgs];
  if (args.includes('--help') || args.includes('-h')) {
    out(usage);
    return 0;
  }
  try {
    const api = target(args, env);
    if (command === 'suspensions') {
      const list = (await call(api, 'GET', '/api/v1/suspensions')) as Array<
        Record<string, unknown>
      >;
      if (list.length === 0) err('no suspensions\n');
      for (const s of list)
        out(`${s.ID}\t${s.Kind}\t${s.Value}\t${s.Reason}${s.Auto ? '\t(automatic)' : ''}\n`);
      return 0;
    }
    if (command === 'suspend') {
      const reason = takeOption(args, '--reason');
      const [kind, value, ...extra] = args;
      if (!kind || !value || extra.length > 0 || reason === undefined) {
        // say which part is missing: the client is told the reason, so it is required
        const missing =
          !kind || !value
            ? 'KIND and VALUE are missing'
            : extra.length > 0
              ? `${JSON.stringify(extra.join(' '))} is one word too many (quote a VALUE with spaces)`
              : '--reason is missing (the client is told why)';
        err(
          `relaydesk suspend: ${missing}; give KIND VALUE --reason TEXT, e.g. relaydesk suspend ip 192.0.2.7 --reason "sending spam"\n`,
        );
        return exUsage;
      }
      const entry = (await call(api, 'POST', '/api/v1/suspensions', {
        Kind: kind,
        Value: value,
        Reason: reason,
      })) as { ID: string; Kind: string; Value: string; Held: string[] };
      out(`${entry.ID}\n`);
      err(
        `suspended ${entry.Kind} ${entry.Value} (ID ${entry.ID})${entry.Held.length ? `; ${entry.Held.length} queued message(s) held` : ''}\n`,
      );
      return 0;
    }
    const release = args.includes('--release');
    const [id, ...extra] = args.filter((a) => a !== '--release');
    if (!id || extra.length > 0) {
      err(
        'relaydesk unsuspend: give the ID that `relaydesk suspend` printed (or see `relaydesk suspensions`)\n',
      );
      return exUsage;
    }
    const lifted = (await call(
      api,
      'DELETE',
      `/api/v1/suspensions/${encodeURIComponent(id)}${release ? '?release=true' : ''}`,
    ).catch((e: unknown) => {
      if (e instanceof CliFailure && e.status === 404) {
        throw new CliFailure(e.exitCode, `${e.message}; \`relaydesk suspensions\` lists the IDs`);
      }
      throw e;
    })) as { Kind: string; Value: string; Released: string[]; StillHeld?: string[] };
    const stillHeld = lifted.StillHeld ?? [];
    err(
      `${lifted.Kind} ${lifted.Value} is no longer suspended${release ? `; ${lifted.Released.length} held message(s) released` : ''}${stillHeld.length ? `; ${stillHeld.length} stay held: another suspension still covers them (see \`relaydesk suspensions\`)` : ''}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof CliFailure) {
      err(`relaydesk ${command}: ${e.message}\n`);
      return e.exitCode;
    }
    err(`relaydesk ${command}: ${(e as Error).message}\n`);
    return exUsage;
  }
}
