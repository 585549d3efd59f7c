import { useCallback, useEffect, useState } from 'react';
import { serverWords } from '../api/http-transport';

export interface SectionMessage {
  text: string;
  error: boolean;
  /** The action that failed, when the section shows its refusal beside that form's boxes. */
  action?: string;
  /**
   * What the relay warned of with a change it made (a DKIM key removed leaves its domain's mail
   * unsigned): shown with the notice, as a warning, in the relay's words.
   */
  warning?: string;
}

/** What to say once an action succeeded: fixed words, or words made from the relay's answer. */
export type SectionNotice<R> = string | ((result: R) => Pick<SectionMessage, 'text' | 'warning'>);

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
   * Runs `work`; true when it succeeded (then `done`, or what it makes of the answer, is shown
   * and the list reloaded). A refusal
   * is shown with `action`, the name of the form it answers.
   */
  const act = async <R>(
    work: () => Promise<R>,
    done: SectionNotice<R>,
    action?: string,
  ): Promise<boolean> => {
    setMessage(null);
    try {
      const result = await work();
      setMessage({ ...(typeof done === 'string' ? { text: done } : done(result)), error: false });
      await load();
      return true;
    } catch (failure) {
      setMessage({ text: serverWords(failure), error: true, ...(action ? { action } : {}) });
      return false;
    }
  };

  return { items, message, setMessage, act, reload: load };
}
