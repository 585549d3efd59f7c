// Light or dark: the OS decides unless the user picks one. The choice (its values and storage
// key are settings/appearance.ts's) is held here once, and handed to the toolbar switch and to
// Settings → Appearance alike, so the two always agree.
import { useEffect, useState } from 'react';
import { themeChoice, type AppearanceControl, type ThemeChoice } from '../settings/appearance';
import { useStoredChoice } from '../use-stored-choice';

export type Theme = 'light' | 'dark';

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

const darkQuery = '(prefers-color-scheme: dark)';

/** The theme in force, written to `<html data-theme>` where the stylesheet reads it. */
export function useTheme(): AppearanceControl & { theme: Theme } {
  const choice = useStoredChoice(themeChoice);
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

  return { choice, theme, choose: (next: ThemeChoice) => themeChoice.choose(next) };
}
