// A message's Text and HTML as Mailpit has them (enmime's Envelope, which Mailpit reads bodies
// from): the HTML is the message's HTML part as written, the Text its text parts. Plain
// JavaScript: the parse worker runs it (see parse-worker.js for why that file is JavaScript too).
//
// mailparser reads a multipart/mixed message as a mail client shows it, part after part: a text
// part beside an HTML part goes into the HTML too (as HTML made of the text), and the HTML part's
// words into the text. The parse worker asks for no HTML made of text (`skipTextToHtml`: that
// conversion would run over every text body, for `textAsHtml`, which nothing here reads), so
// such a text part became an empty piece of the HTML, which then began with a stray `<br/>`
// (`<br/>\n<p>second part</p>`), and the Text held the HTML's words after the text's. Mailpit
// gives `<p>second part</p>` and only the text part's words.
//
// So where a message has both a text part and an HTML part, its text parts make the Text and its
// HTML parts the HTML, nothing converted (what mailparser does already when the two are
// alternatives); every other message is mailparser's own reading (an HTML-only message's text
// is still made from its HTML). An inline forwarded message (mailparser writes
// its From and Subject above its body) keeps mailparser's reading too.

/** @import { Headers, MailParserOptions, MessageText } from 'mailparser' */

/**
 * A node of mailparser's MIME tree, as far as it is read here and in delivery-report.js:
 * mailparser's internals, which its types leave out.
 * @typedef {{ contentType?: string, textContent?: string, showMeta?: boolean,
 *   headers?: Headers, children?: MimeNode[] }} MimeNode
 */
/**
 * A MailParser as its `getTextContent` sees it: the internals read and written here besides the
 * fields its types declare.
 * @typedef {{ tree: MimeNode, hasText: boolean, hasHtml: boolean, options: MailParserOptions,
 *   text: string | false, html: string | false }} MailParserState
 */
/**
 * MailParser's prototype with `getTextContent`, the internal method that reads the bodies out of
 * the tree once a message has been read whole.
 * @typedef {{ getTextContent(this: MailParserState): MessageText }} MailParserPrototype
 */

/**
 * Makes every MailParser read a message's Text and HTML as Mailpit does (see above). mailparser
 * has no option for it; `getTextContent` is the one method that chooses, called once a message
 * has been read whole.
 * @param {typeof import('mailparser').MailParser} MailParser
 */
export function readBodiesAsMailpit(MailParser) {
  // getTextContent is not in mailparser's types: its prototype is cast to what is used of it
  const prototype = /** @type {MailParserPrototype} */ (
    /** @type {unknown} */ (MailParser.prototype)
  );
  const mailparsersOwn = prototype.getTextContent;
  // (a function that assigns to `this` is a constructor to tsc, whose type no method has: it is
  // cast below, its `this` and its result checked by the tags here)
  /**
   * @this {MailParserState}
   * @returns {MessageText}
   */
  function getTextContent() {
    if (!this.hasText || showsMeta(this.tree)) return mailparsersOwn.call(this);
    const textTypes = this.options.keepDeliveryStatus
      ? ['text/plain']
      : ['text/plain', 'message/delivery-status'];
    /** @type {string[]} */
    const text = [];
    /** @type {string[]} */
    const html = [];
    let textParts = 0;
    // enmime takes one text part of an alternative (its others say the same), and every text part
    // of a mixed message, a `--` line between them: a list's footer, added as a part of its own,
    // reads `body\n--\nfooter` in Mailpit. mailparser joined every text part with a bare line
    // break, so the body ran into the footer.
    /**
     * @param {MimeNode} node
     * @param {{ hasText: boolean } | null} alternative
     */
    const visit = (node, alternative) => {
      if (node.textContent) {
        if (node.contentType !== undefined && textTypes.includes(node.contentType)) {
          textParts++;
          if (!alternative || !alternative.hasText) text.push(node.textContent);
          if (alternative) alternative.hasText = true;
        } else if (node.contentType === 'text/html') html.push(node.textContent);
      }
      const inner =
        alternative ?? (node.contentType === 'multipart/alternative' ? { hasText: false } : null);
      for (const child of node.children || []) visit(child, inner);
    };
    visit(this.tree, null);
    // a single text part with no HTML, or HTML only: mailparser's own reading (an HTML-only
    // message's text is made from its HTML)
    if (!this.hasHtml && textParts < 2) return mailparsersOwn.call(this);
    /** @type {MessageText} */
    const response = { type: 'text' };
    // several HTML parts stay joined as mailparser does (Mailpit shows only the first: the
    // others would be hidden)
    if (html.length > 0) this.html = response.html = html.join('<br/>\n');
    if (text.length > 0) this.text = response.text = text.join('\n--\n');
    return response;
  }
  prototype.getTextContent = /** @type {MailParserPrototype['getTextContent']} */ (
    /** @type {unknown} */ (getTextContent)
  );
}

/**
 * @param {MimeNode} node
 * @returns {boolean}
 */
function showsMeta(node) {
  return Boolean(node.showMeta) || (node.children || []).some(showsMeta);
}
