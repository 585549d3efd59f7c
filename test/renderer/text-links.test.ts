// The Text tab's links: each http(s) address of a text body, without the punctuation that ends
// its sentence, the rest left as it is.
import { describe, expect, it } from 'vitest';
import { textWithLinks } from '../../renderer/src/message/text-links.js';

describe('links in a text body', () => {
  it('cuts the text into plain pieces and links that join back to the text', () => {
    const text =
      'Reset: https://shop.example/reset?token=abc&utm_source=email.\nOr mail us (https://shop.example/help).';
    const pieces = textWithLinks(text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.filter((p) => p.href).map((p) => p.href)).toEqual([
      'https://shop.example/reset?token=abc&utm_source=email',
      'https://shop.example/help',
    ]);
  });

  it('keeps parentheses a URL opens, angle brackets out, and leaves other schemes alone', () => {
    const pieces = textWithLinks(
      'See <https://en.wikipedia.org/wiki/Mail_(disambiguation)> or javascript:alert(1), ftp://x.example, http://',
    );
    expect(pieces.filter((p) => p.href).map((p) => p.href)).toEqual([
      'https://en.wikipedia.org/wiki/Mail_(disambiguation)',
    ]);
  });

  it('gives a text without addresses as one piece', () => {
    expect(textWithLinks('Thanks for your order.')).toEqual([{ text: 'Thanks for your order.' }]);
  });
});
