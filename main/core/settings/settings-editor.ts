// Editing the settings while the relay runs (`PUT /api/v1/settings`, the Settings view). A change
// is checked whole with the one settings schema before anything happens: an invalid change
// changes nothing and names every wrong field, its value and what is allowed. A valid one is
// saved in the settings-file shape, and what can change while running is applied at once; the
// listeners' addresses and TLS files take effect after a restart.
import type {
  ListenAddressView,
  SettingKey,
  SettingsFieldError,
} from '../../../preload/api-contract.js';
import { smtpExposureProblem } from '../policy/exposure.js';
import { createRoutingRulesSchema } from '../routing-rules/index.js';
import { isLoopbackHost } from '../net/ip-address.js';
import {
  createUpstreamSettingsSchema,
  impliedSecurity,
  stripBrackets,
  type UpstreamEndpoint,
  type UpstreamSettings,
} from '../upstream/upstream-settings.js';
import type { AnySettingDeclaration } from './setting-declaration.js';
import { settingName } from '../../../preload/setting-names.js';
import { safeJson } from './setting-kinds.js';
import { nearestName } from '../text/nearest-name.js';
import {
  fieldByKey,
  parseSettingValue,
  SettingsError,
  type ListenAddress,
  type Settings,
} from './settings-schema.js';
import { missingSpamdProblem, missingUpstreamProblem } from './settings-sources.js';
import { listenerClash, listenerClashWords, listenerWords } from './listener-overlap.js';
import {
  editableKeys,
  fieldValueView,
  isEditable,
  restartFields,
  ruleView,
  upstreamView,
} from './settings-view.js';

export {
  editableKeys,
  restartFields,
  settingsView,
  upstreamView,
  ruleView,
} from './settings-view.js';

const PORT_ALLOWED = 'a whole number from 1 to 65535 (0: any free port)';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// --- checking a change --------------------------------------------------------------------

export type Parsed = { value: unknown; saved: unknown } | { errors: SettingsFieldError[] };

function fieldError(field: string, value: unknown, allowed: string): SettingsFieldError {
  return {
    field,
    ...(value === undefined ? {} : { value }),
    allowed,
    message: `${field}: ${value === undefined ? 'nothing' : show(value)} is not valid; use ${allowed}`,
  };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value =
      isRecord(value) || Array.isArray(value)
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  return value;
}

/** zod issues (whose messages already name the field, the value and the fix) as field errors. */
function issueErrors(
  root: string,
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
  input: unknown,
): SettingsFieldError[] {
  return issues.map((issue) => {
    const field =
      root + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const secret = issue.path.some((p) => p === 'password' || p === 'accessToken');
    const value = secret ? undefined : valueAt(input, issue.path);
    const cut = issue.message.indexOf('; ');
    return {
      field,
      ...(value === undefined ? {} : { value }),
      allowed: cut >= 0 ? issue.message.slice(cut + 2) : issue.message,
      message: issue.message,
    };
  });
}

function hostPort(address: ListenAddressView): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

function parseListen(spec: AnySettingDeclaration, raw: unknown): Parsed {
  const key = spec.key;
  if (raw === null && spec.input.kind === 'listen' && spec.input.nullable) {
    return { value: null, saved: null };
  }
  let text = raw;
  if (isRecord(raw)) {
    const errors: SettingsFieldError[] = [];
    const { host, port } = raw;
    if (typeof host !== 'string' || !/^[^\s[\]]{1,253}$/.test(host)) {
      errors.push(fieldError(`${key}.host`, host, 'an address or host name, e.g. 127.0.0.1'));
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      errors.push(fieldError(`${key}.port`, port, PORT_ALLOWED));
    }
    if (errors.length > 0) return { errors };
    text = hostPort({ host: host as string, port: port as number });
  }
  try {
    const value = parseSettingValue(spec, text, 'file') as ListenAddress | null;
    return { value, saved: value ? hostPort(value) : null };
  } catch {
    return { errors: [fieldError(key, raw, spec.allowed)] };
  }
}

/**
 * The upstream as the form sends it, made ready for the schema: the view's `passwordSet` markers
 * dropped, empty optional fields left out, and the saved password or token kept when none is
 * given (the password is never sent to the GUI, so a form cannot send it back).
 */
export function withSavedSecrets(
  input: unknown,
  saved: UpstreamEndpoint | null | undefined,
): unknown {
  if (!isRecord(input)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const key of ['caFile', 'pinSha256', 'heloName']) if (out[key] === '') delete out[key];
  // the form says a login it takes away as null (see mergedRelay); a candidate to test has none
  if (out.auth === null) delete out.auth;
  if (isRecord(out.auth)) {
    const { passwordSet: _p, accessTokenSet: _t, ...auth } = out.auth;
    const given =
      (auth.password !== undefined && auth.password !== '') || auth.accessToken !== undefined;
    if (auth.password === '') delete auth.password;
    if ((auth.user === undefined || auth.user === '') && !given) {
      delete out.auth;
    } else {
      if (!given && saved?.auth) {
        if ('password' in saved.auth) auth.password = saved.auth.password;
        else auth.accessToken = saved.auth.accessToken;
      }
      out.auth = auth;
    }
  }
  if (out.fallback === null) delete out.fallback;
  else if (out.fallback !== undefined) {
    out.fallback = withSavedSecrets(out.fallback, (saved as UpstreamSettings | null)?.fallback);
  }
  return out;
}

/** The upstream's fields a change may leave out, and remove with null (or "" from a form). */
const optionalRelayKeys = new Set(['caFile', 'pinSha256', 'heloName', 'auth', 'fallback']);

const sameHost = (a: string, b: string): boolean =>
  stripBrackets(a).toLowerCase().replace(/\.$/, '') ===
  stripBrackets(b).toLowerCase().replace(/\.$/, '');

/**
 * A change names the parts of the upstream it changes (`{"relay": {"port": 465}}`); the rest
 * keeps its saved value, as a form that sends everything would: a PUT of the host alone dropped
 * the saved login and the pinned certificate. `auth` and `fallback` are each one part (a new
 * login replaces the saved one; its password is kept when left out, as before). The pin and the
 * tick to send in clear were given for one host: a new host that does not name them again is
 * refused, since a kept pin would fail every delivery to another server and a dropped one would
 * go unnoticed until it did.
 */
function mergedRelay(
  raw: Record<string, unknown>,
  current: UpstreamSettings,
): { input: Record<string, unknown>; errors: SettingsFieldError[] } {
  const input: Record<string, unknown> = { ...upstreamView(current) };
  for (const [key, value] of Object.entries(raw)) {
    if (optionalRelayKeys.has(key) && (value === null || value === '')) delete input[key];
    else input[key] = value;
  }
  // a security the port implied follows a new port (587 → 465 is implicit TLS) unless named
  if ('port' in raw && !('security' in raw) && current.security === impliedSecurity(current.port))
    delete input.security;
  const errors: SettingsFieldError[] = [];
  if (typeof raw.host === 'string' && !sameHost(raw.host, current.host)) {
    if (current.pinSha256 !== undefined && !('pinSha256' in raw)) {
      errors.push({
        field: 'relay.pinSha256',
        value: current.pinSha256,
        allowed: `the fingerprint of ${raw.host}'s certificate, or null`,
        message: `relay.pinSha256: the saved pin was made for ${current.host}'s certificate, not ${JSON.stringify(raw.host)}'s; name it with the new host: "pinSha256": null to trust ${raw.host} by its CA, its own fingerprint (POST /api/v1/relay/test shows it), or the same pin if it is the same server`,
      });
    }
    if (current.allowInsecure && input.security === 'none' && !('allowInsecure' in raw)) {
      errors.push({
        field: 'relay.allowInsecure',
        value: true,
        allowed: 'true or false, named with a new host',
        message: `relay.allowInsecure: sending in clear was allowed for ${current.host}, not ${JSON.stringify(raw.host)}; name it with the new host: "allowInsecure": true to send to ${raw.host} in clear too, or false`,
      });
    }
  }
  return { input, errors };
}

/**
 * An upstream change (a PUT's `relay`, or a candidate to test) read against the saved one: the
 * parts it leaves out keep their saved values (see mergedRelay).
 */
export function parseRelay(raw: unknown, current: UpstreamSettings | null): Parsed {
  if (raw === null) return { value: null, saved: null };
  const merged = isRecord(raw) && current ? mergedRelay(raw, current) : { input: raw, errors: [] };
  const input = withSavedSecrets(merged.input, current);
  const parsed = createUpstreamSettingsSchema('relay').safeParse(input);
  const errors = [
    ...(parsed.success ? [] : issueErrors('relay', parsed.error.issues, input)),
    ...merged.errors,
  ];
  if (errors.length > 0 || !parsed.success) return { errors };
  return { value: parsed.data, saved: input };
}

function mergedRateLimit(
  raw: Record<string, unknown>,
  current: Settings['rateLimit'],
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...raw };
  for (const [window, value] of Object.entries(raw)) if (value === null) merged[window] = 0;
  return merged;
}

function parseRules(raw: unknown): Parsed {
  const parsed = createRoutingRulesSchema('rules').safeParse(raw);
  if (!parsed.success) return { errors: issueErrors('rules', parsed.error.issues, raw) };
  // saved as the user wrote them, so the settings file stays readable
  return { value: parsed.data, saved: parsed.data.map(ruleView) };
}

/**
 * A structure's own message (one line of it) names the entry and the field at fault
 * (`quotas[1].perHour: …`): the error points there, so the screen shows it beside that field.
 */
function structureError(key: string, raw: unknown, message: string, allowed: string) {
  // "contentRules[0].text is missing; …" names its field as surely as "…text: 42 is not text"
  const at = /^([A-Za-z]+(?:\[\d+\]|\.[A-Za-z]+)*)(?:: | is missing; )/.exec(message)?.[1];
  if (!at || !at.startsWith(key)) return fieldError(key, raw, allowed);
  // the part's own value and fix, as the routing rules' errors give them
  const path = [...at.slice(key.length).matchAll(/\[(\d+)\]|\.([A-Za-z]+)/g)].map((m) =>
    m[1] !== undefined ? Number(m[1]) : (m[2] as string),
  );
  const value = valueAt(typeof raw === 'string' ? safeJson(raw) : raw, path);
  const cut = message.indexOf('; ');
  return {
    field: at,
    ...(value === undefined ? {} : { value }),
    allowed: cut >= 0 ? message.slice(cut + 2).replace(/^use /, '') : allowed,
    message,
  };
}

function parseField(key: SettingKey, raw: unknown, current: Settings): Parsed {
  if (key === 'relay') return parseRelay(raw, current.relay);
  if (key === 'rules') return parseRules(raw);
  // as a relay's: a PUT names only the windows it changes, `null` takes one away (0, no limit);
  // replacing the whole object turned the windows left out into 0 and lifted a daily limit
  if (key === 'rateLimit' && isRecord(raw)) raw = mergedRateLimit(raw, current.rateLimit);
  const spec = fieldByKey(key);
  if (!spec) throw new Error(`no schema field for ${key}`);
  if (spec.input.kind === 'listen') return parseListen(spec, raw);
  // a secret comes back as "set": keep the saved one
  if (spec.secret && (raw === true || raw === undefined)) {
    const value = current[spec.key];
    return { value, saved: fieldValueView(spec, value) };
  }
  try {
    const value = parseSettingValue(spec, raw, 'file');
    return { value, saved: fieldValueView(spec, value) };
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    const plain = err.message.startsWith(`"${key}" in the settings file: `);
    if (plain) return { errors: [fieldError(key, raw, spec.allowed)] };
    // a list's problems come one a line, each naming its entry: each goes beside its own box
    return {
      errors: err.message.split('\n').map((line) => structureError(key, raw, line, spec.allowed)),
    };
  }
}

export interface CheckedChange {
  errors: SettingsFieldError[];
  /** The settings with the change: what the relay will run with after a restart. */
  next: Settings;
  /** The changed keys in the settings-file shape, to merge into the saved settings. */
  saved: Record<string, unknown>;
  /** Changed keys that take effect only after a restart. */
  restartNeeded: SettingKey[];
}

export interface CheckOptions {
  pinned: Record<string, string>;
  /** SMTP users, for the open-relay check (a wide listener needs an allowlist or users). */
  userCount: number;
}

/**
 * Checks a whole change against `current` (the settings as saved). Values equal to the current
 * ones are not changes (a form sends everything), so a pinned field can be sent back unchanged.
 */
/**
 * Why a key cannot be saved, and what to do: a setting that only a flag, a variable or the
 * --config file may set says which and why; a slip is answered with the key probably meant.
 * Never the list of all ~100 keys, which buried the one the caller needed.
 */
function notEditableWords(key: string): { allowed: string; message: string } {
  const declared = fieldByKey(key);
  if (declared?.notEditable) {
    const how = `${declared.flag}, ${declared.env} or "${declared.key}" in the --config file, then restart`;
    return {
      allowed: `not here: ${how}`,
      message: `${key}: not changed by a settings save (${declared.notEditable}); set it with ${how}`,
    };
  }
  const near = nearestName(key, editableKeys);
  return {
    allowed: near
      ? `a setting such as ${JSON.stringify(near)}`
      : 'a key GET /api/v1/settings lists',
    message: near
      ? `${key}: not a setting; did you mean ${JSON.stringify(near)}?`
      : `${key}: not a setting; GET /api/v1/settings lists those that can be changed (README: Settings)`,
  };
}

export function checkSettingsChange(
  current: Settings,
  change: unknown,
  options: CheckOptions,
): CheckedChange {
  const next: Settings = { ...current, rateLimit: { ...current.rateLimit } };
  const result: CheckedChange = { errors: [], next, saved: {}, restartNeeded: [] };
  if (!isRecord(change)) {
    result.errors.push(
      fieldError('settings', change, 'an object of settings such as {"maxMessages": 500}'),
    );
    return result;
  }
  for (const [key, raw] of Object.entries(change)) {
    if (!isEditable(key)) {
      result.errors.push({
        field: key,
        ...(raw === undefined ? {} : { value: raw }),
        ...notEditableWords(key),
      });
      continue;
    }
    const settingKey = key as SettingKey;
    const parsed = parseField(settingKey, raw, current);
    if ('errors' in parsed) {
      result.errors.push(...parsed.errors);
      continue;
    }
    if (same(parsed.value, current[settingKey])) continue;
    const pin = options.pinned[settingKey];
    if (pin) {
      result.errors.push({
        field: settingKey,
        value: settingKey === 'relay' ? upstreamView(parsed.value as UpstreamSettings) : raw,
        allowed: `the value ${pin} sets`,
        message: `${settingKey}: set by ${pin} for this run; remove ${pin} to change it here`,
      });
      continue;
    }
    (next as unknown as Record<string, unknown>)[settingKey] = parsed.value;
    result.saved[settingKey] = parsed.saved;
    if (restartFields.includes(settingKey)) result.restartNeeded.push(settingKey);
  }
  if (result.errors.length > 0) return result;
  const missing = missingUpstreamProblem(next);
  if (missing) {
    result.errors.push({
      field: 'relay',
      value: upstreamView(next.relay),
      allowed: 'an upstream (host and port) while the mode or a rule relays or redirects mail',
      message: missing,
    });
  }
  const noSpamd = missingSpamdProblem(next);
  if (noSpamd) {
    result.errors.push({
      field: 'spamassassin',
      value: null,
      allowed: 'the HOST:PORT of a SpamAssassin spamd while spamAction is not off',
      message: noSpamd,
    });
  }
  const clash = listenerClash(next);
  if (clash) {
    result.errors.push({
      field: `${clash.key}.port`,
      value: clash.address.port,
      allowed: `a port no other listener of this relay uses (${listenerWords[clash.other]} has ${clash.address.port})`,
      message: listenerClashWords(clash, (key) => key),
    });
  }
  const exposure = smtpExposureProblem({
    ...next,
    userCount: options.userCount,
    starttls: false,
    tlsFingerprint: null,
  });
  // saved now, refused at the next start (see httpExposureProblem): say so before saving
  if (!isLoopbackHost(next.http.host) && !next.uiPasswordFile) {
    result.errors.push({
      field: 'http.host',
      value: next.http.host,
      allowed: '127.0.0.1 (this machine), unless a UI password is set with --ui-password-file',
      message: `http.host: ${show(next.http.host)} listens beyond this machine, so the UI and API need a password: ${settingName('uiPasswordFile')}`,
    });
  }
  if (exposure) {
    result.errors.push({
      field: 'allowIp',
      value: next.allowIp,
      allowed:
        'at least one CIDR, or SMTP users, while a listener is reachable from other machines',
      message: exposure,
    });
  }
  return result;
}

/** Puts what can change while running into the running settings, in place (others share them). */
export function applyLiveSettings(running: Settings, next: Settings): void {
  const target = running as unknown as Record<string, unknown>;
  for (const key of editableKeys) {
    if (restartFields.includes(key)) continue;
    // the rate limiter holds this object
    if (key === 'rateLimit') Object.assign(running.rateLimit, next.rateLimit);
    else target[key] = next[key];
  }
}
