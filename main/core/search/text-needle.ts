// Case-insensitive substring needles, compiled once per query so that matching a record allocates
// nothing (no per-record lowercasing of a 16 KiB body text).
//
// Mailpit stores its search text through `cleanString` (line breaks, tabs and the characters
// < > " , ; ( ) become spaces, runs of spaces collapse, all lowercased) and cleans the query word
// the same way, so `"body 1 jdsauk dwqmdqw"` finds `body 1 <jdsauk;dwqmdqw;>`. Instead of keeping a
// cleaned copy of every message we compile the cleaned word to a pattern in which each space
// matches any run of those separators: the same matches, with no second copy of the text.

import { cleanSearchWord, SEPARATORS } from './search-words.js';

function escapeRegExp(text: string): string {
  // Only syntax characters: with the 'u' flag any other escaped character is a syntax error.
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface TextNeedle {
  /** The word as it will be looked for (lowercased), for display and tests. */
  readonly text: string;
  /** True when `haystack` contains the needle, ignoring case. */
  foundIn(haystack: string): boolean;
}

function needleFromPattern(text: string, source: string): TextNeedle {
  // 'u' so that case folding covers all of Unicode (Ä/ä), which Mailpit's SQLite LIKE does not.
  const pattern = new RegExp(source, 'iu');
  return { text, foundIn: (haystack) => pattern.test(haystack) };
}

/** A needle for words Mailpit cleans (plain words, addresses, message-id): separators are loose. */
export function looseNeedle(word: string): TextNeedle {
  const text = cleanSearchWord(word);
  return needleFromPattern(text, text.split(' ').map(escapeRegExp).join(SEPARATORS));
}

/** A needle for words Mailpit matches as typed (`subject:`): only case is ignored. */
export function literalNeedle(word: string): TextNeedle {
  const text = word.toLowerCase();
  return needleFromPattern(text, escapeRegExp(text));
}
