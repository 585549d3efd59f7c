// Runs mailparser off the SMTP event loop. Plain JavaScript on purpose: worker threads start
// a fresh Node that cannot load TypeScript, and this file runs both from the sources (tests)
// and from the build. Its input and output shapes are declared in message-parser.ts, and tsc
// checks this file against them (checkJs).
// first: a worker's start puts V8's flags back to their defaults (see heap-flags.js)
import '../load/heap-flags.js';
import {
  closeSync,
  constants,
  createReadStream,
  fdatasync,
  fsync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { readBodiesAsMailpit } from './mail-bodies.js';
import {
  attachedMessageTypes,
  attachedSubject,
  headerBlockTypes,
  deliveryReportOf,
  deliveryStatusTexts,
  keepDeliveryStatusTexts,
} from './delivery-report.js';
import { htmlSearchWords, mailSnippet } from './mail-snippet.js';

/** @import { AddressObject, Attachment, EmailAddress, ParsedMail, StructuredHeader } from 'mailparser' */
/** @import { MimeNode, SplitterChunk } from '@zone-eu/mailsplit' */
/** @import { MimePartContent, MimeStructurePart, PartChecksums } from '../../../preload/api-contract.js' */
/** @import { MailAddress, ParsedSummary } from '../message-record.js' */
/**
 * @import { IndexPortRequest, JobResult, ParsedPart, ParsedPartInfo, ParseRequest,
 *   ParseWorkerMessage, ParseWorkerReply, SummaryCut, WorkerReply, WorkerRequest, WriteRequest }
 *   from './message-parser.js'
 */
/**
 * A parse of a message in memory, and of the start of a long plain text (workerRequest).
 * @typedef {ParseRequest & { raw: Uint8Array }} InMemoryRequest
 * @typedef {ParseRequest & { cut: SummaryCut }} CutRequest
 */
/**
 * What is read of a thrown value (anything may be thrown).
 * @typedef {{ message?: unknown, code?: unknown } | null | undefined} ErrorLike
 */
/**
 * html-to-text, which ships no types: as far as it is used here. `htmlToText(html, options,
 * metadata)` is `compile(options)(html, metadata)`.
 * @typedef {{ selectors?: object[], [option: string]: unknown }} HtmlToTextOptions
 * @typedef {(html: string, metadata?: unknown) => string} HtmlToTextConvert
 * @typedef {(html: string, options?: HtmlToTextOptions, metadata?: unknown) => string} HtmlToText
 * @typedef {{ compile(options: HtmlToTextOptions): HtmlToTextConvert, htmlToText: HtmlToText }}
 *   HtmlToTextModule
 */

// only ever run as a worker (message-parser.ts), so there is a port to the thread that started it
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** What this thread tells message-parser.ts: the type it reads, checked here. */
const send = (/** @type {ParseWorkerReply} */ reply) => port.postMessage(reply);

// mailparser and its dependencies take a few hundred ms of CPU to load: they are loaded when the
// first SMTP client connects, or a while after the start if nobody has (RelayService.warmParser,
// MessageParser.warm: 'load'), on the other core while the client sends its envelope, so the
// first message does not wait for them whole; otherwise for the first parse. A worker started
// only to host the index's writes or to write files does not load them, so it does not compete
// with what the app is doing then (the GUI's first list paint).
/** @type {typeof import('@zone-eu/mailsplit')} */
let mailsplit;
/** @type {typeof import('mailparser').simpleParser} */
let simpleParser;
/** @type {typeof import('libmime').default} */
let libmime;
/** @type {typeof import('libqp')} */
let libqp;
/**
 * html-to-text's conversion, its options compiled once (compileHtmlToTextOnce).
 * @type {HtmlToText}
 */
let htmlToText;
/** @type {Promise<void> | null} */
let parserLoaded = null;

function loadParser() {
  parserLoaded ??= Promise.resolve().then(() => {
    const require = createRequire(import.meta.url);
    htmlToText = compileHtmlToTextOnce(require('html-to-text'));
    mailsplit = require('@zone-eu/mailsplit');
    libmime = require('libmime');
    libqp = require('libqp');
    /** @type {typeof import('mailparser')} */
    const mailparser = require('mailparser');
    readBodiesAsMailpit(mailparser.MailParser);
    keepDeliveryStatusTexts(mailparser.MailParser);
    simpleParser = mailparser.simpleParser;
    // the time budget of the parses starts now, not while mailparser loads
    send('ready');
  });
  return parserLoaded;
}

/** Sets of html-to-text options kept compiled (mailparser uses one). */
const compiledHtmlToTextAtMost = 8;

// mailparser turns an HTML body into text with html-to-text's `htmlToText(html, options)`, which
// compiles the options (selectors, formatters) again on every call: most of the summary's time
// for a small HTML-only message (8 KB: 1.65–1.83 against 1.15–1.23 ms through this worker).
// html-to-text's advice for many documents with the same options is to compile them once, and
// mailparser has no option for it; its CommonJS build looks `htmlToText` up on html-to-text's
// exports at every call, so it is given one that compiles each set of options (keyed by their
// JSON: mailparser's are plain data) once: the same function (`htmlToText` is
// `compile(options)(html)`), the same text but for images (and headings, below). Those it wrote as their source
// (`[cid:logo]`, a CDN's URL), first in the snippet of nearly every receipt; they are not words
// of the message, and the HTML view shows them.
const skipImages = { selector: 'img', format: 'skip' };
// html-to-text writes headings in capitals by default (`<h1>Only HTML</h1>` as "ONLY HTML"),
// in the Text of an HTML-only message and in its snippet; Mailpit keeps the words as written.
// Set here, in the options every conversion is compiled with, it costs the arrival path nothing.
const headingsAsWritten = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/**
 * @param {HtmlToTextModule} htmlToTextModule
 * @returns {HtmlToText}
 */
function compileHtmlToTextOnce(htmlToTextModule) {
  const { compile } = htmlToTextModule;
  /** @type {Map<string, HtmlToTextConvert>} */
  const compiled = new Map();
  htmlToTextModule.htmlToText = (html, options = {}, metadata = undefined) => {
    const key = JSON.stringify(options);
    let convert = compiled.get(key);
    if (!convert) {
      convert = compile({
        ...options,
        selectors: [...(options.selectors ?? []), ...headingsAsWritten, skipImages],
      });
      if (compiled.size < compiledHtmlToTextAtMost) compiled.set(key, convert);
    }
    return convert(html, metadata);
  };
  return htmlToTextModule.htmlToText;
}

/** For the summary of a large message, the bytes kept of each part (see trimmedParts). */
const partBudget = 256 * 1024;
const searchTextBudget = 16 * 1024;
/** The start of the text textStart reads first (more only if that much collapses too short). */
const textStartFirst = 2 * searchTextBudget;
/**
 * Characters at the end of a text read from part of its body that may differ from the whole
 * body's text at that place: the last line's line break, a soft break or a flowed line that the
 * next line would have continued, a base64 quantum or a character cut in two (cutSummary).
 */
const cutTextTail = 1024;

/**
 * @param {AddressObject | AddressObject[] | undefined} value
 * @returns {MailAddress[]}
 */
function addressList(value) {
  if (!value) return [];
  const lists = Array.isArray(value) ? value : [value];
  /** @type {MailAddress[]} */
  const out = [];
  const visit = (/** @type {EmailAddress[]} */ entries) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address !== undefined || entry.name) {
        out.push({ Name: entry.name || '', Address: entry.address || '' });
      }
    }
  };
  for (const list of lists) visit(list.value || []);
  return out;
}

/** The start of an HTML body turned into its words when mailparser made none (bodyTextAndSource). */
const htmlForTextAtMost = 128 * 1024;
/** The deepest nesting html-to-text is asked to walk: mailparser's own limit. */
const htmlMaxDepth = 1000;

// An HTML body's words: mailparser converts the HTML with html-to-text (scripts, styles and tags
// gone, entities decoded) only when the HTML is the whole message or sits beside a text part.
// An HTML body with an inline image (multipart/related) or with attachments (multipart/mixed),
// as most receipts and invoices are, came out with no text: no snippet in the list, and none of
// its words found. Its HTML is converted the same way then, from its first 128 KiB (the
// worker's time budget still bounds a hostile one: 128 KiB of nothing but nested `<b>` took
// 0.57 s here).
/**
 * The body's text and whether it was made from the HTML (no text part to show), so the GUI can
 * say so on its Text tab. mailparser converts the HTML itself only where the HTML is the whole
 * message (root text/html) or sits beside a text part (then the text part is there too); every
 * other HTML-only message comes out with no text, converted here.
 * @param {ParsedMail} parsed
 * @returns {{ text: string, fromHtml: boolean }}
 */
function bodyTextAndSource(parsed) {
  if (parsed.text) return { text: parsed.text, fromHtml: rootType(parsed) === 'text/html' };
  if (typeof parsed.html !== 'string' || parsed.html === '') return { text: '', fromHtml: false };
  try {
    const text = htmlToText(parsed.html.slice(0, htmlForTextAtMost), {
      limits: { maxDepth: htmlMaxDepth },
    });
    return { text, fromHtml: text !== '' };
  } catch {
    // as mailparser does with HTML it cannot convert: the message keeps its HTML, without text
    return { text: '', fromHtml: false };
  }
}

/**
 * @param {ParsedMail} parsed
 * @returns {string}
 */
function rootType(parsed) {
  // mailparser's value of a Content-Type is a StructuredHeader (its types say HeaderValue)
  const type = /** @type {StructuredHeader | undefined} */ (
    parsed.headers && parsed.headers.get('content-type')
  );
  return type && typeof type.value === 'string' ? type.value.toLowerCase() : '';
}

// Inline or attachment as Mailpit tells them (enmime, parseMultiPartBody): by the disposition the
// sender wrote, not by where the part sits. An `inline` part is inline with or without a
// Content-ID (Apple Mail's and nodemailer's `contentDisposition: 'inline'` files, pasted images),
// and so is a part with a Content-ID and no disposition, whatever multipart holds it; an
// `attachment`, or an application/octet-stream, is an attachment even inside multipart/related.
// Both used to be read the other way here: such an inline file was counted as an attachment
// (has:attachment found it, Mailpit's does not). A part with neither disposition nor Content-ID
// stays an attachment (Mailpit lists a named one as inline; mail clients show it as a file).
/**
 * @param {Attachment} att
 * @returns {boolean}
 */
function isInline(att) {
  if (!att.partId) return false;
  const disposition = writtenDisposition(att);
  if (disposition === 'attachment' || att.contentType === 'application/octet-stream') return false;
  return disposition === 'inline' || (disposition === '' && Boolean(att.cid));
}

/**
 * A part's Content-Disposition as written, lowercase; '' without one (mailparser's own
 * `contentDisposition` says `attachment` for any part without one that is not text).
 * @param {Attachment} att
 * @returns {string}
 */
function writtenDisposition(att) {
  const header = att.headers && att.headers.get('content-disposition');
  if (!header) return '';
  const value = typeof header === 'object' && 'value' in header ? header.value : header;
  return String(value).trim().toLowerCase();
}

// Mailpit lists a part under Inline or Attachments only when it has a file name or a Content-ID
// (messages.go, GetMessage), and counts as attachments only the parts enmime files as such: those
// with `Content-Disposition: attachment` or of type application/octet-stream. A part with neither
// disposition nor name nor Content-ID (enmime's OtherParts: an invitation's text/calendar beside
// its text and HTML, as Outlook and nodemailer's icalEvent write it) is in neither list and is not
// counted: a test counting an invitation's attachments found one more here than in Mailpit. Such
// a part is still served by /part/{PartID} (as Mailpit's GetAttachmentPart finds it) and listed
// in OtherParts for the GUI. An attached message is kept listed: the GUI names it (AttachedMessages).
/**
 * @param {Attachment} att
 * @returns {boolean}
 */
function unlistedByMailpit(att) {
  // a message that is one binary part (a scan sent as application/pdf) is enmime's attachment
  if (!att.partId) return false;
  if (att.filename || att.cid) return false;
  if (writtenDisposition(att) !== '') return false;
  const type = att.contentType || '';
  return (
    type !== 'application/octet-stream' &&
    type !== 'message/rfc822' &&
    type !== 'text/rfc822-headers'
  );
}

/**
 * @param {ParsedMail} parsed
 * @param {string} name
 * @returns {string}
 */
function headerText(parsed, name) {
  const value = parsed.headers.get(name);
  if (!value) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  if (typeof value === 'object' && 'value' in value) return String(value.value);
  return String(value);
}

// A header as written, its folds joined with one space (as Go's textproto, which Mailpit reads
// headers with, joins them): mailparser turns List-* headers into a structure of its own
// (`headers.get('list')`) and keeps no text of them.
/**
 * @param {ParsedMail} parsed
 * @param {string} name
 * @returns {string}
 */
function headerLine(parsed, name) {
  const found = (parsed.headerLines || []).find((h) => h.key === name);
  return found ? unfolded(found) : '';
}

/**
 * @param {{ line: string }} found
 * @returns {string}
 */
function unfolded(found) {
  const value = found.line.slice(found.line.indexOf(':') + 1);
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join(' ')
    .trim();
}

// A list's List-Unsubscribe headers read as the one header they stand for: nodemailer's
// `list.unsubscribe` with a URL and a mailto writes each in a header of its own, and mail clients
// offer both; Mailpit reads the first only (Go's Header.Get), so the mailto was lost. One header,
// as most lists send it, reads as before.
/**
 * @param {ParsedMail} parsed
 * @returns {string}
 */
function listUnsubscribeLine(parsed) {
  return (parsed.headerLines || [])
    .filter((h) => h.key === 'list-unsubscribe')
    .map(unfolded)
    .filter((value) => value !== '')
    .join(', ');
}

/**
 * One round of textStart: the first `end` characters, whitespace collapsed.
 * @param {string} body
 * @param {number} end
 * @returns {string}
 */
function textRound(body, end) {
  return body.slice(0, end).replace(/\s+/g, ' ').trim();
}

// Only the start of the text is kept (snippet, search text); collapsing the whitespace of all
// of a 25 MB body would copy it twice more. Whitespace-heavy text takes a longer slice. The
// first slice is small: the copies made of it (and the snippet, a slice of them) live until the
// batch's reply, and copies of 128 KiB each were most of what this thread's heap promoted under
// 100 KB messages, and so most of its mark-compacts.
/**
 * @param {string} body
 * @returns {string}
 */
function textStart(body) {
  let end = textStartFirst;
  for (;;) {
    const text = textRound(body, end);
    if (text.length >= searchTextBudget || end >= body.length) return text;
    end *= 4;
  }
}

/**
 * What search reads of a body: what Mailpit's search text has of it and more. The words of the
 * HTML with each link's address after its words (Mailpit's, when there is HTML: a test waiting
 * for the token of a reset link finds it), then the start of the text parts (Mailpit's when there
 * is no HTML; what only the text part says is still found), then the attachments' file names (as
 * Mailpit adds them). `text`: the text parts' start; in a summary's parse mailparser makes no text
 * of the HTML (summaryParseOptions), which would be the HTML's words again.
 * @param {ParsedMail} parsed
 * @param {string} text
 * @returns {string}
 */
function searchTextOf(parsed, text) {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  /** @type {string[]} */
  const pieces = [];
  if (html !== '') pieces.push(htmlSearchWords(html, searchTextBudget).slice(0, searchTextBudget));
  if (text !== '') pieces.push(text.slice(0, searchTextBudget));
  for (const attachment of parsed.attachments || []) {
    if (attachment.filename) pieces.push(attachment.filename);
  }
  return pieces.join(' ').toLowerCase();
}

/**
 * `body`: the message's text when the caller has it already (bodyTextAndSource converts HTML).
 * @param {ParsedMail} parsed
 * @param {string} body
 * @param {string} [text]
 * @returns {ParsedSummary}
 */
function summarize(parsed, body, text = textStart(body)) {
  const attachments = (parsed.attachments || []).filter((att) => !unlistedByMailpit(att));
  const inline = attachments.filter(isInline).length;
  const date = parsed.date instanceof Date && !isNaN(parsed.date.getTime()) ? parsed.date : null;
  const returnPath = headerText(parsed, 'return-path').replace(/^\s*<|>\s*$/g, '');
  return {
    messageId: (parsed.messageId || '').replace(/^<|>$/g, ''),
    subject: parsed.subject || '',
    date: date ? date.toISOString() : null,
    from: addressList(parsed.from)[0] || null,
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    bcc: addressList(parsed.bcc),
    replyTo: addressList(parsed.replyTo),
    returnPath,
    attachments: attachments.length - inline,
    inline,
    // Mailpit's: from the HTML when there is any (mail-snippet.js); a new string, which keeps
    // nothing of the body alive as long as the summary lives
    snippet: mailSnippet(body, typeof parsed.html === 'string' ? parsed.html : ''),
    searchText: searchTextOf(parsed, text),
    parseError: null,
  };
}

const noBytesHashed = Buffer.alloc(0);

/**
 * Mailpit's Checksums of a part: of its decoded content, lowercase hex.
 * @param {Buffer | undefined} content
 * @returns {PartChecksums}
 */
function checksums(content) {
  const bytes = content ?? noBytesHashed;
  const hex = (/** @type {string} */ algorithm) =>
    createHash(algorithm).update(bytes).digest('hex');
  return { MD5: hex('md5'), SHA1: hex('sha1'), SHA256: hex('sha256') };
}

// A part's position in the MIME tree ("2", "1.2.2"), as Mailpit's PartIDs (enmime numbers parts
// the same way): mailparser gives it as `partId`, null for a message that is itself the one
// part, which enmime calls "0". Both the message's JSON and /part/{PartID} use it.
/**
 * @param {Attachment} att
 * @returns {string}
 */
function partIdOf(att) {
  return att.partId || '0';
}

// Only the whole-message view lists parts (the summary counts them), so the hashing is per view,
// never on the arrival path.
/**
 * @param {ParsedMail} parsed
 * @returns {ParsedPartInfo[]}
 */
function parts(parsed) {
  return (parsed.attachments || []).map((att) => ({
    PartID: partIdOf(att),
    FileName: att.filename || '',
    ContentType: att.contentType || 'application/octet-stream',
    ContentID: att.cid || '',
    Size: att.size || (att.content ? att.content.length : 0),
    Checksums: checksums(att.content),
    inline: isInline(att),
    unlisted: unlistedByMailpit(att),
    // an attached message or returned header block is named by its Subject in the GUI (enmime
    // gives it no FileName)
    ...returnedNaming(att),
  }));
}

// The summary (list, search) needs the headers, the kind of each part and the start of the
// text, not 25 MB of body: mailparser keeps every text part whole, in several copies, and
// decodes and checksums every attachment. So for a large message (message-parser.ts says which)
// a text part's body is cut after its first 256 KiB (at a line end, so the MIME structure stays
// intact) and any other part's body is left out before mailparser sees it: the same summary (an
// attachment is counted, and told inline, from its headers) for a fraction of the time and
// memory. mailsplit is the MIME splitter mailparser itself is built on.
/**
 * @param {Readable} input
 * @returns {Readable}
 */
function trimmedParts(input) {
  /** @type {WeakMap<object, number>} */
  const kept = new WeakMap();
  const trim = new Transform({
    objectMode: true,
    /** @param {SplitterChunk} chunk */
    transform(chunk, _encoding, callback) {
      if (chunk.type !== 'body' || !chunk.value) return callback(null, chunk);
      // no Content-Type is text/plain (RFC 2045 §5.2)
      const type = chunk.node.contentType;
      if (type && !type.startsWith('text/')) return callback();
      const used = kept.get(chunk.node) ?? 0;
      if (used >= partBudget) return callback();
      if (used + chunk.value.length > partBudget) {
        const cut = chunk.value.lastIndexOf(0x0a, partBudget - used - 1);
        chunk.value = chunk.value.subarray(0, cut + 1);
        kept.set(chunk.node, partBudget);
      } else kept.set(chunk.node, used + chunk.value.length);
      callback(null, chunk);
    },
  });
  // mailsplit's types declare its streams' on() for 'data' only, which hides Transform's other
  // events (and makes them no Transform to tsc): they are used as the Transforms they are
  const splitter = /** @type {Transform} */ (
    /** @type {unknown} */ (new mailsplit.Splitter({ maxChildNodes }))
  );
  const joiner = /** @type {Transform} */ (/** @type {unknown} */ (new mailsplit.Joiner()));
  for (const stream of [input, splitter, trim]) stream.on('error', (err) => joiner.destroy(err));
  return input.pipe(splitter).pipe(trim).pipe(joiner);
}

/**
 * mailsplit's default of 1,000 parts left a message with more attachments unread ("Max allowed
 * child nodes exceeded"). 20,000 is past any real message and keeps the guard against a hostile
 * one: 20,000 attachments parse in about 2 s, inside the worker's time budget, where a 25 MB
 * message of 250,000 empty parts would spend all of it.
 */
const maxChildNodes = 20_000;

const parseOptions = {
  maxChildNodes,
  skipImageLinks: true,
  skipTextLinks: true,
  skipTextToHtml: true,
  keepCidLinks: true,
};
/**
 * A summary reads the HTML's words itself (searchTextOf, the snippet): mailparser's text of an
 * HTML body (html-to-text, most of a small HTML message's parse) would only be thrown away.
 */
const summaryParseOptions = { ...parseOptions, skipHtmlToText: true };

/**
 * A request's message bytes, as sent in memory (no copy).
 * @param {InMemoryRequest} request
 * @returns {Buffer}
 */
function rawBytes(request) {
  return Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
}

/**
 * The first `length` bytes of a file (fewer if it is shorter).
 * @param {string} path
 * @param {number} length
 * @returns {Buffer}
 */
function readStart(path, length) {
  const fd = openSync(path, 'r');
  try {
    const start = Buffer.allocUnsafe(length);
    let got = 0;
    for (let n = -1; got < length && n !== 0; got += n)
      n = readSync(fd, start, got, length - got, got);
    return start.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * What textStart makes of a whole text, told from a start of it whose last cutTextTail
 * characters may differ from the whole text's: the same rounds, each of which must end before
 * them. Null when the start is too short to tell.
 * @param {string} start
 * @returns {string | null}
 */
function textStartFrom(start) {
  for (let end = textStartFirst; end + cutTextTail < start.length; end *= 4) {
    const text = textRound(start, end);
    if (text.length >= searchTextBudget) return text;
  }
  return null;
}

// The summary of a message of one plain-text part needs its headers and the first 16 K
// characters of its text (textStart): mailparser would decode, split into lines and copy all of a
// long body for them. The start of the body (whole lines) gives the same text but for its last
// few characters (cutTextTail), so the summary is the whole parse's when that text reaches past
// what textStart reads. The start read is 48 KiB of body (message-parser.ts), then four times as
// much while its text is too short (characters of many bytes, an encoding, mostly whitespace): at
// most a third more work than one whole parse. Null: the whole message is to be parsed (it is no
// plain text to mailparser after all, or the start grew to the whole).
/**
 * @param {CutRequest} request
 * @returns {Promise<ParsedSummary | null>}
 */
async function cutSummary(request) {
  const { bodyStart, bytes: first, size } = request.cut;
  const bytes = request.raw ? rawBytes(/** @type {InMemoryRequest} */ (request)) : null;
  for (let take = first; bodyStart + take < size; take *= 4) {
    const length = bodyStart + take;
    // without bytes, the message is in the spool folder (workerRequest)
    const start = bytes
      ? bytes.subarray(0, length)
      : readStart(/** @type {string} */ (request.path), length);
    const parsed = await simpleParser(start.subarray(0, start.lastIndexOf(0x0a) + 1), parseOptions);
    // mailparser's value of a Content-Type is a StructuredHeader (its types say HeaderValue)
    const type = /** @type {StructuredHeader | undefined} */ (parsed.headers.get('content-type'));
    if (type && String(type.value).toLowerCase() !== 'text/plain') return null;
    if ((parsed.attachments || []).length > 0 || typeof parsed.text !== 'string') return null;
    const text = textStartFrom(parsed.text);
    if (text !== null) return summarize(parsed, parsed.text, text);
  }
  return null;
}

// The MIME structure as sent: each part's declared type, encoding and disposition, its headers
// and the size of its body, in the order of the message, numbered as mailparser numbers the
// parts (the PartIDs of /part/{PartID}). Read with mailsplit alone: no body is decoded or kept.
/** Header lines kept per part: a hostile part of a thousand headers is not sent whole. */
const structureHeaders = 200;
/**
 * A part's place as `/part/{PartID}` numbers it (mailparser's numbering): '' for a multipart
 * message itself, "0" for a one-part message's only part, as Mailpit's.
 * @param {MimeNode} chunk
 * @returns {string}
 */
function nodePartId(chunk) {
  const numbers = (chunk.partNr || []).filter((nr) => typeof nr === 'number');
  return numbers.join('.') || (chunk.multipart ? '' : '0');
}

/**
 * @param {Readable} input
 * @returns {Promise<MimeStructurePart[]>}
 */
async function structureOf(input) {
  const splitter = /** @type {Transform} */ (
    /** @type {unknown} */ (new mailsplit.Splitter({ maxChildNodes }))
  );
  input.on('error', (err) => splitter.destroy(err));
  /** @type {Map<object, { part: MimeStructurePart, parent: object | false }>} */
  const byNode = new Map();
  /** @type {MimeStructurePart[]} */
  const parts = [];
  /** @type {Set<MimeStructurePart>} */
  const withChildren = new Set();
  for await (const chunk of /** @type {AsyncIterable<SplitterChunk>} */ (input.pipe(splitter))) {
    if (chunk.type === 'node') {
      let depth = 0;
      for (let up = chunk.parentNode; up; up = up.parentNode) depth += 1;
      const headers = chunk.headers ? chunk.headers.getList() : [];
      /** @type {MimeStructurePart} */
      const part = {
        PartID: nodePartId(chunk),
        Depth: depth,
        ContentType: chunk.contentType || 'text/plain',
        Charset: chunk.charset || '',
        Encoding: chunk.encoding || '',
        Disposition: chunk.disposition || '',
        FileName: chunk.filename || '',
        ContentID: chunk.headers ? chunk.headers.getFirst('content-id').trim() : '',
        Size: 0,
        Headers: headers
          .slice(0, structureHeaders)
          .map((header) => header.line.replace(/\r?\n[ \t]+/g, ' ').trimEnd()),
        Warnings: [],
      };
      byNode.set(chunk, { part, parent: chunk.parentNode });
      const parent = chunk.parentNode ? byNode.get(chunk.parentNode) : undefined;
      if (parent) withChildren.add(parent.part);
      parts.push(part);
    } else if (chunk.type === 'body' && chunk.value) {
      // a part's size counts in each part that holds it
      for (
        let at = byNode.get(chunk.node);
        at;
        at = at.parent ? byNode.get(at.parent) : undefined
      ) {
        at.part.Size += chunk.value.length;
      }
    }
  }
  structureWarnings(parts, withChildren);
  return parts;
}

/**
 * What smtp4dev's part inspector warns of, and what a sender's bug looks like from here: a
 * multipart that holds no part (its boundary never comes, so mail clients show an empty message)
 * and a Content-ID two parts share (a cid: link then shows one of them, which differs by client).
 * @param {MimeStructurePart[]} parts
 * @param {Set<MimeStructurePart>} withChildren
 */
function structureWarnings(parts, withChildren) {
  /** @type {Map<string, MimeStructurePart>} */
  const byContentId = new Map();
  for (const part of parts) {
    if (part.ContentType.startsWith('multipart/') && !withChildren.has(part)) {
      const type = part.Headers.find((line) => /^content-type:/i.test(line)) ?? '';
      const boundary = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(type);
      const named = boundary?.[1] ?? boundary?.[2];
      part.Warnings.push(
        named
          ? `This multipart holds no part: its boundary "${named}" never starts a line of the body (as --${named}), so mail clients show nothing of it`
          : 'This multipart holds no part: its Content-Type names no boundary, so mail clients show nothing of it',
      );
    }
    // <logo@example> and logo@example are one ID to a cid: link
    const id = part.ContentID.replace(/^<|>$/g, '').trim();
    if (!id) continue;
    const first = byContentId.get(id);
    if (first) {
      part.Warnings.push(
        `Its Content-ID is also part ${first.PartID || 'message'}'s: a cid:${id} link shows one of the two, and which one depends on the mail client`,
      );
    } else byContentId.set(id, part);
  }
}

/** How much of a part's body is read for its content: a view, not a download. */
const partContentBytes = 1024 * 1024;
/** How much of a part as sent is shown: its headers and the start of its body. */
const partSourceBytes = 64 * 1024;

/**
 * One part of the structure as sent and, for a text part, decoded: what a developer asks of a
 * base64 or quoted-printable part the source only shows encoded. Read with mailsplit, numbered
 * as structureOf numbers the parts; null when the message has no such part (or it is a
 * multipart, whose content is its parts).
 * @param {Readable} input
 * @param {string} partId
 * @returns {Promise<MimePartContent | null>}
 */
async function partContentOf(input, partId) {
  const splitter = /** @type {Transform} */ (
    /** @type {unknown} */ (new mailsplit.Splitter({ maxChildNodes }))
  );
  input.on('error', (err) => splitter.destroy(err));
  /** @type {object | null} */
  let found = null;
  /** @type {{ type: string, charset: string, encoding: string, headers: Buffer } | null} */
  let facts = null;
  /** @type {Buffer[]} */
  const body = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of /** @type {AsyncIterable<SplitterChunk>} */ (input.pipe(splitter))) {
    if (chunk.type === 'node') {
      const id = nodePartId(chunk);
      // an attached message's one part has the PartID of the message/rfc822 part holding it:
      // the content is the inner part's
      if (id === partId && !chunk.multipart && (!found || chunk.parentNode === found)) {
        found = chunk;
        body.length = 0;
        kept = 0;
        size = 0;
        facts = {
          type: chunk.contentType || 'text/plain',
          charset: chunk.charset || '',
          encoding: chunk.encoding || '',
          headers: chunk.getHeaders(),
        };
      }
    } else if (chunk.type === 'body' && chunk.value && found && chunk.node === found) {
      size += chunk.value.length;
      if (kept < partContentBytes) {
        const value = chunk.value.subarray(0, partContentBytes - kept);
        body.push(value);
        kept += value.length;
      }
    }
  }
  // an attached message whose parts follow has no content of its own, as a multipart has none
  if (!facts || (facts.type === 'message/rfc822' && size === 0)) return null;
  const sent = Buffer.concat(body);
  const truncated = size > sent.length;
  const source = Buffer.concat([facts.headers, sent.subarray(0, partSourceBytes)]).toString();
  if (!facts.type.startsWith('text/')) {
    return {
      PartID: partId,
      ContentType: facts.type,
      Source: source,
      SourceCut: size > partSourceBytes,
      Text: null,
      DecodedAs: '',
      TextCut: false,
    };
  }
  const decoded = decodeTransfer(sent, facts.encoding, truncated);
  // mailparser's own charset decoding, so the text reads as the Text tab's does
  const decoder = libmime.createDecodeStream(facts.charset || 'utf-8');
  /** @type {Buffer[]} */
  const utf8 = [];
  decoder.on('data', (/** @type {Buffer} */ piece) => utf8.push(piece));
  const done = new Promise((resolve, reject) => {
    decoder.on('end', resolve);
    decoder.on('error', reject);
  });
  decoder.end(decoded);
  await done;
  // a body cut short may end in the middle of a letter: that half is left out, not shown as �
  const whole = Buffer.concat(utf8).toString();
  const text = truncated ? whole.replace(/\uFFFD+$/, '') : whole;
  // an unknown charset is read as UTF-8, and said so
  const decodedAs = decoder.supported ? decoder.charset.toLowerCase() : 'utf-8';
  return {
    PartID: partId,
    ContentType: facts.type,
    Source: source,
    SourceCut: size > partSourceBytes,
    Text: text,
    DecodedAs: decodedAs,
    TextCut: truncated,
  };
}

/**
 * A body's bytes as meant: base64 and quoted-printable decoded as mail clients read them (what
 * is not of the alphabet skipped). A base64 body cut short is decoded to its last whole group.
 * @param {Buffer} sent
 * @param {string} encoding
 * @param {boolean} cut
 * @returns {Buffer}
 */
function decodeTransfer(sent, encoding, cut) {
  if (encoding === 'base64') {
    let letters = sent.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
    if (cut) letters = letters.slice(0, letters.length - (letters.length % 4));
    return Buffer.from(letters, 'base64');
  }
  if (encoding === 'quoted-printable') return libqp.decode(sent.toString('latin1'));
  return sent;
}

/**
 * @param {ParseRequest} request
 * @returns {Promise<JobResult>}
 */
async function handle(request) {
  if (request.kind === 'structure' || request.kind === 'partContent') {
    const input = request.path
      ? createReadStream(request.path)
      : Readable.from([rawBytes(/** @type {InMemoryRequest} */ (request))]);
    if (request.kind === 'partContent') {
      return { partContent: await partContentOf(input, request.partId ?? '') };
    }
    return { structure: await structureOf(input) };
  }
  if (request.kind === 'summary' && request.cut) {
    // whatever goes wrong with the start alone is the whole parse's to find, or not
    const summary = await cutSummary(/** @type {CutRequest} */ (request)).catch(() => null);
    if (summary) return { summary, fromStart: true };
  }
  // a message received over SMTP is read from its file in the spool folder; others come as bytes
  /** @type {Readable | Buffer} */
  let input = request.path
    ? createReadStream(request.path)
    : rawBytes(/** @type {InMemoryRequest} */ (request));
  if (request.trim && Buffer.isBuffer(input)) input = Readable.from([input]);
  const summary = request.kind === 'summary';
  const options = summary ? summaryParseOptions : parseOptions;
  const parsed = await simpleParser(
    // a stream by now when trimmed (above)
    request.trim ? trimmedParts(/** @type {Readable} */ (input)) : input,
    options,
  );
  if (summary) return { summary: summarize(parsed, parsed.text || '') };
  if (request.kind === 'detail') {
    const { text, fromHtml } = bodyTextAndSource(parsed);
    return {
      summary: summarize(parsed, text),
      text,
      textFromHtml: fromHtml,
      html: typeof parsed.html === 'string' ? parsed.html : '',
      // read as Mailpit reads it (Go's net/mail) in mailpit-date.ts
      dateHeader: headerLine(parsed, 'date'),
      parts: parts(parsed),
      listUnsubscribe: listUnsubscribeLine(parsed),
      listUnsubscribePost: headerLine(parsed, 'list-unsubscribe-post'),
      deliveryReport: deliveryReportOf(parsed, deliveryStatusTexts(parsed)),
    };
  }
  // the attachment policy reads every part: one parse for all, not one per part (a message of
  // a thousand small parts would be parsed a thousand times)
  if (request.kind === 'parts') return { parts: (parsed.attachments || []).map(partOf) };
  const att = (parsed.attachments || []).find((a) => partIdOf(a) === request.partId);
  return { part: att ? partOf(att) : null };
}

/**
 * @param {Attachment} att
 * @returns {ParsedPart}
 */
function partOf(att) {
  const content = att.content;
  return {
    contentType: att.contentType || 'application/octet-stream',
    fileName: att.filename || '',
    contentId: att.cid || '',
    savedName: att.filename ? '' : (returnedNaming(att).savedName ?? ''),
    content: new Uint8Array(content.buffer, content.byteOffset, content.length),
  };
}

/**
 * An attached message's Subject and the name it is saved under ("Your order.eml"), or a returned
 * header block's ("Your order (headers).txt": Exim's reports, Postfix's with headers_only); {}
 * for other parts. The GUI's chip shows that name (AttachedMessages), and the part's download
 * gives it as its Content-Disposition, which is what a browser saves under.
 * @param {Attachment} att
 * @returns {{ messageSubject?: string, savedName?: string }}
 */
function returnedNaming(att) {
  const type = (att.contentType || '').toLowerCase();
  const isMessage = attachedMessageTypes.has(type);
  if (!isMessage && !headerBlockTypes.has(type)) return {};
  const messageSubject = attachedSubject(att.content);
  const shown = messageSubject.trim() || 'message';
  return { messageSubject, savedName: isMessage ? `${shown}.eml` : `${shown} (headers).txt` };
}

// New files are written with blocking calls (into the page cache: quick), then all of a batch's
// fdatasyncs run at once in the libuv pool (the disk takes several in flight faster than one after
// another, and this thread parses meanwhile), then one fsync of each folder puts their names on
// disk. From the SMTP thread's side the whole batch is one hand-off.
//
// A file replaced (`temp` given: a sidecar rewritten by the folding of the queue's journal) is
// written under its temporary name and renamed over the old one once synced: a crash leaves the
// old file or the new, never a torn one. Its folder's fsync begins after the batch's renames.
const newFileFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
const overwriteFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;

/**
 * @param {WriteRequest} request
 * @returns {number}
 */
function writeFile(request) {
  const fd = openSync(
    request.temp ?? request.path,
    request.overwrite ? overwriteFlags : newFileFlags,
    0o600,
  );
  try {
    const data = request.data;
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * @param {number} fd
 * @returns {Promise<void>}
 */
function datasync(fd) {
  return new Promise((resolve, reject) => {
    fdatasync(fd, (err) => {
      closeSync(fd);
      if (err) reject(err);
      else resolve();
    });
  });
}

// A folder's fsync, in the pool: it runs while the files' fdatasyncs do (their names are in the
// folder already), not after them, which halves the wait of a lone message.
/**
 * @param {string} folder
 * @returns {Promise<void>}
 */
function syncFolder(folder) {
  return new Promise((resolve, reject) => {
    let fd;
    try {
      fd = openSync(folder, 'r');
    } catch (err) {
      reject(err);
      return;
    }
    fsync(fd, (err) => {
      closeSync(fd);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Each folder's fsync: null once done, or its error.
 * @param {WriteRequest[]} requests
 * @returns {Map<string, Promise<unknown>>}
 */
function syncFolders(requests) {
  /** @type {Map<string, Promise<unknown>>} */
  const folders = new Map();
  for (const folder of new Set(requests.map((request) => dirname(request.path)))) {
    folders.set(
      folder,
      syncFolder(folder).then(
        () => null,
        (err) => err,
      ),
    );
  }
  return folders;
}

/** @param {WriteRequest} request */
function removeTemp(request) {
  try {
    if (request.temp) unlinkSync(request.temp);
  } catch {
    // not there: nothing to remove
  }
}

/**
 * @param {WorkerRequest} request
 * @param {unknown} thrown
 * @returns {WorkerReply}
 */
function failure(request, thrown) {
  const err = /** @type {ErrorLike} */ (thrown);
  return {
    jobId: request.jobId,
    ok: false,
    error: err && err.message ? String(err.message) : String(err),
    code: err && typeof err.code === 'string' ? err.code : undefined,
  };
}

/**
 * A file written unsynced (its bytes are durable elsewhere until it is synced: a new message's
 * .eml, in the arrivals journal): answered at once, with the batch's parses.
 * @param {WriteRequest} request
 * @returns {WorkerReply}
 */
function writeUnsynced(request) {
  try {
    closeSync(writeFile(request));
    return { jobId: request.jobId, ok: true, result: {} };
  } catch (err) {
    return failure(request, err);
  }
}

/**
 * A file written unsynced before, opened for its fdatasync (null: removed since, nothing to do).
 * @param {WriteRequest} request
 * @returns {number | null}
 */
function openToSync(request) {
  try {
    // read and write: Windows flushes only a handle that may write
    return openSync(request.path, constants.O_RDWR);
  } catch (err) {
    if (err && /** @type {{ code?: unknown }} */ (err).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes the batch's files; resolves with their replies once they are on disk.
 * @param {WriteRequest[]} requests
 * @returns {Promise<WorkerReply[]>}
 */
async function writeAll(requests) {
  /** @type {WorkerReply[]} */
  const replies = [];
  /** @type {Promise<{ request: WriteRequest, err: unknown }>[]} */
  const created = [];
  /** @type {Promise<{ request: WriteRequest, err: unknown }>[]} */
  const replaced = [];
  for (const request of requests) {
    try {
      const fd = request.syncOnly ? openToSync(request) : writeFile(request);
      if (fd === null) {
        replies.push({ jobId: request.jobId, ok: true, result: {} });
        continue;
      }
      const synced = datasync(fd).then(() => {
        if (request.temp) renameSync(request.temp, request.path);
      });
      (request.temp ? replaced : created).push(
        synced.then(
          () => ({ request, err: null }),
          (err) => {
            removeTemp(request);
            return { request, err };
          },
        ),
      );
    } catch (err) {
      removeTemp(request);
      replies.push(failure(request, err));
    }
  }
  // every new name of the batch is in its folder now: those folders' fsyncs may begin
  const createdIn = syncFolders(requests.filter((request) => !request.temp));
  const renamed = await Promise.all(replaced);
  const renamedIn = syncFolders(renamed.filter((r) => !r.err).map((r) => r.request));
  for (const { request, err } of [...(await Promise.all(created)), ...renamed]) {
    const folders = request.temp ? renamedIn : createdIn;
    const failed = err ?? (await folders.get(dirname(request.path)));
    replies.push(
      failed ? failure(request, failed) : { jobId: request.jobId, ok: true, result: {} },
    );
  }
  return replies;
}

// A batch of jobs in, its results out in at most two replies (see message-parser.ts). The files
// are written first and synced while the messages are parsed, one at a time, so a batch of small
// messages holds no more in memory than one large one. The parses' results go back as soon as
// they are done, not once the files are synced: the arrivals journal's commit, which needs the
// parse, then runs while the .eml's fdatasync does, instead of after it (one disk flush fewer on
// the way to a lone message's 250).
// A write into the page cache only (a small message's .eml, whose bytes its journal line holds)
// is answered with the parses: nothing about it waits for a sync.
port.on('message', async (/** @type {ParseWorkerMessage} */ requests) => {
  if (requests === 'load') {
    // its failure is the first parse's to report
    loadParser().catch(() => undefined);
    return;
  }
  if (!Array.isArray(requests)) {
    hostIndexWrites(requests);
    return;
  }
  const writes = /** @type {WriteRequest[]} */ (
    requests.filter((request) => request.kind === 'write' && !request.unsynced)
  );
  // answered with the parses, in the first reply
  const parsed = /** @type {WriteRequest[]} */ (
    requests.filter((request) => request.kind === 'write' && request.unsynced)
  ).map(writeUnsynced);
  const writing = writeAll(writes);
  if (requests.some((request) => request.kind !== 'write')) await loadParser();
  for (const request of requests) {
    if (request.kind === 'write') continue;
    try {
      parsed.push({ jobId: request.jobId, ok: true, result: await handle(request) });
    } catch (err) {
      parsed.push(failure(request, err));
    }
  }
  if (parsed.length > 0) send(parsed);
  if (writes.length > 0) send(await writing);
});

// The message index's writes run in this thread too (message-parser.ts, hostIndexWrites): their
// module, and SQLite with it, is loaded when the first port comes.
/** @param {IndexPortRequest} request */
function hostIndexWrites({ indexPort, indexData }) {
  import('../index/index-writes.js').then(
    ({ serveIndexWrites }) => serveIndexWrites(indexPort, indexData),
    (/** @type {ErrorLike} */ err) => {
      indexPort.postMessage({ crashed: err && err.message ? String(err.message) : String(err) });
      indexPort.close();
    },
  );
}
