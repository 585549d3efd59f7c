// How `dump` and `ingest` reach the running relay: its HTTP API at --http (a URL or HOST:PORT),
// else RELAYDESK_HTTP, else 127.0.0.1:8025. A UI password goes in the URL
// (http://any:PASSWORD@127.0.0.1:8025) or RELAYDESK_UI_PASSWORD, and is sent as basic auth.
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

export function relayApi(flag: string | undefined, env: NodeJS.ProcessEnv): RelayApi {
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
  const password = decodeURIComponent(url.password) || env.RELAYDESK_UI_PASSWORD || '';
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
        throw new Error(
          `cannot reach the relay's API at ${base} (${cause}); is \`relaydesk serve\` running? give --http URL`,
          { cause: err },
        );
      }
    },
  };
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

/** parseArgs' own errors ("Unknown option '--x'") as usage errors of the command. */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliUsageError(`${command}: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
}
