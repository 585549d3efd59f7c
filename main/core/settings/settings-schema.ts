// One settings schema serves the settings file, environment variables, CLI flags, the settings
// API and the desktop app's store. Each setting is declared once (fields/*.ts) with its zod
// type, default, flag, environment name, help text and place on the Settings screen; this module
// gathers the declarations and reads a value from any source, so a bad value is always reported
// under the name the user actually typed, with what is allowed.
import { accessFields } from './fields/access-fields.js';
import { checksFields } from './fields/checks-fields.js';
import { desktopFields } from './fields/desktop-fields.js';
import { filteringFields } from './fields/filtering-fields.js';
import { listenerFields } from './fields/listener-fields.js';
import { queueFields } from './fields/queue-fields.js';
import { toolkitFields } from './fields/toolkit-fields.js';
import type { AnySettingDeclaration, FieldKey } from './setting-declaration.js';
import { SettingsError, type Settings, type SettingSource } from './settings-types.js';

export * from './settings-types.js';
export { splitCommaList } from './setting-kinds.js';

/** The settings people set most come first wherever all are listed (--help, "known settings"). */
const first = ['smtp', 'http', 'dataDir', 'maxMessages'];

/** Every declared setting, by section, in the order --help, the README and the screen show them. */
export const settingFields: readonly AnySettingDeclaration[] = [
  ...listenerFields,
  ...accessFields,
  ...queueFields,
  ...filteringFields,
  ...toolkitFields,
  ...checksFields,
  ...desktopFields,
].sort((a, b) => rank(a.key) - rank(b.key));

function rank(key: string): number {
  const at = first.indexOf(key);
  return at === -1 ? first.length : at;
}

export type SettingField = AnySettingDeclaration;

const byKey = new Map<string, AnySettingDeclaration>(settingFields.map((f) => [f.key, f]));
const byFlag = new Map<string, AnySettingDeclaration>(settingFields.map((f) => [f.flag, f]));

export function defaultSettings(dataDir: string): Settings {
  const values: Record<string, unknown> = {
    relay: null,
    relayPasswordFile: null,
    rules: [],
    dkim: [],
  };
  for (const field of settingFields) {
    values[field.key] =
      typeof field.default === 'function'
        ? (field.default as (dir: string) => unknown)(dataDir)
        : structuredClone(field.default);
  }
  return values as unknown as Settings;
}

function nameIn(fieldSpec: SettingField, source: SettingSource): string {
  if (source === 'flag') return fieldSpec.flag;
  if (source === 'env') return fieldSpec.env;
  return `"${fieldSpec.key}" in the settings file`;
}

/**
 * Parses one raw value for a field. Throws a SettingsError that names the field as the user
 * typed it, the bad value, and what is allowed. Structured settings (quotas, attachments…)
 * throw their own message naming the entry and the field at fault.
 */
export function parseSettingValue(
  fieldSpec: SettingField,
  raw: unknown,
  source: SettingSource,
): Settings[FieldKey] {
  const parsed = withSourceNamed(fieldSpec, source, () => fieldSpec.type.safeParse(raw));
  if (!parsed.success) {
    throw new SettingsError(
      `${nameIn(fieldSpec, source)}: ${JSON.stringify(raw)} is not valid; use ${fieldSpec.allowed}`,
    );
  }
  return parsed.data;
}

/**
 * A structured setting's problems name the place in it by its key (`contentRules[0].where: …`),
 * which a user who typed --content-rules or RELAYDESK_CONTENT_RULES does not see in what they
 * typed: each line gets the flag or variable in front. (The settings file's are named with the
 * file by settings-sources.ts.)
 */
/** Whether an error line speaks of the setting `key` (`clamd: …`, `quotas[1].perHour …`). */
export function aboutSetting(line: string, key: string): boolean {
  return [':', '.', '['].some((after) => line.startsWith(`${key}${after}`));
}

function withSourceNamed<T>(fieldSpec: SettingField, source: SettingSource, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (source === 'file' || !(err instanceof SettingsError)) throw err;
    const name = nameIn(fieldSpec, source);
    const lines = err.message.split('\n');
    if (!lines.every((line) => aboutSetting(line, fieldSpec.key))) throw err;
    // "--clamd: clamd: …" said the setting twice: the flag or variable names it
    const own = `${fieldSpec.key}: `;
    throw new SettingsError(
      lines
        .map((line) => `${name}: ${line.startsWith(own) ? line.slice(own.length) : line}`)
        .join('\n'),
      { cause: err },
    );
  }
}

export function fieldByFlag(flag: string): SettingField | undefined {
  return byFlag.get(flag);
}

export function fieldByKey(key: string): SettingField | undefined {
  return byKey.get(key);
}
