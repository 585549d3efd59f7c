// The clamd state strip above the quarantine, as the screen tests read it.
import type { Locator } from 'playwright-core';

/** Whether the strip is one line high: its content no taller than its words or its button. */
export function stripIsOneLine(strip: Locator): Promise<boolean> {
  return strip.evaluate((el) => {
    const style = getComputedStyle(el);
    const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const button = el.querySelector('[data-testid="scanner-details"]');
    const line = Math.max(
      el.querySelector('strong')?.getBoundingClientRect().height ?? 0,
      button?.getBoundingClientRect().height ?? 0,
    );
    return inner <= line + 1;
  });
}

/** Whether the strip's first words are whole: none of them cut off by its ellipsis. */
export function stripWordsAreWhole(strip: Locator): Promise<boolean> {
  return strip.evaluate((el) => {
    const words = el.querySelector('strong');
    return words !== null && words.scrollWidth <= words.clientWidth;
  });
}

/**
 * Whether each button that starts a line of the strip (Check again, Less wrapped in a narrow
 * list) starts flush with the words above it, not indented.
 */
export function wrappedButtonsAreFlush(strip: Locator): Promise<boolean> {
  return strip.evaluate((el) =>
    Array.from(el.querySelectorAll('button')).every((button) => {
      const line = button.closest('p');
      if (!line || button.offsetParent === null) return true;
      const left =
        line.getBoundingClientRect().left + parseFloat(getComputedStyle(line).paddingLeft);
      const start = button.getBoundingClientRect().left;
      // a button further right follows words on its line
      return start - left > 12 || Math.abs(start - left) < 0.5;
    }),
  );
}
