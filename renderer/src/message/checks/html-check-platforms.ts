// The platforms the HTML check scores against, as Mailpit's "Tested platforms" switches: a
// developer whose users read mail in Gmail and Apple Mail need not be told what Outlook on
// Windows makes of it. The choice is kept for every message and the next session, and shared by
// the tab's badge and the panel, so the two never show different figures.
import { useSyncExternalStore } from 'react';

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

const storageKey = 'relaydesk.htmlCheck.platforms';

/** Null: every platform (the default, and what a stored value that cannot be read means). */
function readStored(): ReadonlySet<string> | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? 'null');
    if (!Array.isArray(parsed)) return null;
    return new Set(parsed.filter((p): p is string => typeof p === 'string'));
  } catch {
    return null;
  }
}

let chosen: ReadonlySet<string> | null = readStored();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // another window of the app (or another tab on the UI's address) changed the choice
  const follow = (event: StorageEvent) => {
    if (event.key !== storageKey) return;
    chosen = readStored();
    listener();
  };
  addEventListener('storage', follow);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', follow);
  };
}

function choose(next: ReadonlySet<string> | null): void {
  chosen = next;
  try {
    if (next === null) localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, JSON.stringify([...next]));
  } catch {
    // not kept; still applied in this window
  }
  for (const listener of listeners) listener();
}

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
  const current = useSyncExternalStore(subscribe, () => chosen);
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
