// The upstream smart host in the settings: the "relay" object of the settings file, overlaid by
// the --relay-* flags and RELAYDESK_RELAY_* variables, then checked by the upstream schema so
// every message names the field, the value and the fix. The password is taken from a file or
// the environment only: a flag value would show in `ps` and shell history.
import { readFileSync } from 'node:fs';
import {
  createUpstreamSettingsSchema,
  describeSettingsError,
  type UpstreamSettings,
} from '../upstream/upstream-settings.js';
import { SettingsError } from './settings-schema.js';
import { textToBoolean } from './setting-kinds.js';

/** A flag that sets one part of the "relay" object (declared like the settings' own flags). */
export interface RelayFlag {
  flag: string;
  env: string;
  allowed: string;
  /** Where it goes in the settings file, e.g. `relay.auth.user`. */
  keys: string[];
  value: string;
  label: string;
  defaultText: string;
}

export const relayFlags: RelayFlag[] = [
  {
    flag: '--relay-host',
    env: 'RELAYDESK_RELAY_HOST',
    allowed: 'HOST:PORT of the smart host, e.g. smtp.example.com:587',
    keys: ['relay.host', 'relay.port'],
    value: 'HOST:PORT',
    label: 'The upstream smart host',
    defaultText: 'none',
  },
  {
    flag: '--relay-security',
    env: 'RELAYDESK_RELAY_SECURITY',
    allowed: '"starttls", "tls" or "none"',
    keys: ['relay.security'],
    value: 'starttls|tls|none',
    label: 'How the connection to the upstream is encrypted',
    defaultText: '`starttls` (`tls` on 465)',
  },
  {
    flag: '--relay-user',
    env: 'RELAYDESK_RELAY_USER',
    allowed: 'the SMTP AUTH user name',
    keys: ['relay.auth.user'],
    value: 'USER',
    label: 'The user Relaydesk logs in to the upstream as',
    defaultText: 'none',
  },
  {
    flag: '--relay-password-file',
    // the password itself may come from RELAYDESK_RELAY_PASSWORD (never from a flag: `ps` shows those)
    env: 'RELAYDESK_RELAY_PASSWORD_FILE',
    allowed: 'a file holding the password (or set RELAYDESK_RELAY_PASSWORD)',
    keys: ['relay.auth.password'],
    value: 'FILE',
    label: 'The upstream password (secret: never shown, logged or sent back)',
    defaultText: 'none (`RELAYDESK_RELAY_PASSWORD` gives the password itself)',
  },
  {
    flag: '--relay-ca',
    env: 'RELAYDESK_RELAY_CA',
    allowed: 'a PEM file with the CA that signed the upstream certificate',
    keys: ['relay.caFile'],
    value: 'FILE',
    label: "The CA of the upstream's certificate",
    defaultText: 'system CAs',
  },
  {
    flag: '--relay-pin-sha256',
    env: 'RELAYDESK_RELAY_PIN_SHA256',
    allowed:
      "the certificate's SHA-256 fingerprint, AB:CD:… (a refused certificate's error names it)",
    keys: ['relay.pinSha256'],
    value: 'FINGERPRINT',
    label: "Trust exactly this upstream certificate (a self-signed one, say) instead of a CA's",
    defaultText: 'none',
  },
  {
    flag: '--relay-allow-insecure',
    env: 'RELAYDESK_RELAY_ALLOW_INSECURE',
    allowed: 'true or false',
    keys: ['relay.allowInsecure'],
    value: 'true|false',
    label: 'Allow no encryption (security none) to an upstream that is not on this machine',
    defaultText: '`false`',
  },
];

function splitHostPort(raw: string, name: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(raw.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new SettingsError(
      `${name}: ${JSON.stringify(raw)} is not valid; use HOST:PORT of the smart host, e.g. smtp.example.com:587`,
    );
  }
  return { host: match[1] ?? (match[2] as string), port };
}

/** The password as a password file holds it: its text without one final line break. */
export const passwordFromFile = (text: string): string => text.replace(/\r?\n$/, '');

function readSecretFile(path: string, name: string): string {
  try {
    return passwordFromFile(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SettingsError(
      `${name}: cannot read ${JSON.stringify(path)} (${code}); give a file that holds the password`,
    );
  }
}

export interface RelayInput {
  /** The "relay" object of the settings file, if any. */
  file: unknown;
  flags: Record<string, string>;
  env: NodeJS.ProcessEnv;
}

/** A relay flag's value, from the command line or else the environment, with where it came from. */
function pickRelayFlag(input: RelayInput, flag: RelayFlag): { value: string; name: string } | null {
  const fromFlag = input.flags[flag.flag];
  if (fromFlag !== undefined) return { value: fromFlag, name: flag.flag };
  const fromEnv = input.env[flag.env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, name: flag.env };
  return null;
}

/** The file the upstream password is read from (--relay-password-file), if it is. */
export function relayPasswordFileOf(input: RelayInput): string | null {
  const flag = relayFlags.find((f) => f.flag === '--relay-password-file') as RelayFlag;
  return pickRelayFlag(input, flag)?.value ?? null;
}

/**
 * The schema names a field by its place in the settings file (`relay.caFile: …`); a value given
 * as a flag or a variable is named as it was given (`--relay-ca: …`), where the user will look.
 */
function namedAsGiven(
  line: string,
  given: Record<'security' | 'ca' | 'pin', { name: string } | null>,
): string {
  const keys = { security: 'relay.security', ca: 'relay.caFile', pin: 'relay.pinSha256' };
  for (const [part, key] of Object.entries(keys) as Array<[keyof typeof keys, string]>) {
    const from = given[part];
    if (from && line.startsWith(`${key}:`))
      return withFlagFix(`${from.name}${line.slice(key.length)}`);
  }
  return line;
}

/** Security "none" refused from the command line: its fix is the flag, beside the file's key. */
function withFlagFix(line: string): string {
  return line.replace(
    'set relay.allowInsecure to true',
    'set relay.allowInsecure to true (--relay-allow-insecure true)',
  );
}

/** The upstream, or null when none is configured anywhere. */
export function resolveRelaySettings(input: RelayInput): UpstreamSettings | null {
  const pick = (flag: RelayFlag) => pickRelayFlag(input, flag);
  const [hostFlag, securityFlag, userFlag, passwordFileFlag, caFlag, pinFlag, insecureFlag] =
    relayFlags as [RelayFlag, RelayFlag, RelayFlag, RelayFlag, RelayFlag, RelayFlag, RelayFlag];
  const base: Record<string, unknown> =
    typeof input.file === 'object' && input.file !== null && !Array.isArray(input.file)
      ? { ...(input.file as Record<string, unknown>) }
      : {};
  if (input.file !== undefined && Object.keys(base).length === 0 && input.file !== null) {
    throw new SettingsError(
      '"relay" in the settings file must be an object such as {"host": "smtp.example.com", "port": 587}',
    );
  }
  const host = pick(hostFlag);
  if (host) Object.assign(base, splitHostPort(host.value, host.name));
  const security = pick(securityFlag);
  if (security) base.security = security.value;
  const ca = pick(caFlag);
  if (ca) base.caFile = ca.value;
  const pin = pick(pinFlag);
  if (pin) base.pinSha256 = pin.value;
  const insecure = pick(insecureFlag);
  if (insecure) {
    const allow = textToBoolean(insecure.value);
    if (typeof allow !== 'boolean') {
      throw new SettingsError(
        `${insecure.name}: ${JSON.stringify(insecure.value)} is not valid; use true or false`,
      );
    }
    if (base.host === undefined) {
      throw new SettingsError(
        `${insecure.name}: there is no upstream to allow it for; give --relay-host HOST:PORT (or "relay" in the settings file)`,
      );
    }
    base.allowInsecure = allow;
  }

  const user = pick(userFlag);
  const passwordFile = pick(passwordFileFlag);
  const envPassword = input.env.RELAYDESK_RELAY_PASSWORD;
  if (user || passwordFile || envPassword) {
    const auth: Record<string, unknown> =
      typeof base.auth === 'object' && base.auth !== null
        ? { ...(base.auth as Record<string, unknown>) }
        : {};
    if (user) auth.user = user.value;
    if (passwordFile) auth.password = readSecretFile(passwordFile.value, passwordFile.name);
    else if (envPassword) auth.password = envPassword;
    if (auth.user === undefined) {
      throw new SettingsError(
        'a relay password is set but no user; give --relay-user (or "relay.auth.user" in the settings file)',
      );
    }
    if (auth.password === undefined && auth.accessToken === undefined) {
      throw new SettingsError(
        `relay user ${JSON.stringify(auth.user)} has no password; give --relay-password-file FILE or set RELAYDESK_RELAY_PASSWORD`,
      );
    }
    base.auth = auth;
  }
  if (Object.keys(base).length === 0) return null;
  const parsed = createUpstreamSettingsSchema('relay').safeParse(base);
  if (!parsed.success) {
    const line = describeSettingsError(parsed.error).split('\n')[0] as string;
    throw new SettingsError(namedAsGiven(line, { security, ca, pin }));
  }
  return parsed.data;
}
