// The remote addresses a message's HTML loads when it is shown: the only ones the screenshot's
// proxy fetches, so it cannot be asked to fetch any URL at all. The same elements Mailpit's
// getAssets reads (server/handlers/proxy.go): <link href> (style sheets, fonts), <img src>,
// `background` attributes and `url(…)` anywhere in the HTML (style blocks and attributes).
import { DomUtils, parseDocument } from 'htmlparser2';

/** Mailpit's pattern for url(…) in a style: an absolute http(s) address, quoted or not. */
const styleUrl = /url\(\s*(['"]?)(https?:\/\/[^)'"]+)\1\s*\)/gi;

/**
 * The address as a browser would ask for it, or null for anything but a plain http(s) URL.
 * Compared in this form: the screenshot asks with the address its page resolved (`img.src`:
 * host lower-cased, spaces escaped), not the attribute's text. Credentials in a URL would be
 * sent to its server: never.
 */
export function assetAddress(text: string, base?: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  // the fragment never reaches the server
  url.hash = '';
  return url.href;
}

function addAll(found: Set<string>, candidates: Iterable<string>, base?: string): void {
  for (const candidate of candidates) {
    // relative addresses in a message have nothing to resolve against (Mailpit keeps only
    // absolute ones); in a style sheet they resolve against the sheet's own address
    if (base === undefined && !/^\s*https?:\/\//i.test(candidate)) continue;
    const address = assetAddress(candidate, base);
    if (address) found.add(address);
  }
}

/** The remote assets of a message's HTML, in the form assetAddress gives. */
export function messageAssets(html: string): Set<string> {
  const found = new Set<string>();
  const document = parseDocument(html);
  const attribute = (tag: string, name: string): string[] =>
    DomUtils.findAll(
      (e) => (tag === '*' || e.name.toLowerCase() === tag) && name in e.attribs,
      document.children,
    ).map((e) => e.attribs[name] as string);
  addAll(found, attribute('link', 'href'));
  addAll(found, attribute('img', 'src'));
  addAll(found, attribute('*', 'background'));
  addAll(
    found,
    Array.from(html.matchAll(styleUrl), (m) => m[2] as string),
  );
  return found;
}

/** `url(…)` in a style sheet: quoted or not, relative or absolute. */
const sheetUrl = /url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi;

/**
 * A style sheet with each url(…) made absolute against the sheet's address, and the addresses
 * it names (fonts, background images). Mailpit points them at its proxy; Relaydesk's screenshot
 * inlines the sheet, where a relative address would resolve against the app's page, and fetches
 * each address through the proxy itself (which may be IPC, with no URL to point at).
 */
export function absoluteSheet(
  css: string,
  sheetAddress: string,
): { css: string; assets: Set<string> } {
  const assets = new Set<string>();
  const rewritten = css.replace(sheetUrl, (whole, quote: string, target: string) => {
    if (/^\s*data:/i.test(target)) return whole;
    const address = assetAddress(target, sheetAddress);
    if (!address) return whole;
    assets.add(address);
    return `url(${quote}${address}${quote})`;
  });
  return { css: rewritten, assets };
}
