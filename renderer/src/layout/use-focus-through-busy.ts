import { useCallback, useEffect, useRef, type RefObject } from 'react';

/**
 * Keeps the keyboard focus on a button that is disabled while its work runs (Test connection,
 * Analyze, HTML screenshot). A focused control that becomes disabled loses the focus to the
 * page's body, and the next Tab starts again at the top of the window, or, in a dialog, at its
 * first control. Call the returned function as the work starts: once `busy` is over and the button
 * is enabled again (a focus() before that does nothing), the focus goes back to it, unless it was
 * put somewhere else meanwhile.
 */
export function useFocusThroughBusy(
  button: RefObject<HTMLButtonElement | null>,
  busy: boolean,
): () => void {
  const hadFocus = useRef(false);
  useEffect(() => {
    if (busy || !hadFocus.current) return;
    hadFocus.current = false;
    // fallen to the page, or to the panel or dialog around (a click on the disabled button
    // focuses that)
    const focused = document.activeElement;
    if (button.current && (!focused || focused.contains(button.current))) button.current.focus();
  }, [busy, button]);
  return useCallback(() => {
    hadFocus.current = document.activeElement === button.current;
  }, [button]);
}
