// How the commands that drive the running relay (`dump`, `ingest`, `queue`, `suspend`, `lockout`)
// reach it: its HTTP API at --http (a URL or HOST:PORT), else where the relay running on the data
// folder given in --data recorded it, else RELAYDESK_HTTP, else where the relay running on
// RELAYDESK_DATA (else the default data folder) recorded it, as `mailq` needs no address, else
// 127.0.0.1:8025.
// A UI password goes in the URL (http://any:PASSWORD@127.0.0.1:8025), a file named by
// --ui-password-file, or RELAYDESK_UI_PASSWORD, and is sent as basic auth.
//
// Asked with node:http rather than fetch: Node loads fetch's undici (JavaScript and a WebAssembly
// HTTP parser compiled on every start) on first use, about 0.2 s of CPU of the 0.5 s a command
// such as `relaydesk queue` took; node:http's parser is built into Node.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isHtpasswd } from '../core/policy/htpasswd-line.js';
import { runningRelayHttp } from '../core/maildrop/listening-file.js';
import { defaultDataDir } from '../core/settings/settings-sources.js';
import { bracketHost } from '../core/net/ip-address.js';

export interface RelayApi {
  /** Base URL without credentials, ending in "/". */
  base: string;
  /** Whether a UI password is sent (a 401 then means a wrong one, not a missing one). */
  sendsPassword: boolean;
  fetch(path: string, init?: ApiRequest): Promise<ApiAnswer>;
}

export interface ApiRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** The API's answer, read whole (the largest, a message of `dump`, is within the size limit). */
export interface ApiAnswer {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** HOST:PORT of the API of the relay running on the data folder, or undefined. */
function runningApi(env: NodeJS.ProcessEnv): string | undefined {
  const http = runningRelayHttp(env.RELAYDESK_DATA || defaultDataDir(undefined, env));
  return http ? `${bracketHost(http.host)}:${http.port}` : undefined;
}

/**
 * HOST:PORT of the API of the relay running on a data folder named with --data. None there is an
 * error, not 127.0.0.1:8025: that would ask whatever else listens there (Mailpit, another relay).
 */
function apiOfDataFolder(dataDir: string): string {
  const http = runningRelayHttp(dataDir);
  if (!http) {
    throw new RelayUnreachableError(
      `--data: no relay is running on ${JSON.stringify(dataDir)} (its listening.json names no running relaydesk serve); start one with relaydesk serve --data ${JSON.stringify(dataDir)}, or give --http URL`,
    );
  }
  return `${bracketHost(http.host)}:${http.port}`;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The relay's API did not answer at all (not running, wrong --http). */
export class RelayUnreachableError extends Error {
  override name = 'RelayUnreachableError';
}

export function relayApi(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  options: { passwordFile?: string; dataDir?: string } = {},
): RelayApi {
  const raw =
    flag ??
    (options.dataDir !== undefined ? apiOfDataFolder(options.dataDir) : undefined) ??
    env.RELAYDESK_HTTP ??
    runningApi(env) ??
    '127.0.0.1:8025';
  let url: URL;
  try {
    url = new URL(
      /^https?:\/\//i.test(raw)
        ? raw
        : `http://${raw.replace(/^(0\.0\.0\.0|\[::\]|::)(?=:)/, '127.0.0.1')}`,
    );
  } catch {
    throw new CliUsageError(
      `--http: ${JSON.stringify(raw)} is not a URL or HOST:PORT; give e.g. http://127.0.0.1:8025`,
    );
  }
  const password =
    decodeURIComponent(url.password) ||
    (options.passwordFile !== undefined ? readPasswordFile(options.passwordFile) : '') ||
    env.RELAYDESK_UI_PASSWORD ||
    '';
  const user = decodeURIComponent(url.username) || 'relaydesk';
  url.username = '';
  url.password = '';
  url.pathname = url.pathname.replace(/\/*$/, '/');
  const base = url.href;
  const auth = password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
  // one connection for a command's many requests (dump, ingest); idle, it does not keep the
  // command from exiting (the agent unrefs its free sockets)
  const agent =
    url.protocol === 'https:'
      ? new HttpsAgent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  return {
    base,
    sendsPassword: auth !== null,
    async fetch(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (auth) headers.authorization = auth;
      try {
        return await ask(new URL(path.replace(/^\//, ''), base), init, headers, agent);
      } catch (err) {
        throw new RelayUnreachableError(
          `cannot reach the relay's API at ${base} (${(err as Error).message}); is \`relaydesk serve\` running? give --http URL`,
          { cause: err },
        );
      }
    },
  };
}

/** The relay's API as the flags --http, --data and --ui-password-file of a command say. */
export function relayApiOfFlags(
  flags: { http?: string; data?: string; 'ui-password-file'?: string },
  env: NodeJS.ProcessEnv,
): RelayApi {
  return relayApi(flags.http, env, {
    ...(flags['ui-password-file'] !== undefined ? { passwordFile: flags['ui-password-file'] } : {}),
    ...(flags.data !== undefined ? { dataDir: flags.data } : {}),
  });
}

function ask(
  url: URL,
  init: ApiRequest,
  headers: Record<string, string>,
  agent: HttpAgent,
): Promise<ApiAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: init.method ?? 'GET', headers, agent }, (response) => {
      readWhole(response).then((body) => resolve(answerOf(response.statusCode ?? 0, body)), reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

async function readWhole(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answerOf(status: number, body: Buffer): ApiAnswer {
  const text = (): string => body.toString('utf8');
  return {
    status,
    ok: status >= 200 && status < 300,
    text: () => Promise.resolve(text()),
    json: () => Promise.resolve().then(() => JSON.parse(text()) as unknown),
    arrayBuffer: () =>
      Promise.resolve(
        body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
      ),
  };
}

function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliUsageError(
      `--ui-password-file: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the file holding the UI password`,
    );
  }
  // the relay's own file may be htpasswd lines: hashes, which no command can log in with
  if (isHtpasswd(text)) {
    throw new CliUsageError(
      `--ui-password-file: ${JSON.stringify(path)} holds htpasswd lines (user:hash), not a password to log in with; give a user and password in the URL instead: --http http://USER:PASSWORD@127.0.0.1:8025`,
    );
  }
  return text.replace(/\r?\n$/, '');
}

/** The body of an error answer, in one line. */
export async function answerText(res: ApiAnswer): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: string; Error?: string };
    return body.error ?? body.Error ?? text;
  } catch {
    return text.trim().slice(0, 300);
  }
}

/**
 * Takes the named options (`--name VALUE` or `--name=VALUE`, the last one given wins) out of a
 * command's words; the rest stay in order.
 */
export function takeOptions<Name extends string>(
  args: readonly string[],
  names: readonly Name[],
): { options: Partial<Record<Name, string>>; rest: string[] } {
  const options: Partial<Record<Name, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = names.find((n) => n === (eq < 0 ? arg : arg.slice(0, eq)));
    if (name === undefined) rest.push(arg);
    else options[name] = eq < 0 ? args[++i] : arg.slice(eq + 1);
  }
  return { options, rest };
}

/** parseArgs' own errors ("Unknown option '--x'") as usage errors of the command. */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliUsageError(`${command}: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
}

/** What a 401 means for a command: no UI password given, or a wrong one. */
export function passwordHint(api: RelayApi): string {
  return api.sendsPassword
    ? "the UI password given is not the relay's"
    : 'the relay has a UI password: give it in RELAYDESK_UI_PASSWORD or --ui-password-file FILE';
}
