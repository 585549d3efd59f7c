import { useEffect, useRef, type RefObject } from 'react';

/**
 * Where the keyboard focus goes once a removed row (a user, a DKIM key) and its Remove button are
 * gone: the next row's Remove, the previous one's for the last row, else `fallback` (the Add
 * form). Without it the focus fell to the page's body, and the next Tab started again at the top
 * of the window.
 */
export function useFocusAfterRemoval(
  rows: readonly unknown[] | null,
  fallback: RefObject<HTMLElement | null>,
) {
  const removeButtons = useRef(new Map<string, HTMLButtonElement>());
  const target = useRef<string | null>(null);
  useEffect(() => {
    if (target.current === null || !rows) return;
    const key = target.current;
    target.current = null;
    (removeButtons.current.get(key) ?? fallback.current)?.focus();
  }, [rows, fallback]);

  return {
    /** The ref callback of the Remove button of the row `key`. */
    removeButton: (key: string) => (button: HTMLButtonElement | null) => {
      if (button) removeButtons.current.set(key, button);
      else removeButtons.current.delete(key);
    },
    /**
     * Runs the removal of `key`, one of the removable rows' `keys` in order; `work` answers
     * whether it succeeded. Refused, the row and its button are still there, and keep the focus.
     */
    async removing(keys: readonly string[], key: string, work: () => Promise<boolean>) {
      const at = keys.indexOf(key);
      // set before the reload, whose new list the effect above focuses in
      target.current = keys[at + 1] ?? keys[at - 1] ?? '';
      if (!(await work())) target.current = null;
    },
  };
}
