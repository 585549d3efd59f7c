// The platforms the HTML check scores against, as Mailpit's "Tested platforms" switches: a
// developer whose users read mail in Gmail and Apple Mail need not be told what Outlook on
// Windows makes of it. The choice is kept for every message and the next session, and shared by
// the tab's badge and the panel, so the two never show different figures.
import { storedChoice, useStoredChoice } from '../../use-stored-choice';

/** caniemail's platforms in Mailpit's order, with its names for them. */
export const platformNames: ReadonlyMap<string, string> = new Map([
  ['windows', 'Windows'],
  ['windows-mail', 'Windows Mail'],
  ['outlook-com', 'Outlook.com'],
  ['macos', 'macOS'],
  ['ios', 'iOS'],
  ['android', 'Android'],
  ['desktop-webmail', 'Desktop Webmail'],
  ['mobile-webmail', 'Mobile Webmail'],
]);

/** Null: every platform (the default, and what a stored value that cannot be read means). */
const platformChoice = storedChoice<ReadonlySet<string> | null>(
  'relaydesk.htmlCheck.platforms',
  (stored) => {
    const parsed: unknown = JSON.parse(stored ?? 'null');
    if (!Array.isArray(parsed)) return null;
    return new Set(parsed.filter((p): p is string => typeof p === 'string'));
  },
  (value) => (value === null ? null : JSON.stringify([...value])),
);

export interface PlatformChoice {
  /** Null while every platform counts. */
  chosen: ReadonlySet<string> | null;
  /** Whether a platform counts. */
  counts(platform: string): boolean;
  /** Turns one platform on or off; `all` is every platform the check knows. */
  toggle(platform: string, on: boolean, all: readonly string[]): void;
  /** Every platform again. */
  reset(): void;
}

export function useHtmlCheckPlatforms(): PlatformChoice {
  const current = useStoredChoice(platformChoice);
  const choose = platformChoice.choose;
  return {
    chosen: current,
    counts: (platform) => current === null || current.has(platform),
    toggle(platform, on, all) {
      const next = new Set(current ?? all);
      if (on) next.add(platform);
      else next.delete(platform);
      // every platform on is the default: a platform caniemail adds later then counts too
      choose(all.every((p) => next.has(p)) ? null : next);
    },
    reset: () => choose(null),
  };
}

/** The platforms of a check, in Mailpit's order, then any caniemail adds, by key. */
export function orderedPlatforms(known: Readonly<Record<string, string[]>>): string[] {
  const keys = Object.keys(known);
  const named = [...platformNames.keys()].filter((p) => keys.includes(p));
  return [...named, ...keys.filter((p) => !platformNames.has(p)).sort()];
}
