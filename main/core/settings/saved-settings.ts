// The start-up side of saved settings: find the data folder, read what the GUI saved there (or in
// the desktop app's store), and layer it between the --config file and the environment.
import { FileSettingsStore, type SettingsStore } from './settings-store.js';
import { SettingsError, type Settings } from './settings-schema.js';
import {
  defaultDataDir,
  pinnedSettings,
  resolveSettings,
  type SettingsInput,
} from './settings-sources.js';

export interface SavedSettings {
  store: SettingsStore;
  /** What the store held at start. */
  saved: Record<string, unknown>;
  /** Settings a flag or an environment variable fixes for this run, with what sets them. */
  pinned: Record<string, string>;
  /** Where the saved settings are kept, in words. */
  savedIn: string;
}

export interface ResolvedWithSaved extends SavedSettings {
  settings: Settings;
}

/** The data folder before the saved settings are known (they live in it, so cannot move it). */
function dataDirOf(input: SettingsInput): string {
  try {
    return resolveSettings(input).dataDir;
  } catch (err) {
    // e.g. "--mode relay needs an upstream" when the upstream is among the saved settings
    if (!(err instanceof SettingsError)) throw err;
    const env = input.env ?? process.env;
    const given = input.flags?.['--data'] ?? (env.RELAYDESK_DATA || undefined);
    return given ?? defaultDataDir(undefined, env);
  }
}

export async function resolveWithSaved(
  input: SettingsInput,
  store?: SettingsStore,
): Promise<ResolvedWithSaved> {
  const chosen = store ?? new FileSettingsStore(dataDirOf(input));
  const savedIn = chosen instanceof FileSettingsStore ? chosen.path : 'the settings store';
  const saved = await chosen.read();
  const settings = resolveSettings({ ...input, saved, savedFrom: savedIn });
  return { settings, store: chosen, saved, pinned: pinnedSettings(input), savedIn };
}
