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

/**
 * Makes every MailParser read a message's Text and HTML as Mailpit does (see above). mailparser
 * has no option for it; `getTextContent` is the one method that chooses, called once a message
 * has been read whole.
 */
export function readBodiesAsMailpit(MailParser) {
  const mailparsersOwn = MailParser.prototype.getTextContent;
  MailParser.prototype.getTextContent = function getTextContent() {
    if (!this.hasText || !this.hasHtml || showsMeta(this.tree)) return mailparsersOwn.call(this);
    const text = [];
    const html = [];
    const textTypes = this.options.keepDeliveryStatus
      ? ['text/plain']
      : ['text/plain', 'message/delivery-status'];
    const visit = (node) => {
      if (node.textContent) {
        if (textTypes.includes(node.contentType)) text.push(node.textContent);
        else if (node.contentType === 'text/html') html.push(node.textContent);
      }
      for (const child of node.children || []) visit(child);
    };
    visit(this.tree);
    const response = { type: 'text' };
    // mailparser's joins: a line between text parts, a line break between HTML parts
    if (html.length > 0) this.html = response.html = html.join('<br/>\n');
    if (text.length > 0) this.text = response.text = text.join('\n');
    return response;
  };
}

function showsMeta(node) {
  return Boolean(node.showMeta) || (node.children || []).some(showsMeta);
}
