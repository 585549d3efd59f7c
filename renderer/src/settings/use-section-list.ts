import { useCallback, useEffect, useState } from 'react';
import { serverWords } from '../api/http-transport';

export interface SectionMessage {
  text: string;
  error: boolean;
  /** The action that failed, when the section shows its refusal beside that form's boxes. */
  action?: string;
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
      // the relay's sentence, not "POST /api/v1/… failed with 400: " before it
      setMessage({ text: serverWords(failure), error: true });
    }
  }, [read]);
  useEffect(() => void load(), [load]);

  /**
   * Runs `work`; true when it succeeded (then `done` is shown and the list reloaded). A refusal
   * is shown with `action`, the name of the form it answers.
   */
  const act = async (
    work: () => Promise<unknown>,
    done: string,
    action?: string,
  ): Promise<boolean> => {
    setMessage(null);
    try {
      await work();
      setMessage({ text: done, error: false });
      await load();
      return true;
    } catch (failure) {
      setMessage({ text: serverWords(failure), error: true, ...(action ? { action } : {}) });
      return false;
    }
  };

  return { items, message, setMessage, act, reload: load };
}
