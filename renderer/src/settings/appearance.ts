// Appearance: the theme choice. The app shell owns the theme (it writes `<html data-theme>`);
// the Settings view shows the same choice, so both take an AppearanceControl: the shell's
// `useTheme()` result fits it as it is. The choice is kept under the same storage key.
import { useState } from 'react';

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

/** The stored choice alone, for a shell that does not keep the theme itself. */
export function useStoredThemeChoice(): AppearanceControl {
  const [choice, setChoice] = useState<ThemeChoice>(() => {
    try {
      return parseThemeChoice(localStorage.getItem(themeStorageKey));
    } catch {
      return 'system';
    }
  });
  return {
    choice,
    choose(next) {
      setChoice(next);
      try {
        localStorage.setItem(themeStorageKey, next);
      } catch {
        // storage disabled: the choice holds for this window only
      }
    },
  };
}
