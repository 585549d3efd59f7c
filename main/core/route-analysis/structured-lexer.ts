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

const SPACES = ' \t\r\n';
const isSpace = (char: string | undefined): boolean => char !== undefined && SPACES.includes(char);

/** RFC 5322 §3.2.2: `(` nests, `\` quotes the next character. Returns the end, or -1. */
function scanComment(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i + 1;
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
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '(') stack.push(i);
    else if (char === ')') stack.pop();
  }
  return new Set(stack);
}

/** A quoted string's end after its closing quote, or -1 when no quote closes it. */
function scanQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/**
 * A literal or angle address: to `close`, or (unclosed) to the next whitespace. An angle address
 * may hold a quoted local part with spaces (`<"john smith"@example.net>`, RFC 5321 §4.1.2).
 */
function scanUntil(text: string, from: number, close: string): { end: number; closed: boolean } {
  let start = from + 1;
  // only where a local part starts: a quote elsewhere is not the grammar's, read as before
  if (close === '>' && text[start] === '"') {
    const end = scanQuoted(text, start);
    if (end > 0) start = end;
  }
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === close) return { end: i + 1, closed: true };
    else if (isSpace(char)) return { end: i, closed: false };
  }
  return { end: text.length, closed: false };
}

// What can end a word: whitespace, ";", "[", "<", and a "(" or '"' when it opens something.
const wordBreak = /[ \t\r\n;[<("]/g;

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
    i = end;
  };
  /** Where the word starting at `from` ends; a "(" that nothing closes is kept inside it. */
  const wordEnd = (from: number): number => {
    wordBreak.lastIndex = from + 1;
    for (let found = wordBreak.exec(text); found; found = wordBreak.exec(text)) {
      const opensNothing =
        (found[0] === '(' && unclosed?.has(found.index)) || (found[0] === '"' && !quotesUsable);
      if (!opensNothing) return found.index;
    }
    return text.length;
  };
  while (i < text.length) {
    const char = text[i];
    if (isSpace(char)) {
      spaceBefore = true;
      i++;
      continue;
    }
    if (char === '(' && !unclosed?.has(i)) {
      const end = scanComment(text, i);
      if (end > 0) {
        push('comment', i, end);
        continue;
      }
      unclosed = unclosedOpenings(text, i);
    }
    if (char === '[' || char === '<') {
      const { end, closed } = scanUntil(text, i, char === '[' ? ']' : '>');
      push(char === '[' ? 'literal' : 'angle', i, end, closed);
      continue;
    }
    if (char === '"' && quotesUsable) {
      const end = scanQuoted(text, i);
      if (end > 0) {
        push('quoted', i, end);
        continue;
      }
      // no later quote closes this one, so no later quote can close at all
      quotesUsable = false;
    }
    if (char === ';') {
      push('semicolon', i, i + 1);
      continue;
    }
    push('word', i, wordEnd(i));
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
