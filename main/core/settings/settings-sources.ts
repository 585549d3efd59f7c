// Settings are layered: defaults < --config file < saved settings (the GUI's) < environment <
// command-line flags, the order Mailpit and Postfix users expect (the most specific wins). Saved
// settings are the user's latest word in the GUI, so they win over a static config file; flags
// and environment variables pin a setting for one run, and the GUI shows those as pinned
// (pinnedSettings) instead of letting a save be silently overridden.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  aboutSetting,
  defaultSettings,
  fieldByKey,
  parseSettingValue,
  settingFields,
  SettingsError,
  type Settings,
} from './settings-schema.js';
import { settingName } from '../../../preload/setting-names.js';
import { relayFlags, relayPasswordFileOf, resolveRelaySettings } from './relay-settings.js';
import { dkimFlags, resolveDkimSettings } from './dkim-settings.js';
import { nearestName } from '../text/nearest-name.js';
import { parseJsonText } from './json-mistake.js';
import { modeRules, routingRulesSchema } from '../routing-rules/index.js';

/** Settings-file keys that hold structures rather than one value. */
const structuredKeys = new Set(['relay', 'rules', 'dkim']);

/** The folder Electron's `app.getPath('userData')` gives, so desktop and headless share data. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Relaydesk');
  }
  if (platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', 'Relaydesk');
  }
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Relaydesk');
}

export interface SettingsInput {
  /** Raw flag values by flag name, e.g. `{'--smtp': '0.0.0.0:25'}`. */
  flags?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON settings file (`--config`). */
  configFile?: string;
  /** Values by key given by a program (tests, the desktop store); they win over everything. */
  overrides?: Partial<Record<string, unknown>>;
  /** Settings-file values given by a program (tests), as if read from a --config file. */
  configValues?: Record<string, unknown>;
  /** The settings saved from the GUI (settings-file shape), above the --config file. */
  saved?: Record<string, unknown>;
  /** Where the saved settings come from, for error messages. */
  savedFrom?: string;
}

/**
 * Settings a flag, an environment variable or the starting program fixes for this run, with
 * what fixes them. They win over saved settings.
 */
export function pinnedSettings(input: SettingsInput): Record<string, string> {
  const env = input.env ?? process.env;
  const pinned: Record<string, string> = {};
  for (const spec of settingFields) {
    if (input.flags?.[spec.flag] !== undefined) pinned[spec.key] = spec.flag;
    else if (env[spec.env] !== undefined && env[spec.env] !== '') pinned[spec.key] = spec.env;
  }
  // the upstream is pinned as a whole: name every flag and variable that sets part of it, so the
  // password field does not say "set by --relay-host" when --relay-password-file set it
  const relayBy: string[] = [];
  for (const flag of relayFlags) {
    if (input.flags?.[flag.flag] !== undefined) relayBy.push(flag.flag);
    else if (env[flag.env] !== undefined && env[flag.env] !== '') relayBy.push(flag.env);
  }
  if (env.RELAYDESK_RELAY_PASSWORD) relayBy.push('RELAYDESK_RELAY_PASSWORD');
  if (relayBy.length > 0) pinned.relay = relayBy.join(', ');
  for (const flag of dkimFlags) {
    if (pinned.dkim) break;
    if (input.flags?.[flag.flag] !== undefined) pinned.dkim = flag.flag;
    else if (env[flag.env] !== undefined && env[flag.env] !== '') pinned.dkim = flag.env;
  }
  for (const key of Object.keys(input.overrides ?? {})) {
    pinned[key] ??= 'the program that started Relaydesk';
  }
  return pinned;
}

function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SettingsError(
      `--config: cannot read ${JSON.stringify(path)} (${code}); give the path of a JSON settings file`,
    );
  }
  const read = parseJsonText(text);
  if (!read.ok) {
    // the file's own mistake first (line, column, fix): "fix the file" alone sends the admin
    // hunting for a comma by eye
    throw new SettingsError(`--config: ${JSON.stringify(path)} is ${read.problem}`);
  }
  const parsed = read.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError(
      `--config: ${JSON.stringify(path)} must hold a JSON object such as {"maxMessages": 500}`,
    );
  }
  return parsed as Record<string, unknown>;
}

export function resolveSettings(input: SettingsInput = {}): Settings {
  const env = input.env ?? process.env;
  const merged: Record<string, unknown> = { ...defaultSettings(defaultDataDir(undefined, env)) };

  let relayFromFile: unknown;
  let dkimFromFile: unknown;
  const layers: Array<[string, Record<string, unknown>]> = [];
  if (input.configFile) layers.push([input.configFile, readSettingsFile(input.configFile)]);
  if (input.configValues) layers.push(['the given settings', input.configValues]);
  if (input.saved) layers.push([input.savedFrom ?? 'saved settings', input.saved]);
  // the keys whose value is the --config file's (no later layer or override replaced it)
  const fromConfigFile = new Set<string>();
  const configFileOf = (key: string): string | undefined =>
    fromConfigFile.has(key) ? input.configFile : undefined;
  for (const [file, values] of layers) {
    for (const [key, raw] of Object.entries(values)) {
      if (input.configFile !== undefined && file === input.configFile) fromConfigFile.add(key);
      else fromConfigFile.delete(key);
      if (key === 'relay') {
        relayFromFile = raw;
        continue;
      }
      if (key === 'rules') {
        merged.rules = raw;
        continue;
      }
      if (key === 'dkim') {
        dkimFromFile = raw;
        continue;
      }
      const spec = fieldByKey(key);
      if (!spec) {
        const names = [...settingFields.map((f) => f.key), ...structuredKeys];
        const near = nearestName(key, names);
        throw new SettingsError(
          inSettingsFile(
            file,
            near
              ? `${key}: unknown setting; did you mean ${JSON.stringify(near)}?`
              : `${key}: unknown setting; known settings are ${names.join(', ')}`,
          ),
        );
      }
      // the file may hold smtp/http as "host:port" strings, like the flags
      merged[key] = namingConfigFile(key, configFileOf(key), () =>
        parseSettingValue(spec, raw, 'file'),
      );
    }
  }
  for (const spec of settingFields) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') merged[spec.key] = parseSettingValue(spec, raw, 'env');
  }
  for (const spec of settingFields) {
    const raw = input.flags?.[spec.flag];
    if (raw !== undefined) merged[spec.key] = parseSettingValue(spec, raw, 'flag');
  }
  const overrides = { ...(input.overrides ?? {}) };
  for (const key of Object.keys(overrides)) fromConfigFile.delete(key);
  if ('relay' in overrides) relayFromFile = overrides.relay;
  if ('rules' in overrides) merged.rules = overrides.rules;
  if ('dkim' in overrides) dkimFromFile = overrides.dkim;
  delete overrides.relay;
  delete overrides.rules;
  delete overrides.dkim;
  merged.relay = namingConfigFile('relay', configFileOf('relay'), () =>
    resolveRelaySettings({ file: relayFromFile, flags: input.flags ?? {}, env }),
  );
  merged.relayPasswordFile = merged.relay
    ? relayPasswordFileOf({ file: relayFromFile, flags: input.flags ?? {}, env })
    : null;
  merged.dkim = namingConfigFile('dkim', configFileOf('dkim'), () =>
    resolveDkimSettings({ file: dkimFromFile, flags: input.flags ?? {}, env }),
  );
  for (const [key, raw] of Object.entries(overrides)) {
    const spec = fieldByKey(key);
    if (!spec) throw new SettingsError(`unknown setting ${JSON.stringify(key)}`);
    merged[key] = parseSettingValue(spec, raw, 'file');
  }
  merged.rules = namingConfigFile('rules', configFileOf('rules'), () => {
    const rules = routingRulesSchema.safeParse(merged.rules);
    if (!rules.success) {
      // every rule's problems, one a line, as the quotas and the other lists say theirs
      throw new SettingsError(rules.error.issues.map((issue) => issue.message).join('\n'));
    }
    return rules.data;
  });
  const settings = merged as unknown as Settings;
  const missing = missingUpstreamProblem(settings) ?? missingSpamdProblem(settings);
  if (missing) throw new SettingsError(missing);
  return settings;
}

/**
 * A problem with one setting of a settings file, in the one form every such problem takes: the
 * file, then the setting's place in it (a top-level key, or a path into one), then the problem:
 * `settings file "/etc/relaydesk.json": quotas[0].perHuor: unknown field "perHuor"; …`. The path
 * says which file to open (a unit's --config and the desktop's saved settings can both be in
 * play), the place where to look in it.
 */
function inSettingsFile(file: string, problem: string): string {
  // a list's problems come one a line: each line names the file, so each reads on its own
  return problem
    .split('\n')
    .map((line) => `settings file ${JSON.stringify(file)}: ${line}`)
    .join('\n');
}

/**
 * A problem with a setting of the --config file names the file (inSettingsFile): one with the
 * key's value (the schema says `"maxMessages" in the settings file: -5 is not valid…`, which
 * becomes `maxMessages: -5 is not valid…`) or at a place inside it (`quotas[0].perHuor: …`).
 * Problems of a setting given by a flag, or by a later layer, are left as they are: they name
 * their key or flag already.
 */
function namingConfigFile<T>(key: string, file: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (file === undefined || !(err instanceof SettingsError)) throw err;
    const quoted = /^"([^"]+)" in the settings file/.exec(err.message);
    const problem = quoted ? `${quoted[1]}${err.message.slice(quoted[0].length)}` : err.message;
    const place = quoted?.[1] ?? problem;
    if (place !== key && !aboutSetting(place, key)) throw err;
    throw new SettingsError(inSettingsFile(file, problem), { cause: err });
  }
}

/** Mode "relay", or rules that relay or redirect, without an upstream to send to. */
export function missingUpstreamProblem(
  settings: Pick<Settings, 'mode' | 'rules' | 'relay'>,
): string | null {
  const needsUpstream = modeRules(settings.mode, settings.rules).some(
    (rule) => rule.action.type === 'relay' || rule.action.type === 'redirect',
  );
  if (!needsUpstream || settings.relay) return null;
  return settings.mode === 'relay'
    ? `${settingName('modeRelay')}: ${settingName('relayHost')}`
    : `the routing rules relay or redirect mail but no upstream is set: ${settingName('relayHost')}`;
}

/**
 * spamAction on without a spamd to ask: the relay would start, and save, as if spam were
 * filtered, and pass every message on unscored without a word.
 */
export function missingSpamdProblem(
  settings: Pick<Settings, 'spamAction' | 'spamassassin'>,
): string | null {
  if (settings.spamAction === 'off' || settings.spamassassin) return null;
  return `${settingName('spamAction', settings.spamAction)} acts on what a SpamAssassin spamd scores, and none is set: ${settingName('spamassassin')}, or choose ${settingName('spamAction', 'off')}`;
}

/** RELAYDESK_ variables that are no setting of serve but are read by name elsewhere. */
const otherVariables = [
  'RELAYDESK_DATA',
  'RELAYDESK_UI_PASSWORD',
  'RELAYDESK_RELAY_PASSWORD',
  'RELAYDESK_WEBHOOK_SECRET',
  // the test suite's (.ci/run sets it): one slip from RELAYDESK_REQUIRE_TLS by the distance
  'RELAYDESK_REQUIRE_TOOLS',
];

/**
 * Warnings for RELAYDESK_ variables one slip away from a setting's (RELAYDESK_CLAMD_UNAVALABLE):
 * a flag with that typo stops the start, but a variable (a systemd unit, a compose file) was
 * ignored without a word and the relay ran with the default. Variables that resemble nothing
 * are left alone: other programs and scripts may use the prefix.
 */
export function mistypedVariables(env: NodeJS.ProcessEnv): string[] {
  const known = [
    ...settingFields.map((f) => f.env),
    ...relayFlags.map((f) => f.env),
    ...dkimFlags.map((f) => f.env),
    ...otherVariables,
  ];
  const lines: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('RELAYDESK_') || known.includes(name)) continue;
    const near = nearestName(name, known);
    if (near) {
      lines.push(
        `environment: ${name} is no setting and is ignored; did you mean ${near}? (\`relaydesk serve --help\` lists the settings; each flag --x-y is RELAYDESK_X_Y)`,
      );
    }
  }
  return lines;
}
