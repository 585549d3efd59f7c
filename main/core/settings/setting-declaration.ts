// The shape of one setting's declaration. Everything about a setting is said here once: its
// type and range, default, flag, environment variable, settings-file key, help text, where the
// Settings screen shows it, whether it applies at once, and whether it is secret. The CLI flags
// and --help, the environment, the settings file, the settings API and the README's table are
// all read from these declarations (settings-schema.ts, settings-docs.ts, settings-editor.ts).
import type { z } from 'zod';
import type { SettingInputView, SettingsSectionId } from '../../../preload/settings-contract.js';
import type { Settings } from './settings-types.js';

/** The settings declared one value each; `relay`, `rules` and `dkim` are structures of their own. */
export type FieldKey = Exclude<keyof Settings, 'relay' | 'relayPasswordFile' | 'rules' | 'dkim'>;

export interface SettingDeclaration<K extends FieldKey> {
  /** The settings-file key (and the settings API's). */
  key: K;
  flag: string;
  env: string;
  /** The value's name after the flag in --help and the README: `HOST:PORT`, `N`, `MS`… */
  value: string;
  /** Reads a flag's or variable's text and a settings file's JSON alike. */
  type: z.ZodType<Settings[K], unknown>;
  /** What is allowed, in words: errors say "use <allowed>". */
  allowed: string;
  default: Settings[K] | ((dataDir: string) => Settings[K]);
  /** The README's default column, when the bare value does not say enough. */
  defaultText?: string;
  /** What it does, as the Settings screen labels it and --help and the README explain it. */
  label: string;
  section: SettingsSectionId;
  input: SettingInputView;
  /** `restart`: the listeners and other parts built at start take it after a restart. */
  applies: 'now' | 'restart';
  /** Never sent back to the renderer: the settings API says only whether it is set. */
  secret?: boolean;
  /** Why the Settings screen and the settings API leave it alone; absent: editable. */
  notEditable?: string;
  /** The value as the settings API and the saved settings write it; absent: the value itself. */
  view?: (value: Settings[K]) => unknown;
}

export type AnySettingDeclaration = { [K in FieldKey]: SettingDeclaration<K> }[FieldKey];

/** Checks one declaration against its key's type. */
export function setting<K extends FieldKey>(spec: SettingDeclaration<K>): SettingDeclaration<K> {
  return spec;
}
