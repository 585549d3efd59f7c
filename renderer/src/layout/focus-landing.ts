import { useEffect, useRef } from 'react';

/**
 * Marks the heading where the focus lands when the app moves to its place:
 * `<h2 {...focusLanding}>`. Focusable by script only, so no Tab stop is added.
 */
export const focusLanding = { tabIndex: -1, 'data-focus-landing': '' } as const;

/**
 * A button that takes the user to another place (a queue entry's subject to its message, a
 * message's "SMTP session" link, Settings' "Suspended senders…") goes away with the page it was
 * on, and the focus fell to the body: the next Tab started again at the top of the window, and a
 * screen reader said nothing of where the user now was. When `place` changes and the focus is
 * lost, the new place's landing heading takes it, once drawn (a message or a session is read
 * first: this waits for it up to `timeoutMs`). A focus somewhere (a sidebar item, the More
 * actions button its menu gave it back to) is left where it is.
 */
export function useFocusLanding(place: string, timeoutMs = 3000): void {
  const shown = useRef(place);
  useEffect(() => {
    if (shown.current === place) return;
    shown.current = place;
    const until = Date.now() + timeoutMs;
    let timer: number | undefined;
    // once the user acts, or anything takes the focus, the wait is over: a landing found later
    // must not take the focus from what the user went on to (CI caught an Enter meant for a
    // button landing on the message's heading, a second after the user came back to the list)
    const events = ['keydown', 'pointerdown', 'focusin'] as const;
    const stop = () => {
      window.clearTimeout(timer);
      for (const name of events) document.removeEventListener(name, stop, true);
    };
    const attempt = () => {
      const focused = document.activeElement;
      if (focused && focused !== document.body) return stop();
      // the place's own heading: a session's comes after the list's, a message's after the list
      const landings = document.querySelectorAll<HTMLElement>('[data-focus-landing]');
      const landing = landings[landings.length - 1];
      if (landing) {
        stop();
        landing.focus();
      } else if (Date.now() < until) timer = window.setTimeout(attempt, 50);
      else stop();
    };
    for (const name of events) document.addEventListener(name, stop, true);
    attempt();
    return stop;
  }, [place, timeoutMs]);
}
