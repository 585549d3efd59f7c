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
    element.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  };
  attempt();
}
