// Light or dark: the OS decides unless the user picks one. The choice is kept in one small
// module so the Settings → Appearance section and the toolbar switch agree.
import { useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const storageKey = 'relaydesk.theme';

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

export function parseThemeChoice(value: unknown): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The switch's next step: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}

function readChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(storageKey));
  } catch {
    return 'system'; // storage may be disabled; the OS still decides
  }
}

const darkQuery = '(prefers-color-scheme: dark)';

/** The theme in force, written to `<html data-theme>` where the stylesheet reads it. */
export function useTheme() {
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
      localStorage.setItem(storageKey, next);
    } catch {
      // not persisted; still applied for this window
    }
  };

  return { choice, theme, choose };
}
