// The web addresses in a text body, so the Text tab can make them links as Mailpit's does: a
// text-only password reset (Django's default, a Rails mailer's text part) is tested by clicking
// its link, and copying a 300-character tracking URL that wraps over five lines is error-prone.
// Pure: the tab renders the pieces as React elements, never as HTML.

export interface TextPiece {
  text: string;
  /** The address when this piece is a link; only http: and https: are made links. */
  href?: string;
}

// a URL runs to whitespace, an angle bracket or a quote (RFC 3986 appendix C's delimiters)
const webAddress = /\bhttps?:\/\/[^\s<>"]+/gi;
// sentence punctuation after a URL is not part of it ("see https://x.example/a.")
const trailing = /[.,;:!?'*]+$/;

/** The URL without the punctuation that ends its sentence, or a `)` it does not open. */
function trimmed(url: string): string {
  let end = url.replace(trailing, '');
  while (end.endsWith(')') && count(end, '(') < count(end, ')')) {
    end = end.slice(0, -1).replace(trailing, '');
  }
  return end;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The text cut into plain pieces and links, in order; joined, the pieces are the text. */
export function textWithLinks(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(webAddress)) {
    const url = trimmed(match[0]);
    const start = match.index;
    if (url.length <= 'https://'.length) continue;
    if (start > at) pieces.push({ text: text.slice(at, start) });
    pieces.push({ text: url, href: url });
    at = start + url.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}
