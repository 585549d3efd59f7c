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
