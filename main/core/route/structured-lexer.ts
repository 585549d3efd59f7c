// A lexer for the structured header fields that trace and authentication headers are made of
// (RFC 5322 §3.2: comments, quoted strings, domain literals, angle addresses, atoms, ";").
//
// Keywords inside a comment must not count (`(using TLSv1.3 with cipher …)`, `(qmail 1 invoked by
// uid 89)`), so a real lexer is used instead of splitting on whitespace. It never throws:
// an unclosed comment degrades to a plain "(" so that the rest of the field is still read, and an
// unclosed literal or angle address ends at the next whitespace. Every path is linear in the
// input length, because the API also reads headers pasted by anyone.

export type TokenKind = 'word' | 'comment' | 'literal' | 'angle' | 'quoted' | 'semicolon';

export interface Token {
  kind: TokenKind;
  /** The token as written, delimiters included. */
  text: string;
  /** Without the delimiters: a comment's content, a literal's address, an angle's address. */
  inner: string;
  start: number;
  end: number;
  /** Whether whitespace separates this token from the previous one (`[ip]:port` has none). */
  spaceBefore: boolean;
  /** False when the closing delimiter was missing. */
  closed: boolean;
}

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/** The ASCII characters that can end a word: whitespace, `;`, `[`, `<`, `(` and `"`. */
const mayEndWord = new Uint8Array(0x80);
for (const code of [0x20, 0x09, 0x0a, 0x0d, 0x3b, 0x5b, 0x3c, 0x28, 0x22]) mayEndWord[code] = 1;

/** RFC 5322 §3.2.2: `(` nests, `\` quotes the next character. */
function scanComment(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) i++;
    else if (ch === 0x28) depth++;
    else if (ch === 0x29 && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The positions of "(" that no ")" closes. One pass from the first unclosed "(" finds them all,
 * which keeps recovery linear however many parentheses a hostile field holds.
 */
function unclosedOpenings(text: string, from: number): Set<number> {
  const stack: number[] = [];
  for (let i = from; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) i++;
    else if (ch === 0x28) stack.push(i);
    else if (ch === 0x29) stack.pop();
  }
  return new Set(stack);
}

function scanUntil(text: string, from: number, close: number): { end: number; closed: boolean } {
  for (let i = from + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) i++;
    else if (ch === close) return { end: i + 1, closed: true };
    else if (isSpace(ch)) return { end: i, closed: false };
  }
  return { end: text.length, closed: false };
}

export function lexStructured(text: string): Token[] {
  const tokens: Token[] = [];
  let unclosed: Set<number> | null = null;
  let quotesUsable = true;
  let i = 0;
  let spaceBefore = false;
  const push = (kind: TokenKind, start: number, end: number, closed = true): void => {
    const tokenText = text.slice(start, end);
    const delimited = kind !== 'word' && kind !== 'semicolon';
    const inner = delimited ? tokenText.slice(1, closed ? -1 : undefined) : tokenText;
    tokens.push({ kind, text: tokenText, inner, start, end, spaceBefore, closed });
    spaceBefore = false;
  };
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) {
      spaceBefore = true;
      i++;
      continue;
    }
    if (ch === 0x28 && !unclosed?.has(i)) {
      const end = scanComment(text, i);
      if (end > 0) {
        push('comment', i, end);
        i = end;
        continue;
      }
      unclosed = unclosedOpenings(text, i);
    }
    if (ch === 0x5b || ch === 0x3c) {
      const { end, closed } = scanUntil(text, i, ch === 0x5b ? 0x5d : 0x3e);
      push(ch === 0x5b ? 'literal' : 'angle', i, end, closed);
      i = end;
      continue;
    }
    if (ch === 0x22 && quotesUsable) {
      let end = -1;
      for (let j = i + 1; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x5c) j++;
        else if (c === 0x22) {
          end = j + 1;
          break;
        }
      }
      if (end > 0) {
        push('quoted', i, end);
        i = end;
        continue;
      }
      // no later quote closes this one, so no later quote can close at all
      quotesUsable = false;
    }
    if (ch === 0x3b) {
      push('semicolon', i, i + 1);
      i++;
      continue;
    }
    // an atom-ish run; a "(" that nothing closes is kept as part of it
    let j = i + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      // one table look-up lets the common character through; the rest are sorted out below
      if (c >= 0x80 || !mayEndWord[c]) {
        j++;
        continue;
      }
      if (isSpace(c) || c === 0x3b || c === 0x5b || c === 0x3c) break;
      if (c === 0x28 && !unclosed?.has(j)) break;
      if (c === 0x22 && quotesUsable) break;
      j++;
    }
    push('word', i, j);
    i = j;
  }
  return tokens;
}

/** Comments removed and whitespace collapsed, as RFC 5322 §3.2.2 says they carry no meaning. */
export function withoutComments(text: string): string {
  return lexStructured(text)
    .filter((token) => token.kind !== 'comment')
    .map((token) => token.text)
    .join(' ');
}

/** Every comment's content, nested ones included, for searching markers such as `version=TLS…`. */
export function allComments(tokens: readonly Token[], out: string[] = []): string[] {
  for (const token of tokens) {
    if (token.kind !== 'comment') continue;
    out.push(token.inner);
    if (token.inner.includes('(')) allComments(lexStructured(token.inner), out);
  }
  return out;
}
