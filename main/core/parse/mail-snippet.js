// The list's Snippet, made as Mailpit makes it (internal/tools/snippets.go CreateSnippet, with
// internal/html2text): from the HTML body when there is one, else from the text; at most 200
// bytes of UTF-8, then "..." when there was more. Plain JavaScript: the parse worker runs it
// (see parse-worker.js for why that file is JavaScript too).
//
// From the HTML, as html2text.Strip does: a space is put after the close of a block element
// that is directly followed by a tag, for each <br> and before each <img>; then the text of every
// node but those inside script, style, title, head, link, meta and noscript, entities decoded;
// characters that are not printable (non-breaking and zero-width spaces, soft hyphens: the
// "preheader" padding of newsletters) become spaces; runs of whitespace become one space. A
// hidden preheader's words are kept, as Mailpit keeps them (mail clients show them there too).
//
// Only the start of a body is read: HTML is fed to htmlparser2 a few KB at a time until the
// snippet is full, so a 100 KB newsletter costs what its first screen does.
import { createRequire } from 'node:module';

/** Mailpit's limit, in bytes of UTF-8, before "..." is added. */
export const snippetBytes = 200;
/** The most of an HTML body looked at (a style sheet of 100 KB before the first word is rare). */
const htmlAtMost = 256 * 1024;
const htmlChunk = 4 * 1024;

// html2text's three regular expressions, applied to the HTML before it is parsed: a space after
// the close of a block element followed by a tag, for each <br>, and before each <img>. One pass
// of one expression does the three (its lookaheads leave the next tag in place), a piece at a
// time, as far as the parser reads.
const spacing =
  /<\/(div|p|td|th|h[1-6]|ul|ol|li|address|article|aside|blockquote|dl|dt|footer|header|hr|main|nav|pre|table|thead|tfoot|video)>(?=<)|<(br \/|br)>|<(?=img)/gi;

/**
 * @param {RegExpExecArray} match
 * @returns {string}
 */
function spaced(match) {
  if (match[1] !== undefined) return `</${match[1]}> `;
  if (match[2] !== undefined) return ' ';
  return ' <';
}

/**
 * The HTML with html2text's spaces, in pieces of about `htmlChunk` characters.
 * @param {string} html
 * @returns {Generator<string, void, undefined>}
 */
function* spacedPieces(html) {
  const expression = new RegExp(spacing);
  let at = 0;
  let next = expression.exec(html);
  while (at < html.length) {
    const to = Math.min(at + htmlChunk, html.length);
    let piece = '';
    while (next && next.index < to) {
      piece += html.slice(at, next.index) + spaced(next);
      at = next.index + next[0].length;
      next = expression.exec(html);
    }
    if (at < to) {
      piece += html.slice(at, to);
      at = to;
    }
    yield piece;
  }
}

/** Elements whose text html2text leaves out (and <head>, followed on its own below). */
const skipped = new Set(['script', 'title', 'link', 'meta', 'style', 'noscript']);
/**
 * What may stand in a <head> (HTML's "in head" insertion mode): anything else, or words, ends
 * the head there, and what follows is the body's, as Go's HTML parser builds the tree.
 */
const headContent = new Set([
  'base',
  'basefont',
  'bgsound',
  'link',
  'meta',
  'title',
  'noscript',
  'noframes',
  'style',
  'script',
  'template',
]);

// runs of Go's \s (RE2: ASCII whitespace, not \v), as one space; a lone space is left as it is
// (the same text, without a replacement per word)
const goSpaces = /[\t\n\f\r][\t\n\f\r ]*| [\t\n\f\r ]+/g;
// Go's strings.TrimSpace: unicode.IsSpace at both ends
const goTrim =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
/** Anything strings.TrimSpace would leave: found at the first such character. */
const notSpace = /[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// the complement of Go's unicode.IsPrint (letters, marks, numbers, punctuation, symbols, ' '):
// each such character becomes a space, and runs of spaces one, so a run may go at once
const notPrintable = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]+/gu;

/** @type {typeof import('htmlparser2').Parser | null} */
let Parser = null;

/** @returns {typeof import('htmlparser2').Parser} */
function htmlParser() {
  Parser ??= /** @type {typeof import('htmlparser2')} */ (
    createRequire(import.meta.url)('htmlparser2')
  ).Parser;
  return Parser;
}

/**
 * html2text's clean: FEFF and non-printable characters as spaces, whitespace collapsed.
 * @param {string} text
 * @returns {string}
 */
function cleanHtmlText(text) {
  // Unicode property classes are slow to match: most text is printable ASCII
  const printable = /[^\x20-\x7e\t\n\f\r]/.test(text) ? text.replace(notPrintable, ' ') : text;
  return printable.replace(goSpaces, ' ').replace(goTrim, '');
}

/**
 * CreateSnippet's treatment of a text body.
 * @param {string} text
 * @returns {string}
 */
function cleanText(text) {
  return text
    .replace(goTrim, '')
    .replace(/\ufeff/g, ' ')
    .replace(goSpaces, ' ')
    .replace(goTrim, '');
}

/**
 * Longer than the snippet: its first bytes are final, whatever follows.
 * @param {string} text
 * @returns {boolean}
 */
function full(text) {
  return Buffer.byteLength(text, 'utf8') > snippetBytes;
}

/**
 * Raw words of an HTML body that make a whole snippet once cleaned.
 * @param {string} words
 * @returns {boolean}
 */
function snippetFull(words) {
  return full(cleanHtmlText(words));
}

/**
 * Mailpit's truncate (from Tailscale): cut at `snippetBytes`, backed up to the start of the
 * character there, and one character more when that start is a multi-byte one (even when the
 * character was whole), then "...".
 * @param {string} text
 * @returns {string}
 */
function truncated(text) {
  const bytes = Buffer.from(text, 'utf8');
  // a copy either way: a slice of the body would keep all of it alive with the summary
  if (bytes.length <= snippetBytes) return bytes.toString('utf8');
  let n = snippetBytes;
  while (n > 0 && ((bytes[n - 1] ?? 0) & 0xc0) === 0x80) n--;
  if (n > 0 && ((bytes[n - 1] ?? 0) & 0xc0) === 0xc0) n--;
  return `${bytes.subarray(0, n).toString('utf8')}...`;
}

/**
 * The words of the start of an HTML body, as html2text.Strip gives them: with `links`, each
 * anchor's http(s) address follows its words, as Strip(html, true) writes them for Mailpit's
 * search text. Reads until `enough` holds of the words so far, checked as they double.
 * @param {string} html
 * @param {{ links: boolean, enough: (words: string) => boolean }} options
 * @returns {string}
 */
function htmlWords(html, { links, enough }) {
  let words = '';
  let checkAt = snippetBytes;
  let done = false;
  /** Open elements whose text is left out (html2text skips their whole subtree). */
  let skipping = 0;
  /** Where the parser is against <head>: only a first one, before any word or body tag, counts. */
  let head = 'before';
  /** The href of each open anchor, innermost last ('' when it has none worth writing). */
  /** @type {string[]} */
  const anchors = [];
  const endHead = () => {
    if (head === 'in') skipping--;
    head = 'after';
  };
  const add = (/** @type {string} */ text) => {
    words += text;
    if (words.length >= checkAt) {
      if (enough(words)) {
        done = true;
        // the tokenizer stops where it is, mid-chunk
        parser.pause();
      }
      checkAt = words.length * 2;
    }
  };
  const HtmlParser = htmlParser();
  const parser = new HtmlParser(
    {
      onopentag(name, attributes) {
        if (name === 'head') {
          if (head === 'before') {
            head = 'in';
            skipping++;
          }
          return;
        }
        if (head !== 'after' && name !== 'html' && !headContent.has(name)) endHead();
        if (skipped.has(name)) skipping++;
        if (links && name === 'a') {
          const href = attributes.href ?? '';
          anchors.push(skipping === 0 && href.toLowerCase().startsWith('http') ? href : '');
        }
      },
      onclosetag(name) {
        if (name === 'head') {
          if (head === 'in') endHead();
          return;
        }
        if (skipped.has(name)) skipping = Math.max(0, skipping - 1);
        if (links && name === 'a') {
          const href = anchors.pop();
          if (href && !done) add(` ${href} `);
        }
      },
      ontext(data) {
        // words directly in <head> end it: they are the body's (see headContent)
        if (head !== 'after' && skipping === (head === 'in' ? 1 : 0) && /[^\t\n\f\r ]/.test(data))
          endHead();
        if (skipping > 0 || done) return;
        add(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  for (const piece of spacedPieces(html.slice(0, htmlAtMost))) {
    parser.write(piece);
    if (done) break;
  }
  if (!done) parser.end();
  return cleanHtmlText(words);
}

/**
 * The start of a text body, as CreateSnippet reads it, from as little of it as will do.
 * @param {string} text
 * @returns {string}
 */
function textWords(text) {
  for (let end = 256; ; end *= 4) {
    const words = cleanText(text.slice(0, end));
    if (end >= text.length || full(words)) return words;
  }
}

/**
 * Mailpit's snippet of a message: from its HTML when it has any (even when that HTML has no
 * words, and there is a text part), else from its text.
 * @param {string} text
 * @param {string} html
 * @returns {string}
 */
export function mailSnippet(text, html) {
  if (notSpace.test(html)) return truncated(htmlWords(html, { links: false, enough: snippetFull }));
  if (notSpace.test(text)) return truncated(textWords(text));
  return '';
}

/**
 * The words of an HTML body that Mailpit searches (createSearchText: html2text.Strip(html, true)),
 * the address of each http(s) link after its words, at least `atLeast` characters of them when
 * the body has that many: the search text keeps only a start of a body.
 * @param {string} html
 * @param {number} atLeast
 * @returns {string}
 */
export function htmlSearchWords(html, atLeast) {
  if (!notSpace.test(html)) return '';
  return htmlWords(html, {
    links: true,
    enough: (words) => cleanHtmlText(words).length >= atLeast,
  });
}
