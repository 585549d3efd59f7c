// The types of search-words.js (plain JavaScript, shared with the index's worker thread).

/** Characters Mailpit's `cleanString` turns into spaces (plus whitespace and U+FEFF), as a pattern. */
export declare const SEPARATORS: string;

/** Mailpit's `cleanString`: separators to single spaces, trimmed, lowercased. */
export declare function cleanSearchWord(word: string): string;

/** A message's full-text row: its header words (cleaned, comma-joined), then its body text cleaned. */
export declare function fullTextRow(headerWords: string, bodyText: string): string;
