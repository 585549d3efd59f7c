// Each tag's colour: Mailpit's (color-hash, lightness 0.3, saturations 0.35/0.5/0.65), made
// darker only where white text on it would fall under WCAG's 4.5:1.
import ColorHash from 'color-hash';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tagColour } from '../../renderer/src/tags/tag-colours.js';

const mailpit = new ColorHash({ lightness: 0.3, saturation: [0.35, 0.5, 0.65] });

function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const s = parseInt(hex.slice(i, i + 2), 16) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

describe('tag colours', () => {
  it("is Mailpit's colour for a tag whose colour already reads well", () => {
    for (const tag of ['password-reset', 'welcome', 'quarantined', 'Campaign 7']) {
      if (contrastWithWhite(mailpit.hex(tag)) >= 4.5) expect(tagColour(tag)).toBe(mailpit.hex(tag));
    }
    expect(tagColour('password-reset')).toBe('#5b3267');
  });

  it('gives white text at least 4.5:1 on every tag, and the same hue as Mailpit', () => {
    let darkened = 0;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (tag) => {
        const colour = tagColour(tag);
        expect(contrastWithWhite(colour)).toBeGreaterThanOrEqual(4.5);
        if (colour !== mailpit.hex(tag)) {
          darkened++;
          expect(contrastWithWhite(mailpit.hex(tag))).toBeLessThan(4.5);
        }
      }),
      { numRuns: 2000 },
    );
    // Mailpit's yellows and greens are darkened; most colours are its own
    expect(darkened).toBeGreaterThan(0);
    expect(darkened).toBeLessThan(1000);
  });
});
