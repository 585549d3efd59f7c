// Open or closed for the reading pane's envelope and queue panels. In a short window they open
// as one summary line each, so the body (or the Delivery table) starts in sight instead of below
// the fold; in a tall one they open in full, as they always did. A choice the user makes by hand
// is kept for every message and the next session: it says what they read the panel for.
import { useCallback, useEffect, useState } from 'react';

/** Below this the header, envelope and queue panels together push the tabs past mid-window. */
export const shortWindowQuery = '(max-height: 760px)';

const storageKey = (panel: string) => `relaydesk.panel.${panel}`;

function readChoice(panel: string): boolean | null {
  try {
    const value = localStorage.getItem(storageKey(panel));
    return value === 'open' ? true : value === 'closed' ? false : null;
  } catch {
    return null; // storage may be disabled: the window's height decides
  }
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
  const [choice, setChoice] = useState(() => readChoice(panel));
  const open = choice ?? !short;
  const toggle = useCallback(() => {
    const next = !open;
    setChoice(next);
    try {
      localStorage.setItem(storageKey(panel), next ? 'open' : 'closed');
    } catch {
      // not kept; still applied to this window
    }
  }, [open, panel]);
  return { open, toggle };
}
