/**
 * Scrolls a Settings section into view and puts the focus in its first field, once the page has
 * drawn it (Settings renders after its data arrives). Gives up quietly after a few seconds.
 */
export function revealSection(section: string, timeoutMs = 5000): void {
  const until = Date.now() + timeoutMs;
  const attempt = () => {
    const element = document.getElementById(`section-${section}`);
    if (!element) {
      if (Date.now() < until) window.setTimeout(attempt, 50);
      return;
    }
    element.scrollIntoView({ block: 'start' });
    // a field pinned by a flag (--relay-host, --mode) is disabled and cannot take the focus, which
    // stayed on the link left behind at the top: the next Tab scrolled back there. The section's
    // title takes it instead, and Tab goes on into the section.
    // Nor can one that is not drawn: Filtering's first button is the scanner line's Details,
    // which only a narrow list shows (display: none here), and focus() on it did nothing.
    // (A disabled first field still sends the focus to the title, not to a field further down:
    // the title says which section the reader is in, and Tab goes on from there.)
    const fields = element.querySelectorAll<HTMLElement>('input, select, textarea, button');
    const first = [...fields].find(isDrawn);
    const usable = first && !(first as HTMLInputElement).disabled ? first : null;
    (usable ?? element.querySelector<HTMLElement>('h3[tabindex]'))?.focus({ preventScroll: true });
  };
  attempt();
}

/** A field hidden by `display: none` (or inside such a box) has no boxes. */
function isDrawn(field: HTMLElement): boolean {
  return field.getClientRects().length > 0;
}
