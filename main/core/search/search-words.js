// How plain words are cleaned for search, as Mailpit's `cleanString` does (line breaks, tabs and
// the characters < > " , ; ( ) become spaces, runs of them collapse, all lowercased), and the
// full-text row of a message made of such words. Plain JavaScript on purpose: the index's writes
// run in a worker thread, which cannot load TypeScript, and clean a message's body text there
// (index-writes.js) instead of on the SMTP thread. tsc checks it (checkJs) and reads its types
// from the JSDoc below.

/** Characters Mailpit's `cleanString` turns into spaces (plus whitespace and U+FEFF). */
export const SEPARATORS = String.raw`[\s\uFEFF<>",;()]+`;
const separatorChars = new RegExp(SEPARATORS, 'g');

/**
 * Mailpit's `cleanString`: separators to single spaces, trimmed, lowercased.
 * @param {string} word
 * @returns {string}
 */
export function cleanSearchWord(word) {
  return word.replace(separatorChars, ' ').trim().toLowerCase();
}

/**
 * A message's full-text row: the words of its headers (already cleaned, parts joined with commas,
 * which no cleaned word contains) and its body text, cleaned here, after them.
 * @param {string} headerWords
 * @param {string} bodyText
 * @returns {string}
 */
export function fullTextRow(headerWords, bodyText) {
  const body = cleanSearchWord(bodyText);
  if (headerWords === '') return body;
  return body === '' ? headerWords : `${headerWords},${body}`;
}
