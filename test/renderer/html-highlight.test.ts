// The HTML source's colours: highlight.js's spans around escaped text, and none for a part so
// large that colouring it would hold the window.
import { describe, expect, it } from 'vitest';
import { highlightedHtml, highlightLimit } from '../../renderer/src/message/html-highlight.js';

describe('the HTML source coloured', () => {
  it('puts out only its own spans around the escaped markup', () => {
    const out = highlightedHtml('<img src=x onerror="alert(1)"><script>alert(2)</script>');
    expect(out).not.toBeNull();
    // every tag in the output is highlight.js's span; the message's own are text
    expect(out?.match(/<\/?[a-z]+/g)?.every((tag) => /^<\/?span$/.test(tag))).toBe(true);
    expect(out).toContain('&lt;<span class="hljs-name">img</span>');
  });

  it('leaves a part over the limit uncoloured', () => {
    const big = `<p>${'x'.repeat(highlightLimit)}</p>`;
    expect(highlightedHtml(big)).toBeNull();
    expect(highlightedHtml(big.slice(0, highlightLimit))).not.toBeNull();
  });
});
