// How the commands that drive the running relay (`dump`, `ingest`, `queue`, `suspend`, `lockout`)
// reach it: its HTTP API at --http (a URL or HOST:PORT), else RELAYDESK_HTTP, else 127.0.0.1:8025.
// A UI password goes in the URL (http://any:PASSWORD@127.0.0.1:8025), a file named by
// --ui-password-file, or RELAYDESK_UI_PASSWORD, and is sent as basic auth.
import { readFileSync } from 'node:fs';

export interface RelayApi {
  /** Base URL without credentials, ending in "/". */
  base: string;
  /** Whether a UI password is sent (a 401 then means a wrong one, not a missing one). */
  sendsPassword: boolean;
  fetch(path: string, init?: RequestInit): Promise<Response>;
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
  options: { passwordFile?: string } = {},
): RelayApi {
  const raw = flag ?? env.RELAYDESK_HTTP ?? '127.0.0.1:8025';
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
  return {
    base,
    sendsPassword: auth !== null,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (auth) headers.set('authorization', auth);
      try {
        return await fetch(new URL(path.replace(/^\//, ''), base), { ...init, headers });
      } catch (err) {
        const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
        throw new RelayUnreachableError(
          `cannot reach the relay's API at ${base} (${cause}); is \`relaydesk serve\` running? give --http URL`,
          { cause: err },
        );
      }
    },
  };
}

function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new CliUsageError(
      `--ui-password-file: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the file holding the UI password`,
    );
  }
}

/** The body of an error answer, in one line. */
export async function answerText(res: Response): Promise<string> {
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
