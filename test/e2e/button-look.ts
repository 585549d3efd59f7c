// How a button is drawn in the page, for tests of the confirms' destructive button: the same
// filled style everywhere (styles.css, button.danger-button), whatever view's stylesheet is around.
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** How a button is drawn, and the danger colour as the page resolves it where the button is. */
export async function buttonLook(button: Locator) {
  return button.evaluate((element) => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--danger)';
    const background = document.createElement('span');
    background.style.color = 'var(--bg)';
    element.after(probe, background);
    const style = getComputedStyle(element);
    const look = {
      background: style.backgroundColor,
      border: style.borderTopColor,
      text: style.color,
      weight: style.fontWeight,
      danger: getComputedStyle(probe).color,
      pageBackground: getComputedStyle(background).color,
    };
    probe.remove();
    background.remove();
    return look;
  });
}

/** Filled in the danger colour, words in the page's background colour, bold. */
export async function expectFilledDanger(button: Locator): Promise<void> {
  const look = await buttonLook(button);
  expect(look).toEqual({
    background: look.danger,
    border: look.danger,
    text: look.pageBackground,
    weight: '600',
    danger: look.danger,
    pageBackground: look.pageBackground,
  });
}
