// The document the HTML preview frame shows. Mail HTML is hostile by default: it may carry
// tracking pixels, remote CSS and fonts (which tell the sender the mail was opened), forms and
// scripts. The frame is sandboxed with no scripts and an opaque origin; this policy additionally
// stops every fetch except inline images until the user asks for remote content.
import { replaceCidReferences } from '../api/contract';

/** Remote content blocked: only data: and cid: images, inline styles, nothing else. */
export const previewContentSecurityPolicy =
  "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'";

/** After "Load remote content": images, stylesheets and fonts from anywhere; still no scripts. */
export const remotePreviewContentSecurityPolicy =
  "default-src 'none'; img-src data: cid: http: https:; style-src 'unsafe-inline' http: https:; font-src data: http: https:";

const leadingDoctype = /^\s*<!doctype[^>]*>/i;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/**
 * Puts the policy first, so it is in force before the parser meets the first `<img>`. A `<meta>`
 * before `<html>` still lands in the document's head (the parser opens html and head for it).
 * The mail's own doctype is kept in front, because a doctype anywhere else is ignored and would
 * switch standards-mode mail into quirks mode. A policy the mail brings itself can only narrow
 * this one: a document enforces every policy it has.
 */
export function buildPreviewDocument(html: string, options: { remote?: boolean } = {}): string {
  const policy = options.remote ? remotePreviewContentSecurityPolicy : previewContentSecurityPolicy;
  const guard =
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">` +
    '<meta name="referrer" content="no-referrer">' +
    // links leave the frame for a new tab (browser) or the system browser (desktop)
    '<base target="_blank">';
  const doctype = leadingDoctype.exec(html);
  if (!doctype) return guard + html;
  return doctype[0] + guard + html.slice(doctype[0].length);
}

const styleBlock = /(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi;
/** `@media (prefers-color-scheme: dark)` and the like, in a style sheet or a media attribute. */
const schemeQuery = /prefers-color-scheme\s*:\s*(dark|light)/gi;
/** The mail says it is made for a dark page as well: in a meta, or the CSS property. */
const darkMeta =
  /<meta\s[^>]*name\s*=\s*["']?(?:supported-)?color-scheme["']?[^>]*content\s*=\s*["'][^"']*\bdark\b/i;
const darkProperty = /(?<!prefers-)color-scheme\s*:[^;}"']*\bdark\b/i;
const styleAttribute = /\sstyle\s*=\s*("[^"]*"|'[^']*')/gi;

function declaresDark(html: string): boolean {
  if (darkMeta.test(html)) return true;
  const css = [
    ...Array.from(html.matchAll(styleBlock), (m) => m[2] ?? ''),
    ...Array.from(html.matchAll(styleAttribute), (m) => m[1] ?? ''),
  ];
  return css.some((text) => darkProperty.test(text));
}

/**
 * The mail as a client in dark mode shows it (Apple Mail, Outlook for Mac): its dark-mode CSS
 * applies and its light-only CSS does not, and a mail that declares a dark colour scheme gets a
 * dark page. A frame's preference follows the app's, not its element's colour scheme, so the
 * queries are answered here: `prefers-color-scheme: dark` becomes a query that always matches,
 * `light` one that never does. A mail without either shows as in light, on white. Pure.
 */
export function asDarkMode(html: string): string {
  const answered = html.replace(
    styleBlock,
    (_whole, open: string, css: string, close: string) =>
      open +
      css.replace(schemeQuery, (_query, scheme: string) =>
        scheme.toLowerCase() === 'dark' ? 'min-width: 0px' : 'max-width: -1px',
      ) +
      close,
  );
  if (!declaresDark(html)) return answered;
  // after the doctype, which must stay first (see buildPreviewDocument)
  const doctype = leadingDoctype.exec(answered)?.[0] ?? '';
  return `${doctype}<style>:root { color-scheme: dark; }</style>${answered.slice(doctype.length)}`;
}

/**
 * Whether the mail has any dark-mode CSS for a client in dark mode to apply: without it the
 * preview's Dark mode changes nothing, which the bar says (a tick that changed nothing read as
 * a switch that does not work). Pure.
 */
export function hasDarkModeCss(html: string): boolean {
  // where asDarkMode answers the query: in style sheets, not in the text of the mail
  const sheets = Array.from(html.matchAll(styleBlock), (m) => m[2] ?? '');
  return declaresDark(html) || sheets.some((css) => /prefers-color-scheme\s*:\s*dark/i.test(css));
}

/** Whether the mail asks for anything remote: only then is the "Load remote content" bar shown. */
export function hasRemoteContent(html: string): boolean {
  // links (<a href>) are not fetched by showing the mail, so they do not count
  return /(?:src|background|srcset)\s*=\s*["']?\s*(?:https?:)?\/\/|<link[^>]*href\s*=\s*["']?\s*(?:https?:)?\/\/|url\(\s*["']?\s*(?:https?:)?\/\/|@import/i.test(
    html,
  );
}

/**
 * Every link gets `rel="noopener noreferrer"`, so the page it opens cannot reach back to the
 * frame (no `window.opener`) nor learn where it was clicked; and `<meta http-equiv=refresh>`
 * goes, since a navigation is not a fetch the policy can stop. Parsed with the browser's own
 * parser, which loads nothing while it parses.
 */
export function withSafeLinks(html: string, parser: DOMParser): string {
  // a cheap look before parsing, as loose as the parser: `<a/href=…>` is a link and
  // `http-equiv="&#82;efresh"` a refresh (the attribute's value is read after its entities)
  if (!/<(?:a|area|meta)[\s/>]/i.test(html)) return html;
  const doc = parser.parseFromString(html, 'text/html');
  for (const link of Array.from(doc.querySelectorAll('a[href], area[href]'))) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
  for (const meta of Array.from(doc.querySelectorAll('meta[http-equiv]'))) {
    if (meta.getAttribute('http-equiv')?.trim().toLowerCase() === 'refresh') meta.remove();
  }
  const doctype = leadingDoctype.exec(html)?.[0] ?? '';
  return doctype + doc.documentElement.outerHTML;
}

/**
 * Points cid: references (an inline part of a multipart/related message) at that part's bytes,
 * given as data: URLs by Content-ID key. A reference to a part the message lacks stays as it is.
 */
export function withInlineParts(html: string, parts: ReadonlyMap<string, string>): string {
  if (parts.size === 0) return html;
  return replaceCidReferences(html, (key) => parts.get(key));
}
