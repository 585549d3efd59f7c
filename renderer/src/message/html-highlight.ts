// The HTML source's colours, as Mailpit's HTML Source tab has them: highlight.js's own HTML and
// CSS grammars (its core only, so the bundle takes two languages, not its hundred and ninety).
import hljs from 'highlight.js/lib/core';
import css from 'highlight.js/lib/languages/css';
import xml from 'highlight.js/lib/languages/xml';

hljs.registerLanguage('xml', xml);
// for <style> blocks, which the xml grammar hands to the css one
hljs.registerLanguage('css', css);

/** Beyond this the source is shown without colours: highlighting it would hold the window
 * (256 kB of table rows took 0.45-0.7 s on a busy 2-core machine; a 180 kB newsletter is under it). */
export const highlightLimit = 256 * 1024;

/**
 * The HTML as markup of escaped text in `<span class="hljs-…">` (highlight.js escapes every
 * character of the input it puts out), or null when the part is too large to colour.
 */
export function highlightedHtml(html: string): string | null {
  if (html.length > highlightLimit) return null;
  return hljs.highlight(html, { language: 'xml', ignoreIllegals: true }).value;
}
