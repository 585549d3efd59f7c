// main/core/settings/settings-store.ts
export interface SettingsStore {
  /** The saved settings object (the settings-file shape, partial), or {} when none. */
  read(): Promise<Record<string, unknown>>;
  /** Replace the saved settings object. */
  write(saved: Record<string, unknown>): Promise<void>;
}
