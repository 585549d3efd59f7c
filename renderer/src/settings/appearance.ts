// Appearance: the theme choice. The app shell owns the theme (it writes `<html data-theme>`);
// the Settings view shows the same choice, so both take an AppearanceControl: the shell's
// `useTheme()` result fits it as it is. The choice is kept under the same storage key.
import { storedChoice } from '../use-stored-choice';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface AppearanceControl {
  choice: ThemeChoice;
  choose(next: ThemeChoice): void;
}

export const themeStorageKey = 'relaydesk.theme';

export const themeChoices: ReadonlyArray<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function parseThemeChoice(value: unknown): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The window's choice, kept under themeStorageKey; storage that cannot be read is "system". */
export const themeChoice = storedChoice<ThemeChoice>(themeStorageKey, parseThemeChoice, (v) => v);
