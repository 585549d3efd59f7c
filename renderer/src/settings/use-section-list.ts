import { useCallback, useEffect, useState } from 'react';

export interface SectionMessage {
  text: string;
  error: boolean;
}

/**
 * The list a settings section shows (users, DKIM keys) and its actions: load on mount, run an
 * action, say what happened or what failed, reload. Such changes apply at once, without Save.
 */
export function useSectionList<T>(read: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [message, setMessage] = useState<SectionMessage | null>(null);

  const load = useCallback(async () => {
    try {
      setItems(await read());
    } catch (failure) {
      setMessage({ text: (failure as Error).message, error: true });
    }
  }, [read]);
  useEffect(() => void load(), [load]);

  /** Runs `work`; true when it succeeded (then `done` is shown and the list reloaded). */
  const act = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    setMessage(null);
    try {
      await work();
      setMessage({ text: done, error: false });
      await load();
      return true;
    } catch (failure) {
      setMessage({ text: (failure as Error).message, error: true });
      return false;
    }
  };

  return { items, message, setMessage, act, reload: load };
}
