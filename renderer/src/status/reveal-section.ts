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
    const first = element.querySelector<HTMLElement>('input, select, textarea, button');
    const usable = first && !(first as HTMLInputElement).disabled ? first : null;
    (usable ?? element.querySelector<HTMLElement>('h3[tabindex]'))?.focus({ preventScroll: true });
  };
  attempt();
}
