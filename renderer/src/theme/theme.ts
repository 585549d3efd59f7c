// Light or dark: the OS decides unless the user picks one. The choice (its values and storage
// key are settings/appearance.ts's) is held here once, and handed to the toolbar switch and to
// Settings → Appearance alike, so the two always agree.
import { useEffect, useState } from 'react';
import {
  parseThemeChoice,
  themeStorageKey,
  type AppearanceControl,
  type ThemeChoice,
} from '../settings/appearance';

export type Theme = 'light' | 'dark';

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

function readChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(themeStorageKey));
  } catch {
    return 'system'; // storage may be disabled; the OS still decides
  }
}

const darkQuery = '(prefers-color-scheme: dark)';

/** The theme in force, written to `<html data-theme>` where the stylesheet reads it. */
export function useTheme(): AppearanceControl & { theme: Theme } {
  const [choice, setChoice] = useState<ThemeChoice>(readChoice);
  const [systemDark, setSystemDark] = useState(() => matchMedia(darkQuery).matches);

  useEffect(() => {
    const media = matchMedia(darkQuery);
    const follow = () => setSystemDark(media.matches);
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);

  const theme = resolveTheme(choice, systemDark);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  const choose = (next: ThemeChoice) => {
    setChoice(next);
    try {
      localStorage.setItem(themeStorageKey, next);
    } catch {
      // not persisted; still applied for this window
    }
  };

  return { choice, theme, choose };
}
