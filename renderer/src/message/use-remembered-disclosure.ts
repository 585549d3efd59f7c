// Open or closed for the reading pane's envelope and queue panels. In a short window they open
// as one summary line each, so the body (or the Delivery table) starts in sight instead of below
// the fold; in a tall one they open in full, as they always did. A choice the user makes by hand
// is kept for every message and the next session: it says what they read the panel for.
import { useCallback, useEffect, useState } from 'react';
import { storedChoice, useStoredChoice, type StoredChoice } from '../use-stored-choice';

/** Below this the header, envelope and queue panels together push the tabs past mid-window. */
export const shortWindowQuery = '(max-height: 760px)';

const choices = new Map<string, StoredChoice<boolean | null>>();

/** null: no choice made (or storage cannot be read), so the window's height decides. */
function panelChoice(panel: string): StoredChoice<boolean | null> {
  let choice = choices.get(panel);
  if (!choice) {
    choice = storedChoice<boolean | null>(
      `relaydesk.panel.${panel}`,
      (value) => (value === 'open' ? true : value === 'closed' ? false : null),
      (open) => (open === null ? null : open ? 'open' : 'closed'),
    );
    choices.set(panel, choice);
  }
  return choice;
}

function useShortWindow(): boolean {
  const [short, setShort] = useState(() => matchMedia(shortWindowQuery).matches);
  useEffect(() => {
    const media = matchMedia(shortWindowQuery);
    const follow = () => setShort(media.matches);
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);
  return short;
}

/** Whether `panel` shows in full, and the toggle that remembers the user's choice. */
export function useRememberedDisclosure(panel: string): { open: boolean; toggle(): void } {
  const short = useShortWindow();
  const choice = useStoredChoice(panelChoice(panel));
  const open = choice ?? !short;
  const toggle = useCallback(() => panelChoice(panel).choose(!open), [open, panel]);
  return { open, toggle };
}
