// `relaydesk suspend ip|cidr|user|sender VALUE --reason TEXT` and `relaydesk unsuspend ID
// [--release]`, plus `relaydesk suspensions` to list them: they talk to the running relay over
// its HTTP API (RELAYDESK_HTTP or --http say where), as `sendmail` talks to its SMTP, so the
// change takes effect at once without a restart.
import {
  answerText,
  passwordHint,
  relayApiOfFlags,
  RelayUnreachableError,
  takeOptions,
  type ApiAnswer,
  type RelayApi,
} from './relay-api.js';
import type { SuspensionKind } from '../core/sender-control/suspensions.js';
import { nearestName } from '../core/text/nearest-name.js';

const exUsage = 64;
const exUnavailable = 69;

const usage = `Usage:
  relaydesk suspend ip|cidr|user|sender VALUE --reason TEXT [--http HOST:PORT]
  relaydesk unsuspend ID [--release] [--http HOST:PORT]
  relaydesk suspensions [--http HOST:PORT]
The relay's API is at --http, else where the relay running on the data folder in --data DIR
listens, else RELAYDESK_HTTP, else where the relay running on RELAYDESK_DATA or the default
data folder listens, else 127.0.0.1:8025. With a UI password, give it in RELAYDESK_UI_PASSWORD
or --ui-password-file FILE.
`;

/**
 * What VALUE is for each KIND, and one to show in a command to copy. Every kind the API takes has
 * one (the type says so), so its keys are the kinds the CLI checks KIND against.
 */
const suspendValues: Record<SuspensionKind, { what: string; example: string }> = {
  ip: { what: "the client's IP address", example: '192.0.2.7' },
  cidr: { what: 'a network', example: '192.0.2.0/24' },
  user: { what: 'the SMTP user name', example: 'printer' },
  sender: { what: 'the sender address or a glob', example: '"*@newsletter.example"' },
};

const suspendCommand = (kind: SuspensionKind, value: string): string =>
  `relaydesk suspend ${kind} ${value} --reason "sending spam"`;

const suspendKinds = Object.keys(suspendValues) as SuspensionKind[];

async function call(api: RelayApi, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: ApiAnswer;
  try {
    res = await api.fetch(path, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
  } catch (err) {
    if (err instanceof RelayUnreachableError) throw new CliFailure(exUnavailable, err.message);
    throw err;
  }
  if (!res.ok) {
    const why = await answerText(res);
    throw new CliFailure(
      res.status === 400 || res.status === 404 ? exUsage : 1,
      res.status === 401 ? `${why} (${passwordHint(api)})` : why,
      res.status,
    );
  }
  return (await res.json()) as unknown;
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
  const {
    options: {
      '--http': http,
      '--ui-password-file': passwordFile,
      '--reason': reason,
      '--data': data,
    },
    rest: args,
  } = takeOptions(rawArgs, ['--http', '--ui-password-file', '--reason', '--data']);
  if (args.includes('--help') || args.includes('-h')) {
    out(usage);
    return 0;
  }
  // a misspelt flag (`--relese`) was read as one more ID or VALUE word, and the answer spoke of
  // the ID the admin had given; name the flag instead
  const flags = command === 'unsuspend' ? ['--release'] : [];
  const unknown = args.find(
    (a) => (a.startsWith('--') || /^-[a-z]$/i.test(a)) && !flags.includes(a),
  );
  if (unknown !== undefined) {
    const known = [
      ...flags,
      ...(command === 'suspend' ? ['--reason TEXT'] : []),
      '--http HOST:PORT',
      '--data DIR',
      '--ui-password-file FILE',
    ];
    err(
      `relaydesk ${command}: ${unknown} is not a flag of ${command}; its flags are ${known.join(', ')}\n`,
    );
    return exUsage;
  }
  try {
    const api = relayApiOfFlags({ http, data, 'ui-password-file': passwordFile }, env);
    if (command === 'suspensions') {
      const list = (await call(api, 'GET', '/api/v1/suspensions')) as Array<
        Record<string, unknown>
      >;
      if (list.length === 0) err('no suspensions\n');
      // who made it (the anomaly alert, or a person) and when, after the columns scripts read
      for (const s of list)
        out(
          `${s.ID}\t${s.Kind}\t${s.Value}\t${s.Reason}\t${s.Auto ? '(automatic)' : '(by hand)'}\t${s.Created}\n`,
        );
      return 0;
    }
    if (command === 'suspend') {
      const [kind, value, ...extra] = args;
      // the API's "Kind: "usr" is not valid" came only after a round trip, with no suggestion
      if (kind && !suspendKinds.some((k) => k === kind)) {
        const near = suspendKinds.find((k) => k === nearestName(kind, suspendKinds));
        const example = near ?? 'ip';
        // the admin's own VALUE in the command to copy, when the kind meant is plain
        const exampleValue =
          near && value
            ? /^[\w.@:/+-]+$/.test(value)
              ? value
              : JSON.stringify(value)
            : suspendValues[example].example;
        err(
          `relaydesk suspend: KIND: ${JSON.stringify(kind)} is not valid; ${near ? `did you mean ${near}? ` : ''}KIND is one of ${suspendKinds.join(', ')}, e.g. ${suspendCommand(example, exampleValue)}\n`,
        );
        return exUsage;
      }
      // `suspend user ''` (a variable that was empty in a script) was answered "KIND and VALUE are
      // missing", though the kind was there: name the empty VALUE and what goes in it
      const known = suspendKinds.find((k) => k === kind);
      const valueFix =
        known !== undefined
          ? `${suspendValues[known].what}, e.g. ${suspendCommand(known, suspendValues[known].example)}`
          : undefined;
      if (valueFix && (value === undefined || value.trim() === '')) {
        err(
          `relaydesk suspend: ${value === undefined ? `VALUE is missing after ${kind}` : `VALUE: ${JSON.stringify(value)} is empty`}; give ${valueFix}\n`,
        );
        return exUsage;
      }
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
      })) as {
        ID: string;
        Kind: string;
        Value: string;
        Held: string[];
        InAttempt?: string[];
        Warning?: string;
      };
      out(`${entry.ID}\n`);
      const inAttempt = entry.InAttempt?.length ?? 0;
      err(
        `suspended ${entry.Kind} ${entry.Value} (ID ${entry.ID})${entry.Held.length ? `; ${entry.Held.length} queued message(s) held` : ''}${inAttempt ? `; ${inAttempt} in an attempt now, held if that attempt defers ${inAttempt === 1 ? 'it' : 'them'} (${entry.InAttempt?.join(', ')})` : ''}\n`,
      );
      if (entry.Warning) err(`relaydesk suspend: warning: ${entry.Warning}\n`);
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
