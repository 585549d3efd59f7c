// The flags of `relaydesk serve`, all read from the settings' declarations: one per setting,
// plus the upstream's (merged into the "relay" object) and DKIM's. A bare on/off flag
// (`--require-auth`) means true, and a list flag may be repeated (`--allow-ip A --allow-ip B`),
// the way people write them; then node's parseArgs takes them strictly.
import { parseArgs } from 'node:util';
import { dkimFlags } from '../core/settings/dkim-settings.js';
import { relayFlags } from '../core/settings/relay-settings.js';
import { repeatableFlags } from '../core/settings/settings-docs.js';
import { settingFields } from '../core/settings/settings-schema.js';
import { nearestName } from '../core/text/nearest-name.js';
import { otherToolFlagHint } from './other-tool-flags.js';

export class UsageError extends Error {}

/** Every flag of serve, with what it takes. */
export const serveFlags: ReadonlyArray<{ flag: string; allowed: string; env: string }> = [
  ...settingFields,
  ...relayFlags,
  ...dkimFlags,
];

/** On/off settings' flags: `--require-auth` alone means `--require-auth true`. */
const bareBooleanFlags = new Set(
  settingFields
    .filter((f) => f.input.kind === 'checkbox' || f.key === 'starttls')
    .map((f) => f.flag),
);
const booleanWords = /^(true|false|yes|no|1|0)$/;

export function expandServeFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  const repeated = new Map<string, { index: number; values: string[] }>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (repeatableFlags.includes(name)) {
      let value: string | undefined;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i] as string;
      if (value === undefined) {
        out.push(arg);
        continue;
      }
      const seen = repeated.get(name);
      if (seen) seen.values.push(value);
      else {
        repeated.set(name, { index: out.length, values: [value] });
        out.push(name);
      }
      continue;
    }
    if (eq === -1 && bareBooleanFlags.has(arg)) {
      const next = args[i + 1];
      if (next === undefined || !booleanWords.test(next)) {
        out.push(`${arg}=true`);
        continue;
      }
    }
    out.push(arg);
  }
  for (const [name, { index, values }] of repeated) out[index] = `${name}=${values.join(',')}`;
  return out;
}

export interface ServeFlags {
  flags: Record<string, string>;
  configFile?: string;
  help: boolean;
}

export function parseServeFlags(args: string[]): ServeFlags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    help: { type: 'boolean' },
  };
  for (const f of serveFlags) options[f.flag.slice(2)] = { type: 'string' };
  const known = ['--config', ...serveFlags.map((f) => f.flag)];
  // `--max-messages -1`: parseArgs refuses a value that starts with a dash (it might be a flag)
  // in three lines about `--max-messages=-XYZ`. None of our flags has a single dash, so it is the
  // value, and the setting's own check then says what is allowed.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (known.includes(arg) && next !== undefined && /^-(?!-)./.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  // Go's flags (MailHog's `-smtp-bind-addr`, Mailpit's long flags) take one dash as well as two;
  // parseArgs would read `-smtp-bind-addr` as the letters -s -m -t… and name only `-s`
  for (const arg of joined) {
    const single = /^-([a-z][a-z0-9-]+)(?:=.*)?$/.exec(arg)?.[1];
    if (!single) continue;
    const long = `--${single}`;
    if (known.includes(long)) {
      throw new UsageError(`-${single}: flags take two dashes here: ${long}`);
    }
    const hint = otherToolFlagHint(long, `-${single}`);
    if (hint) throw new UsageError(hint);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) {
      const hint = otherToolFlagHint(unknown);
      if (hint) throw new UsageError(hint);
      const near = nearestName(unknown.replace(/=.*$/, ''), known);
      throw new UsageError(
        near
          ? `${unknown}: unknown flag; did you mean ${near}? (\`relaydesk serve --help\` says what each flag takes)`
          : `${unknown}: unknown flag; the flags are ${known.join(', ')} (\`relaydesk serve --help\` says what each takes)`,
      );
    }
    const missing = /Option '(--[\w-]+)[^']*' argument (?:missing|is ambiguous)/.exec(message)?.[1];
    if (missing) {
      const allowed =
        serveFlags.find((f) => f.flag === missing)?.allowed ?? 'the path of a JSON settings file';
      throw new UsageError(`${missing}: needs a value: ${allowed}`);
    }
    const positional = /Unexpected argument '([^']+)'/.exec(message)?.[1];
    if (positional) {
      throw new UsageError(
        `${positional}: unexpected argument; flags look like --smtp 127.0.0.1:1025`,
      );
    }
    // anything else parseArgs says, on one line
    throw new UsageError(message.replace(/\s*\n\s*/g, ' '));
  }
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string' && name !== 'config') flags[`--${name}`] = value;
  }
  const configFile = typeof parsed.values.config === 'string' ? parsed.values.config : undefined;
  return {
    flags,
    ...(configFile !== undefined ? { configFile } : {}),
    help: parsed.values.help === true,
  };
}
