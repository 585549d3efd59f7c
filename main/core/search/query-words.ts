// Splits a search query into words the way Mailpit's `tools.ArgsParser` does: whitespace separates
// words except inside double quotes, and the quotes themselves are dropped wherever they are, so
// `subject:"weekly report"` and `"subject:weekly report"` both give the word `subject:weekly report`
// and `!"foo bar"` excludes the phrase.
import { SearchSyntaxError } from './search-syntax-error.js';

export function splitQueryWords(query: string): string[] {
  const words: string[] = [];
  let current = '';
  let quoted = false;
  let quoteStart = -1;

  const flush = (): void => {
    // not trimmed: a sign inside quotes after a space (`" -x"`) is part of the phrase, not an
    // exclusion; only whitespace outside quotes separates words, and that never reaches here
    if (current.trim() !== '') words.push(current);
    current = '';
  };

  for (let i = 0; i < query.length; i++) {
    const ch = query[i] as string;
    if (ch === '"') {
      quoted = !quoted;
      if (quoted) quoteStart = i;
    } else if (!quoted && /\s/.test(ch)) {
      flush();
    } else {
      current += ch;
    }
  }

  // Mailpit silently runs an open quote to the end of the query; a person who typed it most
  // likely meant a phrase that stops somewhere, so say so rather than guess.
  if (quoted) {
    throw SearchSyntaxError.unclosedQuote(query.slice(quoteStart));
  }
  flush();
  return words;
}
