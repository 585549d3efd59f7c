// Every http(s) link and image URL in a message: from the HTML (anchors, image maps,
// stylesheets, images and their srcset, media sources and posters, background attributes) and
// from the text part, where RFC 3986 appendix C recommends <angle brackets> around a URL that may
// be wrapped. Other schemes (mailto:, tel:, cid:, data:) are not links to check.
import { DomUtils, parseDocument } from 'htmlparser2';

/** Mailpit checks at most this many distinct links per message; so do we. */
export const maxLinksPerMessage = 100;

/** Attributes that hold one URL, by element ('*': any element). */
const urlAttributes: Array<[element: string, attribute: string]> = [
  ['a', 'href'],
  ['area', 'href'],
  ['link', 'href'],
  ['img', 'src'],
  ['input', 'src'],
  ['source', 'src'],
  ['video', 'src'],
  ['video', 'poster'],
  ['audio', 'src'],
  ['*', 'background'],
];

/** Attributes that hold a srcset: URLs each followed by a width or density. */
const srcsetAttributes = new Set(['img', 'source']);

export function isCheckableUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  // credentials in a link would be sent to the server; never check those
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}

class LinkSet {
  readonly links: string[] = [];
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.links.length >= maxLinksPerMessage;
  }

  add(candidate: string): void {
    const link = candidate.trim();
    if (this.full || this.seen.has(link) || !isCheckableUrl(link)) return;
    this.seen.add(link);
    this.links.push(link);
  }
}

function fromHtml(html: string, found: LinkSet): void {
  const document = parseDocument(html);
  for (const element of DomUtils.findAll(() => true, document.children)) {
    const tag = element.name.toLowerCase();
    for (const [name, attribute] of urlAttributes) {
      if (name !== '*' && name !== tag) continue;
      const value = element.attribs[attribute];
      if (value) found.add(value);
    }
    const srcset = srcsetAttributes.has(tag) ? element.attribs.srcset : undefined;
    if (srcset) {
      for (const candidate of srcset.split(',')) found.add(candidate.trim().split(/\s+/)[0] ?? '');
    }
    if (found.full) return;
  }
}

// Linear-time patterns (no nested quantifiers): message text is untrusted input.
const bracketed = /<(https?:\/\/[^>]{1,2048})>/gi;
const bare = /\bhttps?:\/\/[^\s<>"'`{}|\\^[\]]{1,2048}/gi;

/** Prose punctuation after a URL is not part of it; a closing paren only when unbalanced. */
function trimProse(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last && '.,;:!?'.includes(last)) end--;
    else if (
      last === ')' &&
      url.slice(0, end).split('(').length <= url.slice(0, end).split(')').length - 1
    )
      end--;
    else break;
  }
  return url.slice(0, end);
}

function fromText(text: string, found: LinkSet): void {
  for (const match of text.matchAll(bracketed)) {
    // a wrapped URL inside brackets continues on the next line: the break is not part of it
    found.add((match[1] as string).replace(/\s+/g, ''));
    if (found.full) return;
  }
  for (const match of text.replace(bracketed, ' ').matchAll(bare)) {
    found.add(trimProse(match[0]));
    if (found.full) return;
  }
}

/** The distinct links to check, HTML first, in the order they appear; at most 100. */
export function extractLinks(html: string, text: string): string[] {
  const found = new LinkSet();
  if (html) fromHtml(html, found);
  if (text) fromText(text, found);
  return found.links;
}
