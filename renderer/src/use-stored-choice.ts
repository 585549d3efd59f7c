// A choice of the window kept in localStorage and shared by every component that shows it (a
// panel and a tab's badge, a list and its Settings switch), so that they never disagree, and
// followed when another window of the app changes it.
import { useSyncExternalStore } from 'react';

export interface StoredChoice<T> {
  read(): T;
  choose(next: T): void;
  subscribe(listener: () => void): () => void;
}

/** `parse` gets the stored text, or null when nothing is stored or storage cannot be read. */
export function storedChoice<T>(
  key: string,
  parse: (stored: string | null) => T,
  serialize: (value: T) => string | null,
): StoredChoice<T> {
  const load = (): T => {
    try {
      return parse(localStorage.getItem(key));
    } catch {
      return parse(null);
    }
  };
  let current = load();
  const listeners = new Set<() => void>();
  return {
    read: () => current,
    choose(next) {
      current = next;
      try {
        const text = serialize(next);
        if (text === null) localStorage.removeItem(key);
        else localStorage.setItem(key, text);
      } catch {
        // not kept; still applied in this window
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      const follow = (event: StorageEvent) => {
        if (event.key !== key) return;
        current = load();
        listener();
      };
      addEventListener('storage', follow);
      return () => {
        listeners.delete(listener);
        removeEventListener('storage', follow);
      };
    },
  };
}

export function useStoredChoice<T>(choice: StoredChoice<T>): T {
  return useSyncExternalStore(choice.subscribe, choice.read);
}
